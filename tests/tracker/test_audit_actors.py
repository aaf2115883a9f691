"""Every audit entry names who answers for it (ASVS 16.2): the signed-in user, the user a
service acts for, the user or operating-system account that ran a command. A change with
nobody to answer for it is refused, not written anonymously. Password changes, resets and
operator sets are audited and security-logged, without the password."""

import getpass
import importlib
import json
import logging
import pkgutil

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from actions.models import Lead
from recommendations.models import Organisation
from tests.conftest import SOUTHAMPTON_FILES
from tests.helpers import manage
from tracker import audit
from tracker.management.actor import AuditedCommand
from tracker.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase"


def security_events(caplog) -> list[dict]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "tracker.security"
    ]


# Nobody acting -----------------------------------------------------------------------------


def test_a_change_with_nobody_acting_is_refused_and_writes_nothing(southampton):
    organisation = Organisation.objects.get(slug="southampton")
    lead = Lead.objects.create(organisation=organisation, name="A lead of nothing yet", role="")
    leads, entries = Lead.objects.count(), AuditEntry.objects.count()

    def refused(write) -> bool:
        try:
            with transaction.atomic():  # a failed write spoils only its own savepoint
                write()
        except audit.NoActorError:
            return True
        return False

    def rename():
        lead.name = "Renamed by nobody"
        lead.save()

    with audit.acting_as(None):
        assert refused(
            lambda: Lead.objects.create(organisation=organisation, name="Nobody's lead", role="")
        )
        assert refused(rename)
        assert refused(lead.delete)

    assert (Lead.objects.count(), AuditEntry.objects.count()) == (leads, entries)
    assert Lead.objects.get(pk=lead.pk).name == "A lead of nothing yet"
    assert not Lead.objects.filter(name__contains="obody").exists()


def test_a_signed_out_request_cannot_change_audited_rows(southampton):
    organisation = Organisation.objects.get(slug="southampton")
    request = RequestFactory().post("/anything/")
    request.user = AnonymousUser()
    request.request_id = "signed-out-request"

    def view(request):
        Lead.objects.create(organisation=organisation, name="Anonymous lead", role="")

    with pytest.raises(audit.NoActorError):
        audit.AuditMiddleware(view)(request)

    assert not Lead.objects.filter(name="Anonymous lead").exists()


def test_a_request_acts_as_its_user_whatever_was_set_around_it(southampton, officer):
    """The suite sets a 'test suite' actor around every test; a request ignores it."""
    organisation = Organisation.objects.get(slug="southampton")
    request = RequestFactory().post("/anything/")
    request.user = officer
    request.request_id = "request-0001"

    def view(request):
        return Lead.objects.create(organisation=organisation, name="Officer's lead", role="")

    lead = audit.AuditMiddleware(view)(request)

    entry = AuditEntry.objects.get(object_type="actions.lead", object_id=str(lead.pk))
    assert (entry.actor_id, entry.actor_name, entry.request_id) == (
        officer.pk,
        "Officer (officer)",
        "request-0001",
    )


# Management commands -----------------------------------------------------------------------


def test_a_command_run_with_by_records_that_user(db, make_user):
    Organisation.objects.create(slug="southampton", name="Southampton City Council")
    loader = make_user("loader", "Admin")

    call_command("load_review", SOUTHAMPTON_FILES[0], by="loader", verbosity=0)

    entry = AuditEntry.objects.get(verb="imported")
    assert (entry.actor_id, entry.actor_name) == (loader.pk, "Loader (loader)")


def test_a_command_run_without_by_records_the_os_account(db, monkeypatch):
    monkeypatch.setattr(getpass, "getuser", lambda: "alice")

    call_command("load_review", SOUTHAMPTON_FILES[0], verbosity=0)

    entry = AuditEntry.objects.get(verb="imported")
    assert (entry.actor_id, entry.actor_name) == (None, "alice (OS user, manage.py load_review)")


def test_a_command_refuses_an_unknown_or_deactivated_by_user(db, make_user):
    Organisation.objects.create(slug="southampton", name="Southampton City Council")
    gone = make_user("gone", "Admin")
    gone.is_active = False
    gone.save()

    for username in ("nobody", "gone"):
        with pytest.raises(CommandError) as refused:
            call_command("load_review", SOUTHAMPTON_FILES[0], by=username, verbosity=0)
        assert str(refused.value) == f"--by {username}: no active user has that username"
    assert not AuditEntry.objects.filter(verb="imported").exists()


