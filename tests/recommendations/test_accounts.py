"""The users pages: a council admin manages their own council's users in the app, never in
the Django admin; an LGA-wide admin manages every council's. Each change refuses (404 for
another council's user, 403 for a non-admin) and changes nothing, in the view and again in
the service."""

import re
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from recommendations.accounts import services
from recommendations.accounts.invitations import INVITATION_VALID_FOR, invitation_token
from recommendations.models import Membership, Organisation
from tests.helpers import answered, refused, shows
from tracker.access import Role
from tracker.models import AuditEntry

User = get_user_model()


def usernames_listed(response) -> list[str]:
    return [membership.user.username for membership in response.context["page"].object_list]


def roles() -> dict[str, str]:
    return dict(Membership.objects.values_list("user__username", "role"))


def invitation_link(email) -> str:
    """The link's path. It starts with SITE_URL, the address people use, never the
    request's Host header, which whoever sends the request chooses."""
    return re.search(re.escape(settings.SITE_URL) + r"(/invitation/\S+/)", email.body).group(1)


def sign_in_with_password(username: str, password: str):
    return Client().post("/sign-in/", {"username": username, "password": password})


# The list --------------------------------------------------------------------------------


def test_user_list_shows_a_council_admin_only_their_councils_users(
    signed_in, admin_member, programme_office, officer, other_council_users
):
    response = signed_in(admin_member).get("/users/")

    assert response.status_code == 200
    assert usernames_listed(response) == ["admin_member", "officer", "programme_office"]
    assert "other_council" not in response.text
    assert "Testshire" not in response.text
    assert "officer@example.org" in response.text
    assert "Programme office" in response.text
    assert "Never" in response.text  # nobody here has signed in with a password yet


def test_user_list_shows_another_council_admin_only_theirs(
    signed_in, admin_member, other_council_users
):
    response = signed_in(other_council_users["Admin"]).get("/users/")

    assert usernames_listed(response) == [
        "other_council_admin",
        "other_council_officer",
        "other_council_programme_office",
        "other_council_viewer",
    ]
    assert "admin_member" not in response.text


def test_user_list_shows_an_lga_admin_every_council_filterable(
    signed_in, lga_admin, admin_member, other_council_users
):
    client = signed_in(lga_admin)

    everyone = client.get("/users/")
    testshire = client.get("/users/", {"council": "testshire"})

    # LGA-wide users (no council) sort first, then by council name.
    assert usernames_listed(everyone) == [
        "lga_admin",
        "admin_member",
        "other_council_admin",
        "other_council_officer",
        "other_council_programme_office",
        "other_council_viewer",
    ]
    assert "All councils (LGA-wide)" in everyone.text
    assert '<option value="testshire">Testshire County Council</option>' in everyone.text
    assert usernames_listed(testshire) == [
        "other_council_admin",
        "other_council_officer",
        "other_council_programme_office",
        "other_council_viewer",
    ]
    assert '<h1 class="govuk-heading-xl">Users of Testshire County Council</h1>' in (testshire.text)


def test_user_list_marks_a_locked_out_user(signed_in, admin_member, officer):
    AccessAttempt.objects.create(
        username="officer",
        ip_address="10.0.0.1",
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )

    response = signed_in(admin_member).get("/users/")

    assert response.context["locked"] == {"officer"}
    assert response.text.count("Locked out") == 1


def test_users_pages_refuse_anyone_but_an_admin(signed_in, programme_office, officer):
    client = signed_in(programme_office)

    answers = [
        client.get(url)
        for url in ("/users/", "/users/invite/", f"/users/{officer.pk}/", "/councils/new/")
    ]

    for answer in answers:
        refused(answer, 403, "officer@example.org")


def test_navigation_offers_users_to_admins_only(signed_in, admin_member, programme_office):
    admin_page = signed_in(admin_member).get("/")
    programme_page = Client()
    programme_page.force_login(programme_office)

    assert 'href="/users/"' in admin_page.text
    assert 'href="/users/"' not in programme_page.get("/").text


# Inviting --------------------------------------------------------------------------------


