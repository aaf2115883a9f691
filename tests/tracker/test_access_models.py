"""Every model that holds a council's data goes through the access layer.

The walk follows each model's foreign keys to find whether it reaches an Organisation; a
model that does must say how (`organisation_path`), must fetch through a RestrictedQuerySet,
and that path must lead to Organisation. A new model cannot forget: it is found by the walk,
not listed here.
"""

import ast
import importlib
import inspect
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import get_resolver

from recommendations.models import Organisation
from tests.tracker.test_isolation import walk
from tracker.access import RestrictedQuerySet

OUR_APPS = {"recommendations", "actions", "tracker"}
MAX_DEPTH = 5

# Models that reach an organisation but are deliberately not restricted, with the reason.
NOT_RESTRICTED: dict[str, str] = {}

# Tables Django makes for a many-to-many field: no manager of their own; they are reached
# only through both ends, which are restricted.
AUTO_CREATED_THROUGH = {
    "recommendations.Recommendation_themes": "a recommendation's themes, both in one review",
}

# Models with no path to an organisation. The walk finds them; this list says it was
# looked at.
UNSCOPED = {
    "actions.ReminderSent": "a user's own reminder digests; no council's data",
}

# Models whose organisation is a plain id, not a foreign key, with the reason. Their
# `organisation_path` names `<path>_id`, which must be an integer column.
PLAIN_ID = {
    "tracker.AuditEntry": "tracker is the shared base: it keeps no foreign key to an app above it",
}


def our_models(include_auto_created=False):
    return [
        model
        for model in apps.get_models(include_auto_created=include_auto_created)
        if model._meta.app_label in OUR_APPS
    ]


def path_to_organisation(model) -> str | None:
    """The shortest chain of concrete forward foreign keys from `model` to Organisation
    ("review__organisation"), "" for Organisation itself, None if there is none."""
    frontier = [(model, [])]
    for _ in range(MAX_DEPTH + 1):
        following = []
        for current, hops in frontier:
            if current is Organisation:
                return "__".join(hops)
            for field in current._meta.concrete_fields:
                if field.many_to_one or field.one_to_one:
                    following.append((field.related_model, [*hops, field.name]))
        frontier = following
    return None


def resolves_to(model, path: str):
    """The model `path` ends at, following forward relations by name."""
    for hop in path.split("__") if path else []:
        field = model._meta.get_field(hop)
        assert field.concrete, f"{model.__name__}.{hop} is not a forward key"
        assert field.many_to_one or field.one_to_one, f"{model.__name__}.{hop} is not a key"
        model = field.related_model
    return model


SCOPED = [
    model
    for model in our_models()
    if (path_to_organisation(model) is not None or hasattr(model, "organisation_path"))
    and model._meta.label not in NOT_RESTRICTED
]


def test_the_walk_finds_the_councils_models():
    found = {model._meta.label for model in SCOPED}

    assert found == {
        "recommendations.Organisation",
        "recommendations.Review",
        "recommendations.PeerTeamMember",
        "recommendations.Theme",
        "recommendations.Milestone",
        "recommendations.Risk",
        "recommendations.Recommendation",
        "recommendations.Response",
        "recommendations.RecommendationLink",
        "recommendations.Membership",
        "recommendations.TranscriptionCorrection",
        "recommendations.ReviewImport",
        "actions.Lead",
        "actions.Action",
        "actions.ActionLead",
        "actions.ProgressUpdate",
        "actions.EvidenceLink",
        "tracker.AuditEntry",
    }


def test_every_model_is_either_scoped_or_listed_with_a_reason():
    unscoped = {m._meta.label for m in our_models() if m not in SCOPED}
    plain = {m._meta.label for m in SCOPED if path_to_organisation(m) is None}
    through = {m._meta.label for m in our_models(include_auto_created=True) if m._meta.auto_created}

    assert unscoped == set(UNSCOPED)
    assert through == set(AUTO_CREATED_THROUGH)
    assert plain == set(PLAIN_ID)
    reasons = {**UNSCOPED, **AUTO_CREATED_THROUGH, **NOT_RESTRICTED, **PLAIN_ID}
    assert all(reasons.values())


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_every_model_with_an_organisation_declares_its_path(model):
    assert isinstance(getattr(model, "organisation_path", None), str), model._meta.label
    if model._meta.label in PLAIN_ID:
        column = model._meta.get_field(f"{model.organisation_path}_id")
        assert column.get_internal_type() in {"BigIntegerField", "IntegerField"}
    else:
        assert resolves_to(model, model.organisation_path) is Organisation


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_every_model_with_an_organisation_fetches_through_the_restricted_queryset(model):
    assert isinstance(model._default_manager.all(), RestrictedQuerySet), model._meta.label
    assert isinstance(model.objects.all(), RestrictedQuerySet), model._meta.label


def test_the_walk_knows_a_path_when_it_sees_one():
    from actions.models import EvidenceLink, ReminderSent

    assert path_to_organisation(EvidenceLink) == "update__action__review__organisation"
    assert path_to_organisation(Organisation) == ""
    assert path_to_organisation(ReminderSent) is None


@pytest.fixture
def every_kind_of_southampton_row(officer, admin_member, other_council_users):
    """Southampton rows in every scoped table: the fixtures have most; this adds a progress
    update with evidence, a transcription correction and an upload."""
    from actions.models import Action
    from actions.services import Evidence, record_progress
    from recommendations.imports.services import preview_upload
    from recommendations.models import Recommendation
    from recommendations.services import correct_transcription
    from tests.conftest import SOUTHAMPTON_FILES

    action = Action.objects.get(review__slug="cpc-2017", ref="6.3-a")
    record_progress(
        action=action,
        by=officer,
        status="in-progress",
        rag="green",
        note="On track.",
        seen_version=action.version,
        evidence=[Evidence("Minutes", "https://example.org/minutes")],
    )
    correct_transcription(
        recommendation=Recommendation.objects.get(review__slug="cpc-2017", number="6.3"),
        by=admin_member,
        field="title",
        text="A corrected title",
        reason="Typo",
    )
    preview_upload(
        by=admin_member, file_name="cpc-2017.yaml", content=SOUTHAMPTON_FILES[2].read_bytes()
    )
    return other_council_users


