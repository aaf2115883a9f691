"""The access layer's rules, each allowed and denied for every kind of user, on real
Southampton objects beside a second council (Testshire); and every service that changes
data refusing, whoever calls it, a user without the right, changing no row."""

import importlib
import inspect

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from actions.models import Action
from actions.services import record_progress
from recommendations.imports.services import confirm_import, preview_upload
from recommendations.models import ImportStatus, Organisation, Recommendation, Review, ReviewImport
from recommendations.review_files.errors import ReviewFileInvalid
from recommendations.services import correct_transcription, publish_review
from tests.conftest import SOUTHAMPTON_FILES
from tests.tracker.test_isolation import changed, fingerprint
from tracker.access import (
    Verb,
    can,
    can_at_all,
    requires_two_factor,
    sees_all_organisations,
)

LEADING = "Service Director for Digital and Business Operations"  # leads 6.3-a of cpc-2017

PERSONAS = [
    "viewer",
    "officer leading",
    "officer not leading",
    "programme office",
    "admin",
    "LGA-wide admin",
    "superuser",
    "inactive officer",
    "no membership",
    "signed out",
]
FIXTURES = {
    "viewer": "cmt_viewer",
    "officer leading": "officer",
    "officer not leading": "other_officer",
    "programme office": "programme_office",
    "admin": "admin_member",
    "LGA-wide admin": "lga_admin",
}


@pytest.fixture
def persona(request, testshire, make_user, django_user_model):
    name = request.param
    if name in FIXTURES:
        return request.getfixturevalue(FIXTURES[name])
    if name == "superuser":
        return django_user_model.objects.create_superuser(
            "operator", "operator@example.org", "a-long-test-password"
        )
    if name == "inactive officer":
        # Leads the same action as `officer`: only being inactive stops them.
        user = make_user("inactive_officer", "Officer", leads=[LEADING])
        user.is_active = False
        user.save()
        return user
    if name == "no membership":
        return django_user_model.objects.create_user("drifter", password="a-long-test-password")
    return AnonymousUser()


def southampton_objects():
    """One Southampton object for each verb's question."""
    review = Review.objects.get(organisation__slug="southampton", slug="cpc-2017")
    organisation = Organisation.objects.get(slug="southampton")
    return {
        Verb.VIEW: review,
        Verb.RECORD_PROGRESS: Action.objects.get(review=review, ref="6.3-a"),
        Verb.MANAGE_PLAN: review,
        Verb.CORRECT_TRANSCRIPTION: Recommendation.objects.get(review=review, number="6.3"),
        Verb.LOAD_REVIEWS: organisation,
        Verb.MANAGE_USERS: organisation,
    }


def other_council_objects():
    review = Review.objects.get(organisation__slug="testshire", slug="cpc-2015")
    organisation = Organisation.objects.get(slug="testshire")
    return {
        Verb.VIEW: review,
        Verb.RECORD_PROGRESS: Action.objects.get(review=review, ref="1-a"),
        Verb.MANAGE_PLAN: review,
        Verb.CORRECT_TRANSCRIPTION: Recommendation.objects.get(review=review, number="1"),
        Verb.LOAD_REVIEWS: organisation,
        Verb.MANAGE_USERS: organisation,
    }


V, RP, ANY, MP, CT, LR, MU = (
    Verb.VIEW,
    Verb.RECORD_PROGRESS,
    Verb.RECORD_PROGRESS_ON_ANY,
    Verb.MANAGE_PLAN,
    Verb.CORRECT_TRANSCRIPTION,
    Verb.LOAD_REVIEWS,
    Verb.MANAGE_USERS,
)
EVERY_VERB = {V, RP, ANY, MP, CT, LR, MU}

# What each may do anywhere (can_at_all), exactly.
AT_ALL = {
    "viewer": {V},
    "officer leading": {V, RP},
    "officer not leading": {V, RP},
    "programme office": {V, RP, ANY, MP},
    "admin": EVERY_VERB,
    "LGA-wide admin": EVERY_VERB,
    "superuser": EVERY_VERB,
    "inactive officer": set(),
    "no membership": set(),
    "signed out": set(),
}

# What each may do to Southampton's objects (one per verb, above), exactly.
ON_SOUTHAMPTON = {
    "viewer": {V},
    "officer leading": {V, RP},
    "officer not leading": {V},
    "programme office": {V, RP, MP},
    "admin": {V, RP, MP, CT, LR, MU},
    "LGA-wide admin": {V, RP, MP, CT, LR, MU},
    "superuser": {V, RP, MP, CT, LR, MU},
    "inactive officer": set(),
    "no membership": set(),
    "signed out": set(),
}

# The same questions about Testshire's objects: only those who see every council.
ON_TESTSHIRE = {
    name: {V, RP, MP, CT, LR, MU} if name in {"LGA-wide admin", "superuser"} else set()
    for name in PERSONAS
}