def test_invite_creates_an_account_without_a_password_and_emails_a_link(
    signed_in, admin_member, mailoutbox
):
    response = signed_in(admin_member).post(
        "/users/invite/",
        {"name": "Nia New", "email": "Nia.New@Example.org", "role": Role.OFFICER},
    )

    user = User.objects.get(username="nia.new@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/users/{user.pk}/"
    assert (user.first_name, user.last_name, user.email) == ("Nia", "New", "nia.new@example.org")
    assert user.is_active is True
    assert user.has_usable_password() is False
    assert (user.membership.organisation.slug, user.membership.role) == ("southampton", "officer")
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nia.new@example.org"]
    assert email.subject == "You have been invited to the Peer challenge tracker"
    assert "Admin Member has invited you to the Peer challenge tracker for Southampton" in (
        email.body
    )
    assert "This link works once and expires in 7 days." in email.body
    assert "Your username is nia.new@example.org." in email.body
    audited = AuditEntry.objects.filter(subject_type="auth.user", subject_id=str(user.pk))
    assert sorted(audited.values_list("actor_name", "verb", "object_type")) == [
        ("Admin Member (admin_member)", "created", "auth.user"),
        ("Admin Member (admin_member)", "created", "recommendations.membership"),
    ]


def test_an_invited_user_sets_their_password_once_then_signs_in(
    signed_in, admin_member, mailoutbox, client
):
    signed_in(admin_member).post(
        "/users/invite/", {"name": "Nia New", "email": "nia@example.org", "role": "officer"}
    )
    link = invitation_link(mailoutbox[0])
    visitor = Client()

    page = visitor.get(link)
    too_short = visitor.post(link, {"new_password1": "short", "new_password2": "short"})
    done = visitor.post(
        link, {"new_password1": "a-fine-long-passphrase", "new_password2": "a-fine-long-passphrase"}
    )
    again = visitor.get(link)

    assert page.status_code == 200
    assert "Your username is <strong>nia@example.org</strong>" in page.text
    assert too_short.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in (too_short.text)
    assert done.status_code == 302
    assert done["Location"] == "/sign-in/"
    assert again.status_code == 404
    assert "This link has expired or has been used" in again.text
    assert "Ask your council's administrator to send you a new invitation." in again.text
    assert sign_in_with_password("nia@example.org", "a-fine-long-passphrase").status_code == 302


def test_an_expired_invitation_says_to_ask_for_a_new_one(admin_member, monkeypatch):
    user = services.invite_user(
        by=admin_member,
        organisation=Organisation.objects.get(slug="southampton"),
        name="Old Invite",
        email="old@example.org",
        role="viewer",
    ).user
    issued = time.time() - INVITATION_VALID_FOR.total_seconds() - 60
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(int(issued))
    )
    token = invitation_token(user)
    monkeypatch.undo()

    response = Client().post(
        f"/invitation/{token}/",
        {"new_password1": "a-fine-long-passphrase", "new_password2": "a-fine-long-passphrase"},
    )

    assert response.status_code == 404
    assert "An invitation link works once, for 7 days." in response.text
    user.refresh_from_db()
    assert user.has_usable_password() is False


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "..", "%C3%A9"])
def test_a_forged_invitation_is_refused(token, db):
    response = Client().get(f"/invitation/{token}/")

    assert response.status_code == 404
    assert "This link has expired or has been used" in response.text


def test_invite_refuses_an_email_already_in_use(signed_in, admin_member, officer, mailoutbox):
    response = signed_in(admin_member).post(
        "/users/invite/", {"name": "Dup", "email": "OFFICER@example.org", "role": "viewer"}
    )

    assert response.status_code == 200
    assert "There is already a user with this email address." in response.text
    assert User.objects.count() == 2
    assert mailoutbox == []


def test_invite_says_what_is_missing(signed_in, admin_member):
    response = signed_in(admin_member).post("/users/invite/", {"email": "not-an-email"})

    assert response.context["form"].errors == {
        "name": ["Enter the person's full name"],
        "email": ["Enter an email address in the correct format, like name@example.com"],
        "role": ["Select a role"],
    }
    assert "<title>Error: Invite a user" in response.text