def pks_of(model, organisation_slug: str) -> set:
    """The primary keys of the council's rows, found by hand (not through visible_to)."""
    path = model.organisation_path
    if model._meta.label in PLAIN_ID:
        organisation = Organisation.objects.get(slug=organisation_slug)
        rows = model._default_manager.filter(**{f"{path}_id": organisation.pk})
    else:
        rows = model._default_manager.filter(
            **{f"{path}__slug" if path else "slug": organisation_slug}
        )
    return set(rows.values_list("pk", flat=True))


def test_another_council_sees_none_of_southamptons_rows(
    every_kind_of_southampton_row, admin_member
):
    # One test for every model (loading Southampton once); each failure names its model.
    for model in SCOPED:
        theirs = pks_of(model, "southampton")
        assert theirs, f"no Southampton {model.__name__}: add one to the fixture"

        for role, user in every_kind_of_southampton_row.items():
            visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
            assert visible.isdisjoint(theirs), f"{model.__name__} as Testshire's {role}"
            # Their own rows, if they have any, are still there: only Southampton's go.
            assert visible == pks_of(model, "testshire"), f"{model.__name__} as {role}"
        # And the check can see rows: Southampton's own admin sees every one of them.
        assert set(model.objects.visible_to(admin_member).values_list("pk", flat=True)) == theirs


# Views reach the ORM only through the access layer -----------------------------------------

# Manager methods a view may call directly: they narrow to what the user may see.
RESTRICTING = {"visible_to", "restrict"}

# (views module, "Model.objects.method") a view may use unrestricted, with the reason.
ALLOWED_IN_VIEWS = {
    ("actions.views.reports", "Review.objects.published"): (
        "the public action plan: published reviews are public to everyone by design"
    ),
}


def view_modules() -> set[str]:
    """Every module that defines a view: the views files, and the module of every URL
    pattern's callback (so a view in a new place is found too), our own code only."""
    base = settings.BASE_DIR
    names = {
        ".".join(path.relative_to(base).with_suffix("").parts)
        for pattern in ("*/views.py", "*/views/*.py", "*/*/views.py")
        for path in base.glob(pattern)
        if ".venv" not in path.parts and "tests" not in path.parts
    }
    names.discard("actions.views.__init__")
    for _, pattern in walk(get_resolver().url_patterns):
        callback = getattr(pattern.callback, "view_class", pattern.callback)
        module = sys.modules[callback.__module__]
        if (
            Path(module.__file__).resolve().is_relative_to(base)
            and ".venv" not in Path(module.__file__).parts
        ):
            names.add(callback.__module__)
    return names


def unrestricted_orm_uses(module_name: str, source: str | None = None) -> list[str]:
    """`Model.objects.<not visible_to/restrict>` and `get_object_or_404(Model, ...)` with a
    bare model class, in the module's source."""
    module = importlib.import_module(module_name)
    tree = ast.parse(source if source is not None else inspect.getsource(module))

    def is_model(name: str) -> bool:
        value = getattr(module, name, None)
        return isinstance(value, type) and issubclass(value, models.Model)

    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in {"objects", "_default_manager", "_base_manager"}
            and isinstance(node.value.value, ast.Name)
            and node.attr not in RESTRICTING
        ):
            found.append(f"{node.value.value.id}.{node.value.attr}.{node.attr}")
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None))
            in {"get_object_or_404", "get_list_or_404"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and is_model(node.args[0].id)
        ):
            found.append(
                f"{node.func.id if hasattr(node.func, 'id') else node.func.attr}({node.args[0].id})"
            )
    return found


def test_the_view_walk_finds_every_views_module():
    assert view_modules() >= {
        "recommendations.views",
        "recommendations.imports.views",
        "actions.views.dashboard",
        "actions.views.lists",
        "actions.views.progress",
        "actions.views.reports",
        "actions.views.search",
        "tracker.views",
    }


@pytest.mark.parametrize("module_name", sorted(view_modules()))
def test_views_reach_the_orm_only_through_the_access_layer(module_name):
    unrestricted = [
        use
        for use in unrestricted_orm_uses(module_name)
        if (module_name, use) not in ALLOWED_IN_VIEWS
    ]

    assert unrestricted == [], f"{module_name} reaches the ORM without visible_to/restrict"


def test_the_view_check_flags_an_unrestricted_fetch():
    source = (
        "def view(request, pk):\n"
        "    a = ReviewImport.objects.get(pk=pk)\n"
        "    b = get_object_or_404(ReviewImport, pk=pk)\n"
        "    c = ReviewImport.objects.visible_to(request.user).get(pk=pk)\n"
        "    return get_object_or_404(ReviewImport.objects.restrict(request.user), pk=pk)\n"
    )

    found = unrestricted_orm_uses("recommendations.imports.views", source)

    assert sorted(found) == ["ReviewImport.objects.get", "get_object_or_404(ReviewImport)"]


def test_every_allowed_unrestricted_use_is_still_there():
    """An allow-list entry whose use has gone is removed, so the list stays honest."""
    for module_name, use in ALLOWED_IN_VIEWS:
        assert use in unrestricted_orm_uses(module_name), (module_name, use)