# (requires_two_factor, sees_all_organisations, reviews visible_to)
SOUTHAMPTON_REVIEWS = {"cpc-2013", "kpmg-2014", "cpc-2017"}
EVERY_REVIEW = SOUTHAMPTON_REVIEWS | {"cpc-2015"}
WHO = {
    "viewer": (False, False, SOUTHAMPTON_REVIEWS),
    "officer leading": (False, False, SOUTHAMPTON_REVIEWS),
    "officer not leading": (False, False, SOUTHAMPTON_REVIEWS),
    "programme office": (False, False, SOUTHAMPTON_REVIEWS),
    "admin": (True, False, SOUTHAMPTON_REVIEWS),
    "LGA-wide admin": (True, True, EVERY_REVIEW),
    "superuser": (True, True, EVERY_REVIEW),
    "inactive officer": (False, False, set()),
    "no membership": (False, False, set()),
    "signed out": (False, False, set()),
}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True, ids=PERSONAS)
def test_every_predicate_answers_exactly_for_each_kind_of_user(request, persona):
    """One test per kind of user (Southampton loads once), every predicate in it."""
    name = request.node.callspec.params["persona"]
    two_factor, sees_all, reviews = WHO[name]
    in_reach = set(Action.objects.filter(review__slug__in=reviews).values_list("pk", flat=True))

    def restricted(verb):
        return set(Action.objects.restrict(persona, verb).values_list("pk", flat=True))

    at_all = {verb for verb in Verb if can_at_all(persona, verb)}
    on_southampton = {
        verb for verb, obj in southampton_objects().items() if can(persona, verb, obj)
    }
    on_testshire = {
        verb for verb, obj in other_council_objects().items() if can(persona, verb.value, obj)
    }
    visible = set(Review.objects.visible_to(persona).values_list("slug", flat=True))

    assert at_all == AT_ALL[name], "can_at_all"
    assert on_southampton == ON_SOUTHAMPTON[name], "can, Southampton's objects"
    assert on_testshire == ON_TESTSHIRE[name], "can, another council's objects"
    # None: a council not yet in the tracker, whose first review only LGA-wide users load.
    assert can(persona, Verb.LOAD_REVIEWS, None) is sees_all, "can load a new council"
    assert requires_two_factor(persona) is two_factor, "requires_two_factor"
    assert sees_all_organisations(persona) is sees_all, "sees_all_organisations"
    assert visible == reviews, "visible_to"
    # restrict() asks the role, not the lead: which action an officer may update is can()'s.
    assert restricted(Verb.VIEW) == in_reach, "restrict view"
    assert restricted("view") == in_reach, "restrict 'view'"
    assert restricted(RP) == (in_reach if RP in at_all else set()), "restrict record_progress"
    assert restricted(CT) == (in_reach if CT in at_all else set()), "restrict correct"


def test_an_officer_who_owns_an_action_may_record_progress_on_it(southampton, make_user):
    # No document names an owner for 7-e: its lead is made its owner here, as a plan may.
    lead = Action.objects.get(review__slug="cpc-2017", ref="7-e").leads.get()
    Action.objects.filter(review__slug="cpc-2017", ref="7-e").update(owner=lead)
    action = Action.objects.select_related("owner").get(review__slug="cpc-2017", ref="7-e")
    owner_user = make_user("owner", "Officer")
    action.owner.user = owner_user
    action.owner.save()

    assert can(owner_user, Verb.RECORD_PROGRESS, Action.objects.get(pk=action.pk))
    assert not can(owner_user, Verb.RECORD_PROGRESS, southampton_objects()[RP])


def test_an_unknown_verb_is_an_error_not_a_refusal(officer):
    with pytest.raises(ValueError, match="'publish_everything' is not a valid Verb"):
        can(officer, "publish_everything", southampton_objects()[V])


# Services refuse, whoever calls them --------------------------------------------------------


@pytest.fixture
def outsiders(request, cmt_viewer, officer, other_officer, programme_office, other_council_users):
    """Everyone who may not do what a service does, by name."""
    return {
        "viewer": cmt_viewer,
        "officer leading": officer,
        "officer not leading": other_officer,
        "programme office": programme_office,
        **{f"Testshire's {role}": user for role, user in other_council_users.items()},
        "signed out": AnonymousUser(),
    }


def refuses(outsiders, names, call, exception=PermissionDenied, what=""):
    """Each named user is refused with `exception`, and no row anywhere changes."""
    for name in names:
        before = fingerprint()
        with pytest.raises(exception):
            call(outsiders[name])
        assert changed(before, fingerprint()) == [], f"{what} by {name}"


def test_correct_transcription_refuses_all_but_the_councils_admin(outsiders):
    recommendation = southampton_objects()[CT]

    refuses(
        outsiders,
        outsiders.keys(),
        lambda user: correct_transcription(
            recommendation=recommendation, by=user, field="text", text="Changed", reason="Typo"
        ),
    )
    assert Recommendation.objects.get(pk=recommendation.pk).text == recommendation.text


def test_publish_review_refuses_all_but_the_councils_programme_office(outsiders):
    review = southampton_objects()[MP]
    names = [n for n in outsiders if n != "programme office"]

    refuses(outsiders, names, lambda user: publish_review(review=review, by=user, published=True))
    assert not Review.objects.get(pk=review.pk).is_published