def test_invite_by_a_council_admin_cannot_choose_another_council(
    signed_in, admin_member, other_council_users
):
    testshire = Organisation.objects.get(slug="testshire")

    page = signed_in(admin_member).get("/users/invite/")
    signed_in(admin_member).post(
        "/users/invite/",
        {"name": "Sneaky", "email": "s@example.org", "role": "admin", "organisation": testshire.pk},
    )

    # A council admin is not asked, and a council named in the request is ignored.
    assert 'name="organisation"' not in page.text
    membership = Membership.objects.get(user__username="s@example.org")
    assert membership.organisation.slug == "southampton"
    assert (
        not Membership.objects.filter(organisation=testshire, role="admin")
        .exclude(user=other_council_users["Admin"])
        .exists()
    )


def test_invite_by_an_lga_admin_chooses_the_council(signed_in, lga_admin, testshire, mailoutbox):
    testshire = Organisation.objects.get(slug="testshire")

    signed_in(lga_admin).post(
        "/users/invite/",
        dict(name="Tess", email="tess@example.org", role="admin", organisation=testshire.pk),
    )

    membership = Membership.objects.get(user__username="tess@example.org")
    assert (membership.organisation.slug, membership.role) == ("testshire", "admin")
    assert "for Testshire County Council" in mailoutbox[0].body


@pytest.mark.parametrize("role", ["Viewer", "Officer", "Programme office", "Admin"])
def test_invite_service_refuses_another_council(role, admin_member, other_council_users):
    with pytest.raises(PermissionDenied):
        services.invite_user(
            by=other_council_users[role],
            organisation=Organisation.objects.get(slug="southampton"),
            name="X",
            email="x@example.org",
            role="admin",
        )

    assert not User.objects.filter(username="x@example.org").exists()


def test_resend_invitation_emails_a_fresh_link(signed_in, admin_member, mailoutbox):
    client = signed_in(admin_member)
    client.post("/users/invite/", {"name": "Nia", "email": "nia@example.org", "role": "viewer"})
    user = User.objects.get(username="nia@example.org")

    response = client.post(f"/users/{user.pk}/invite-again/")

    assert response.status_code == 302
    assert [email.to for email in mailoutbox] == [["nia@example.org"], ["nia@example.org"]]
    page = Client().get(invitation_link(mailoutbox[1]))
    assert page.status_code == 200
    assert "Your username is <strong>nia@example.org</strong>" in page.text


# Roles -------------------------------------------------------------------------------------


def test_admin_changes_a_users_role(signed_in, admin_member, programme_office):
    client = signed_in(admin_member)

    response = client.post(f"/users/{programme_office.pk}/role/", {"role": "viewer"})

    assert response["Location"] == f"/users/{programme_office.pk}/"
    assert roles()["programme_office"] == "viewer"
    assert "Role changed to Viewer" in client.get(response["Location"]).text
    entry = AuditEntry.objects.get(object_type="recommendations.membership", verb="changed")
    assert entry.actor_name == "Admin Member (admin_member)"


def test_admin_cannot_demote_themselves(signed_in, admin_member):
    client = signed_in(admin_member)

    response = client.post(f"/users/{admin_member.pk}/role/", {"role": "viewer"}, follow=True)

    assert roles()["admin_member"] == "admin"
    assert "You cannot change your own role. Ask another administrator." in response.text


def test_role_change_refuses_a_role_not_in_the_list(signed_in, admin_member, officer):
    response = signed_in(admin_member).post(
        f"/users/{officer.pk}/role/", {"role": "superuser"}, follow=True
    )

    assert roles()["officer"] == "officer"
    assert "Select a role from the list" in response.text


@pytest.mark.parametrize("role", ["Viewer", "Officer", "Programme office", "Admin"])
def test_another_councils_users_are_not_found(
    signed_in, role, officer, other_council_users, mailoutbox
):
    client = signed_in(other_council_users[role])
    expected = 404 if role == "Admin" else 403

    answers = [
        client.get(f"/users/{officer.pk}/"),
        client.post(f"/users/{officer.pk}/role/", {"role": "admin"}),
        client.post(f"/users/{officer.pk}/deactivate/"),
        client.post(f"/users/{officer.pk}/unlock/"),
        client.post(f"/users/{officer.pk}/invite-again/"),
        client.get(f"/users/{officer.pk}/leads/"),
    ]

    for answer in answers:
        refused(answer, expected, "officer@example.org")
    assert mailoutbox == []
    officer.refresh_from_db()
    assert (officer.is_active, roles()["officer"]) == (True, "officer")