@pytest.mark.django_db(transaction=True)  # PostgreSQL creates the scratch database
def test_djangos_own_commands_from_manage_py_name_the_os_account(empty_database_url, monkeypatch):
    monkeypatch.setenv("LOGNAME", "alice")  # what getpass reads first
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-operator-password")
    manage(empty_database_url, "migrate", "-v0")

    manage(
        empty_database_url,
        "createsuperuser",
        "--noinput",
        "--username",
        "ops",
        "--email",
        "o@x.org",
    )
    entries = manage(
        empty_database_url,
        "shell",
        "--no-imports",
        "-c",
        "import json; from tracker.models import AuditEntry; "
        "print(json.dumps(list(AuditEntry.objects.values_list('verb', 'actor_name', "
        "'object_repr'))))",
    )

    assert json.loads(entries) == [["created", "alice (OS user, manage.py createsuperuser)", "ops"]]


# Commands that change no rows (export_review reads; grant_app_role changes privileges);
# every other command of ours must record who ran it.
READ_ONLY_COMMANDS = {"export_review", "grant_app_role"}


def test_every_command_that_writes_records_who_ran_it():
    ours = {}
    for app in ("tracker", "recommendations", "actions"):
        package = importlib.import_module(f"{app}.management.commands")
        for module in pkgutil.iter_modules(package.__path__):
            command = importlib.import_module(f"{package.__name__}.{module.name}").Command
            ours[module.name] = issubclass(command, AuditedCommand)

    assert set(ours) >= READ_ONLY_COMMANDS
    assert sorted(name for name, audited in ours.items() if not audited) == sorted(
        READ_ONLY_COMMANDS
    )


# Passwords ---------------------------------------------------------------------------------


def test_changing_ones_password_is_audited_and_logged_without_it(
    signed_in, officer, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="tracker.security")
    client = signed_in(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/password/",
            {
                "old_password": "a-long-test-password",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(verb="password changed")
    request_id = response["X-Request-ID"]
    assert (entry.actor_id, entry.actor_name, entry.request_id) == (
        officer.pk,
        "Officer (officer)",
        request_id,
    )
    assert (entry.object_type, entry.object_id, entry.changes) == (
        "auth.user",
        str(officer.pk),
        {},
    )
    [event] = [e for e in security_events(caplog) if e["event"].startswith("password")]
    assert event == {
        "event": "password_changed",
        "request_id": request_id,
        "ip": "127.0.0.1",
        "method": "POST",
        "path": "/account/password/",
        "username": "officer",
        "user_id": officer.pk,
        "by": "Officer (officer)",
        "by_user_id": officer.pk,
    }
    officer.refresh_from_db()
    for secret in (NEW_PASSWORD, "a-long-test-password", officer.password):
        assert secret not in caplog.text
        assert secret not in json.dumps(entry.changes)


def test_resetting_a_password_by_email_link_is_audited_as_the_user(
    client, officer, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="tracker.security")
    client.post("/password-reset/", {"email": "officer@example.org"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(verb="password reset")
    request_id = response["X-Request-ID"]
    assert (entry.actor_id, entry.actor_name, entry.request_id, entry.object_id) == (
        officer.pk,
        "Officer (officer)",
        request_id,
        str(officer.pk),
    )
    [event] = [e for e in security_events(caplog) if e["event"].startswith("password")]
    assert (event["event"], event["request_id"], event["username"], event["by_user_id"]) == (
        "password_reset",
        request_id,
        "officer",
        officer.pk,
    )
    assert NEW_PASSWORD not in caplog.text


def test_an_operator_setting_a_password_in_the_django_admin_is_audited(
    admin_client, admin_user, officer, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="tracker.security")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/django-admin/auth/user/{officer.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(verb="password set")
    assert (entry.actor_id, entry.object_id, entry.request_id) == (
        admin_user.pk,
        str(officer.pk),
        response["X-Request-ID"],
    )
    [event] = [e for e in security_events(caplog) if e["event"].startswith("password")]
    assert (event["event"], event["username"], event["by_user_id"]) == (
        "password_set",
        "officer",
        admin_user.pk,
    )
    assert NEW_PASSWORD not in caplog.text


def test_a_password_set_from_a_shell_names_the_os_account(officer):
    with audit.acting_as(audit.Actor("alice (OS user, manage.py changepassword)")):
        officer.set_password(NEW_PASSWORD)
        officer.save()

    entry = AuditEntry.objects.get(verb="password set")
    assert (entry.actor_id, entry.actor_name, entry.object_id) == (
        None,
        "alice (OS user, manage.py changepassword)",
        str(officer.pk),
    )


def test_signing_in_with_an_old_hash_is_not_a_password_change(client, officer, settings):
    """Django re-hashes a password stored with an older hasher at sign-in; nothing changed."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    old_hash = officer.password

    client.post("/sign-in/", {"username": "officer", "password": "a-long-test-password"})

    officer.refresh_from_db()
    assert officer.password != old_hash  # upgraded
    assert not AuditEntry.objects.filter(verb__startswith="password").exists()