def test_record_progress_refuses_all_but_the_lead_and_the_programme_office(outsiders):
    action = southampton_objects()[RP]
    updates = action.updates.count()
    names = [n for n in outsiders if n not in {"officer leading", "programme office"}]

    refuses(
        outsiders,
        names,
        lambda user: record_progress(
            action=action,
            by=user,
            status="in-progress",
            rag="green",
            note="Not mine to write.",
            seen_version=action.version,
        ),
    )
    assert action.updates.count() == updates


def test_preview_upload_refuses_all_but_an_admin_and_another_councils_admin_its_file(
    outsiders,
):
    content = SOUTHAMPTON_FILES[2].read_bytes()

    def preview(user):
        return preview_upload(by=user, file_name="cpc-2017.yaml", content=content)

    refuses(outsiders, [n for n in outsiders if n != "Testshire's Admin"], preview)
    # Testshire's admin may load reviews, but not Southampton's: the file is refused.
    refuses(outsiders, ["Testshire's Admin"], preview, ReviewFileInvalid)
    with pytest.raises(ReviewFileInvalid) as refused:
        preview(outsiders["Testshire's Admin"])
    assert [str(problem) for problem in refused.value.problems] == [
        "cpc-2017.yaml, line 28: organisation.slug: "
        "you can only load reviews of your own organisation"
    ]
    assert not ReviewImport.objects.exists()


def test_confirm_import_refuses_all_but_the_councils_admin(outsiders, admin_member):
    upload = preview_upload(
        by=admin_member, file_name="cpc-2017.yaml", content=SOUTHAMPTON_FILES[2].read_bytes()
    )

    refuses(
        outsiders,
        outsiders.keys(),
        lambda user: confirm_import(
            review_import=upload, by=user, content_hash=upload.content_hash
        ),
    )
    assert ReviewImport.objects.get(pk=upload.pk).status == ImportStatus.PREVIEWED


def test_user_management_services_refuse_all_but_the_councils_admin(
    outsiders, officer, admin_member
):
    from actions.models import Lead
    from actions.user_leads.services import link_leads
    from recommendations.accounts.services import (
        change_role,
        invite_user,
        resend_invitation,
        reset_two_factor,
        set_active,
        unlock,
    )

    membership = officer.membership
    organisation = membership.organisation
    southampton_lead = Lead.objects.filter(organisation=organisation).exclude(user=officer)[:1]
    calls = {
        "invite_user": lambda user: invite_user(
            by=user,
            organisation=organisation,
            name="New Person",
            email="new.person@example.org",
            role="admin",
        ),
        "resend_invitation": lambda user: resend_invitation(membership=membership, by=user),
        "change_role": lambda user: change_role(membership=membership, by=user, role="admin"),
        "set_active": lambda user: set_active(membership=membership, by=user, active=False),
        "unlock": lambda user: unlock(membership=membership, by=user),
        "reset_two_factor": lambda user: reset_two_factor(membership=membership, by=user),
        "link_leads": lambda user: link_leads(
            membership=membership, by=user, leads=list(southampton_lead)
        ),
    }

    for service, call in calls.items():
        refuses(outsiders, outsiders.keys(), call, what=service)
    officer.refresh_from_db()
    assert (officer.is_active, officer.membership.role) == (True, "officer")


def test_create_council_refuses_all_but_lga_wide_admins(outsiders, admin_member):
    from recommendations.accounts.services import create_council

    everyone = {**outsiders, "admin": admin_member}

    refuses(
        everyone,
        everyone.keys(),
        lambda user: create_council(by=user, name="Newtown Council", slug="newtown"),
    )
    assert not Organisation.objects.filter(slug="newtown").exists()


# The services above, by module: a new service that takes an acting user (`by`) fails here
# until a test above shows it refusing.
REFUSAL_TESTED = {
    "recommendations.services": {"correct_transcription", "publish_review"},
    "actions.services": {"record_progress"},
    "recommendations.imports.services": {"preview_upload", "confirm_import"},
    "recommendations.accounts.services": {
        "invite_user",
        "resend_invitation",
        "change_role",
        "set_active",
        "unlock",
        "reset_two_factor",
        "create_council",
    },
    "actions.user_leads.services": {"link_leads"},
}

# Services whose refusals a test file of their own shows (module: its acting functions),
# with that file named beside them.
REFUSAL_TESTED_ELSEWHERE: dict[str, set[str]] = {}


def test_every_service_that_acts_for_a_user_has_a_refusal_test():
    base = settings.BASE_DIR
    found = {}
    for path in base.glob("**/services.py"):
        if {".venv", "tests", "node_modules"} & set(path.relative_to(base).parts):
            continue
        name = ".".join(path.relative_to(base).with_suffix("").parts)
        module = importlib.import_module(name)
        acting = {
            function_name
            for function_name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == name
            and not function_name.startswith("_")
            and "by" in inspect.signature(function).parameters
        }
        if acting:
            found[name] = acting

    assert found == REFUSAL_TESTED | REFUSAL_TESTED_ELSEWHERE