def test_a_non_admin_of_the_same_council_is_refused(signed_in, programme_office, officer):
    client = signed_in(programme_office)

    answers = [
        client.post(f"/users/{officer.pk}/role/", {"role": "admin"}),
        client.post(f"/users/{officer.pk}/deactivate/"),
    ]

    for answer in answers:
        refused(answer, 403, "officer@example.org")
    officer.refresh_from_db()
    assert (officer.is_active, roles()["officer"]) == (True, "officer")


@pytest.mark.parametrize("role", ["Viewer", "Officer", "Programme office", "Admin"])
def test_role_and_active_services_refuse_another_council(role, officer, other_council_users):
    membership = Membership.objects.get(user=officer)
    by = other_council_users[role]

    with pytest.raises(PermissionDenied):
        services.change_role(membership=membership, by=by, role="admin")
    with pytest.raises(PermissionDenied):
        services.set_active(membership=membership, by=by, active=False)
    with pytest.raises(PermissionDenied):
        services.unlock(membership=membership, by=by)

    officer.refresh_from_db()
    assert (officer.is_active, roles()["officer"]) == (True, "officer")


def test_services_refuse_a_programme_office_user(programme_office, officer):
    membership = Membership.objects.get(user=officer)

    with pytest.raises(PermissionDenied):
        services.change_role(membership=membership, by=programme_office, role="admin")

    assert roles()["officer"] == "officer"


def test_a_council_admin_cannot_manage_an_operator(admin_member, make_user):
    operator = make_user("operator", "Admin")
    User.objects.filter(pk=operator.pk).update(is_superuser=True)
    membership = Membership.objects.select_related("user").get(user=operator)

    with pytest.raises(PermissionDenied):
        services.set_active(membership=membership, by=admin_member, active=False)

    operator.refresh_from_db()
    assert operator.is_active is True


def test_an_lga_admin_manages_any_councils_users(signed_in, lga_admin, other_council_users):
    target = other_council_users["Viewer"]

    signed_in(lga_admin).post(f"/users/{target.pk}/role/", {"role": "officer"})

    assert roles()["other_council_viewer"] == "officer"


# Deactivating ------------------------------------------------------------------------------


def test_deactivating_a_user_ends_their_session_and_reactivating_lets_them_back(
    signed_in, admin_member, officer
):
    officer_client = Client()
    officer_client.force_login(officer)
    shows(officer_client.get("/my-actions/"), "My actions")
    admin = signed_in(admin_member)

    deactivated = admin.post(f"/users/{officer.pk}/deactivate/", follow=True)
    after = officer_client.get("/my-actions/")
    turned_away = sign_in_with_password("officer", "a-long-test-password")
    admin.post(f"/users/{officer.pk}/reactivate/")
    back = sign_in_with_password("officer", "a-long-test-password")

    assert "Officer has been deactivated" in deactivated.text
    assert "Deactivated" in deactivated.text
    assert after.status_code == 302
    assert after["Location"] == "/sign-in/?next=/my-actions/"
    assert answered(turned_away) == (200, "Sign in")
    assert "Enter a correct username and password" in turned_away.text
    assert back.status_code == 302
    officer.refresh_from_db()
    assert officer.is_active is True
    verbs = list(
        AuditEntry.objects.filter(object_type="auth.user", object_id=str(officer.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs[-2:] == ["changed", "changed"]


def test_admin_cannot_deactivate_themselves(signed_in, admin_member):
    client = signed_in(admin_member)

    response = client.post(f"/users/{admin_member.pk}/deactivate/", follow=True)

    admin_member.refresh_from_db()
    assert admin_member.is_active is True
    assert "You cannot deactivate yourself. Ask another administrator." in response.text


def test_changes_are_post_only(signed_in, admin_member, officer):
    client = signed_in(admin_member)

    answers = [
        client.get(f"/users/{officer.pk}/{action}/")
        for action in ("role", "deactivate", "reactivate", "unlock", "invite-again")
    ]

    assert [(a.status_code, a["Allow"], a.content) for a in answers] == [(405, "POST", b"")] * 5
    officer.refresh_from_db()
    assert (officer.is_active, roles()["officer"]) == (True, "officer")


# Unlocking ---------------------------------------------------------------------------------


def test_admin_unlocks_a_locked_out_user(signed_in, admin_member, officer):
    for _ in range(5):
        sign_in_with_password("officer", "wrong-password")
    assert sign_in_with_password("officer", "a-long-test-password").status_code == 429
    client = signed_in(admin_member)
    assert "Locked out" in client.get(f"/users/{officer.pk}/").text

    response = client.post(f"/users/{officer.pk}/unlock/", follow=True)

    assert "Unlocked: they can sign in again now" in response.text
    assert AccessAttempt.objects.filter(username="officer").count() == 0
    assert sign_in_with_password("officer", "a-long-test-password").status_code == 302


def test_another_councils_admin_cannot_unlock(signed_in, officer, other_council_users):
    for _ in range(5):
        sign_in_with_password("officer", "wrong-password")

    response = signed_in(other_council_users["Admin"]).post(f"/users/{officer.pk}/unlock/")

    refused(response, 404, "officer@example.org")
    assert AccessAttempt.objects.filter(username="officer").count() == 1


# Councils ----------------------------------------------------------------------------------


def test_an_lga_admin_adds_a_council(signed_in, lga_admin):
    client = signed_in(lga_admin)

    response = client.post("/councils/new/", {"name": "Newtown Borough Council", "slug": "newtown"})

    assert response["Location"] == "/imports/new/"
    council = Organisation.objects.get(slug="newtown")
    assert council.name == "Newtown Borough Council"
    assert "Newtown Borough Council has been added. Now load its first review file." in (
        client.get("/imports/new/").text
    )


def test_adding_a_council_refuses_a_short_name_in_use_or_malformed(signed_in, lga_admin):
    client = signed_in(lga_admin)

    taken = client.post("/councils/new/", {"name": "Again", "slug": "southampton"})
    malformed = client.post("/councils/new/", {"name": "Bad", "slug": "Bad Name/1"})
    empty = client.post("/councils/new/", {})

    assert taken.context["form"].errors == {
        "slug": ["There is already a council with this short name."]
    }
    assert malformed.context["form"].errors == {
        "slug": ["Enter a short name of lower-case letters, numbers and hyphens only"]
    }
    assert empty.context["form"].errors == {
        "name": ["Enter the council's name"],
        "slug": ["Enter a short name for the council, for example southampton"],
    }
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["southampton"]


def test_a_council_admin_cannot_add_a_council(signed_in, admin_member, programme_office):
    for user in (admin_member, programme_office):
        response = signed_in(user).post("/councils/new/", {"name": "N", "slug": "newtown"})
        refused(response, 403)
        with pytest.raises(PermissionDenied):
            services.create_council(by=user, name="N", slug="newtown")

    assert not Organisation.objects.filter(slug="newtown").exists()


def test_create_council_refuses_a_duplicate_in_the_service(lga_admin):
    with pytest.raises(ValidationError):
        services.create_council(by=lga_admin, name="Again", slug="southampton")


def test_unlocking_is_audited(admin_member, officer):
    services.unlock(membership=Membership.objects.get(user=officer), by=admin_member)

    entry = AuditEntry.objects.get(
        object_type="auth.user", object_id=str(officer.pk), verb="changed"
    )
    assert (entry.actor_name, entry.verb, entry.changes) == (
        "Admin Member (admin_member)",
        "changed",
        {"sign-in": ["locked out", "unlocked"]},
    )


# Two-factor reset --------------------------------------------------------------------------


def test_admin_resets_a_users_two_factor_sign_in(signed_in, admin_member, make_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    other_admin = make_user("other_admin", "Admin")
    TOTPDevice.objects.create(user=other_admin, name="Phone", confirmed=True)
    client = signed_in(admin_member)
    assert "Reset two-factor sign-in" in client.get(f"/users/{other_admin.pk}/").text

    response = client.post(f"/users/{other_admin.pk}/reset-two-factor/", follow=True)

    assert "Two-factor sign-in reset: they set it up again at sign-in" in response.text
    assert TOTPDevice.objects.filter(user=other_admin).count() == 0
    assert TOTPDevice.objects.filter(user=admin_member).count() == 1
    entry = AuditEntry.objects.get(
        object_type="auth.user", object_id=str(other_admin.pk), verb="changed"
    )
    assert entry.changes == {"two-factor sign-in": ["set up", "reset"]}
    # At their next sign-in with their password they are sent to set up a new authenticator.
    again = Client()
    signed = again.post(
        "/sign-in/", {"username": "other_admin", "password": "a-long-test-password"}, follow=True
    )
    assert signed.redirect_chain[-1][0] == "/account/two-factor/?next=%2F"


def test_two_factor_reset_refuses_another_council_and_oneself(
    signed_in, admin_member, officer, other_council_users
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)

    answer = signed_in(other_council_users["Admin"]).post(f"/users/{officer.pk}/reset-two-factor/")
    with pytest.raises(ValidationError):
        services.reset_two_factor(
            membership=Membership.objects.get(user=admin_member), by=admin_member
        )

    refused(answer, 404, "officer@example.org")
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_user_list_queries_do_not_grow_with_users(signed_in, lga_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(lga_admin)
    southampton = Organisation.objects.get(slug="southampton")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/users/")
        return len(queries), response

    few, before = count()
    for number in range(10):
        services.invite_user(
            by=lga_admin,
            organisation=southampton,
            name=f"Extra Person{number}",
            email=f"extra{number}@example.org",
            role="viewer",
        )
    many, after = count()

    assert few == many
    assert len(usernames_listed(after)) == len(usernames_listed(before)) + 10
    assert "extra9@example.org" in after.text


@pytest.mark.parametrize(
    "url",
    [
        "/users/99999999999999999999/",
        "/users/99999999999999999999/leads/",
        "/users/0/",
    ],
)
def test_hostile_addresses_are_not_found(signed_in, lga_admin, url):
    client = signed_in(lga_admin)

    response = client.get(url)

    refused(response, 404)


def test_hostile_council_filter_shows_every_council(signed_in, lga_admin, admin_member):
    # (A NUL byte never reaches the page: the service answers 400 for it everywhere.)
    response = signed_in(lga_admin).get("/users/", {"council": "../Ä b"})

    assert response.status_code == 200
    assert response.context["council"] is None
    assert usernames_listed(response) == ["lga_admin", "admin_member"]


def test_two_invitations_of_one_address_at_once_give_a_message_not_a_500(admin_member, monkeypatch):
    from django.db.models import QuerySet

    southampton = Organisation.objects.get(slug="southampton")
    services.invite_user(
        by=admin_member,
        organisation=southampton,
        name="Sam Smith",
        email="sam@example.org",
        role=Role.OFFICER,
    )
    # The second admin's check ran before the first one's account existed.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)

    with pytest.raises(ValidationError) as refused:
        services.invite_user(
            by=admin_member,
            organisation=southampton,
            name="Sam Smith",
            email="sam@example.org",
            role=Role.VIEWER,
        )

    assert refused.value.messages == ["There is already a user with this email address."]
    assert roles()["sam@example.org"] == Role.OFFICER


def test_two_admins_adding_one_council_at_once_give_a_message_not_a_500(lga_admin, monkeypatch):
    from django.db.models import QuerySet

    services.create_council(by=lga_admin, name="Newtown Council", slug="newtown")
    # The second admin's check ran before the first one's council existed.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)

    with pytest.raises(ValidationError) as refused:
        services.create_council(by=lga_admin, name="Newtown Borough", slug="newtown")

    assert refused.value.messages == ["There is already a council with this short name."]
    assert Organisation.objects.get(slug="newtown").name == "Newtown Council"
