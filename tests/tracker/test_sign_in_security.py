"""Sign-in hardening (ASVS 6 and 7): lockouts, password rules, Argon2, session handling and
two-factor sign-in for the admin role."""

import json
import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import answered, refused, shows
from tracker import settings as production_settings

PASSWORD = "a-long-test-password"


def sign_in(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post(
        "/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def is_signed_in(client, response, user) -> bool:
    """The sign-in form was accepted: sent on, with `user` signed in to the session."""
    return response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)


def locked_out(client, response) -> None:
    """Refused with the lockout page, and nobody signed in."""
    assert answered(response) == (429, "Sign-in locked for 15 minutes")
    assert "_auth_user_id" not in client.session


def let_throttle_pass(device) -> None:
    """After a wrong code a device refuses every code for a second, then two, four...: as if
    the user took that long to try again."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


# Lockout -----------------------------------------------------------------------------------


def test_five_failures_lock_the_account_even_against_the_right_password(client, officer):
    for _ in range(4):
        assert answered(sign_in(client, "officer", "wrong-password")) == (200, "Sign in")
    fifth = sign_in(client, "officer", "wrong-password")

    locked = sign_in(client, "officer")

    locked_out(client, fifth)
    locked_out(client, locked)


def test_the_account_stays_locked_from_another_address(client, officer):
    for _ in range(5):
        sign_in(client, "officer", "wrong-password", address="10.0.0.1")

    locked_out(client, sign_in(client, "officer", address="10.9.9.9"))


def test_five_failures_from_one_address_lock_that_address_for_other_accounts(
    client, officer, other_officer
):
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong-password", address="10.0.0.7")

    locked_out(client, sign_in(client, "other_officer", address="10.0.0.7"))
    assert is_signed_in(client, sign_in(client, "other_officer", address="10.0.0.8"), other_officer)


def test_four_failures_do_not_lock(client, officer):
    for _ in range(4):
        sign_in(client, "officer", "wrong-password")

    assert is_signed_in(client, sign_in(client, "officer"), officer)


def test_the_lock_lifts_after_15_minutes(client, officer):
    for _ in range(5):
        sign_in(client, "officer", "wrong-password")
    AccessAttempt.objects.update(attempt_time=time_ago(minutes=16))

    assert is_signed_in(client, sign_in(client, "officer"), officer)


def test_an_admin_unlocks_an_account_in_the_admin_site(officer, admin_client):
    client = Client()
    for _ in range(5):
        sign_in(client, "officer", "wrong-password")
    attempts = AccessAttempt.objects.filter(username="officer")
    assert attempts.exists()

    admin_client.post(
        "/django-admin/axes/accessattempt/",
        {
            "action": "delete_selected",
            "_selected_action": [attempt.pk for attempt in attempts],
            "post": "yes",
        },
    )

    assert not AccessAttempt.objects.filter(username="officer").exists()
    assert is_signed_in(client, sign_in(client, "officer", address="10.0.0.2"), officer)


def time_ago(**delta):
    from django.utils import timezone

    return timezone.now() - timedelta(**delta)


# Passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "abcdefghijkl",  # 12 lower-case letters: no composition rules
        "x" * 30 + "correct horse battery staple",
        "🙂 a passphrase with ünïcode",
        "p" * 64,
    ],
)
def test_long_passwords_of_any_composition_are_accepted(password):
    password_validation.validate_password(password)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("elevenchars", "at least 12 characters"),
        ("password1234", "too common"),
        ("z" * 129, "128 characters or fewer"),
    ],
)
def test_short_common_and_absurd_passwords_are_refused(password, message):
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(password)

    assert message in " ".join(refused.value.messages)


def test_passwords_are_hashed_with_argon2_in_production():
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        hashed = make_password("correct horse battery staple")

        assert identify_hasher(hashed).algorithm == "argon2"


def test_the_sign_in_form_allows_pasting_into_the_password():
    from tracker.forms import SignInForm

    widget_html = str(SignInForm()["password"])

    assert "onpaste" not in widget_html
    assert "maxlength" not in widget_html


# Sessions ----------------------------------------------------------------------------------


def test_the_session_id_changes_at_sign_in(client, officer):
    client.get("/sign-in/")
    session = client.session
    session["before"] = "sign-in"
    session.save()
    before = session.session_key

    sign_in(client, "officer")

    assert client.session.session_key != before
    assert client.session.get("_auth_user_id") == str(officer.pk)


def test_deactivating_a_user_ends_their_session(signed_in, officer):
    client = signed_in(officer)
    shows(client.get("/my-actions/"), "My actions")

    officer.is_active = False
    officer.save()

    response = client.get("/my-actions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


# Two-factor sign-in ------------------------------------------------------------------------


@pytest.fixture
def admin_member(make_user, southampton):
    return make_user("admin_member", "Admin")


def test_an_admin_must_set_up_two_factor_before_anything_else(client, admin_member):
    assert sign_in(client, "admin_member").status_code == 302

    for url in ("/", "/imports/new/", "/django-admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/two-factor/"), url


def test_an_admin_sets_up_an_authenticator_and_gets_recovery_codes(client, admin_member):
    sign_in(client, "admin_member")
    page = client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=admin_member, confirmed=False)
    assert "<svg" in page.content.decode()

    wrong = client.post("/account/two-factor/", {"code": "000000"})
    let_throttle_pass(device)
    done = client.post("/account/two-factor/", {"code": current_code(device)})

    assert "The code is not correct" in wrong.content.decode()
    assert "Save your recovery codes" in done.content.decode()
    assert done.context["recovery_codes"]
    assert len(done.context["recovery_codes"]) == 10
    shows(client.get("/imports/new/"), "Load a review")


@pytest.fixture
def admin_with_authenticator(client, admin_member):
    sign_in(client, "admin_member")
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=admin_member)
    codes = client.post("/account/two-factor/", {"code": current_code(device)}).context[
        "recovery_codes"
    ]
    client.post("/sign-out/")
    # The same code cannot be used twice: let a time step pass.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return device, codes


def test_an_admin_cannot_sign_in_without_the_second_factor(client, admin_with_authenticator):
    device, _ = admin_with_authenticator

    sign_in(client, "admin_member")
    blocked = client.get("/imports/new/")
    wrong = client.post("/sign-in/two-factor/", {"code": "123456"})

    assert blocked["Location"].startswith("/sign-in/two-factor/")
    assert wrong.status_code == 200
    assert "The code is not correct" in wrong.content.decode()
    assert client.get("/imports/new/")["Location"].startswith("/sign-in/two-factor/")
    let_throttle_pass(device)

    passed = client.post("/sign-in/two-factor/", {"code": current_code(device)})

    assert passed.status_code == 302
    shows(client.get("/imports/new/"), "Load a review")


def test_a_recovery_code_signs_in_once(client, admin_with_authenticator):
    _, codes = admin_with_authenticator

    sign_in(client, "admin_member")
    first = client.post("/sign-in/two-factor/", {"code": codes[0].upper()})
    client.post("/sign-out/")
    sign_in(client, "admin_member")
    again = client.post("/sign-in/two-factor/", {"code": codes[0]})

    assert first.status_code == 302
    assert "The code is not correct" in again.content.decode()
    assert client.get("/imports/new/")["Location"].startswith("/sign-in/two-factor/")


def test_an_officer_signs_in_without_two_factor_unless_they_turn_it_on(client, officer):
    sign_in(client, "officer")

    shows(client.get("/my-actions/"), "My actions")
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=officer)
    client.post("/account/two-factor/", {"code": current_code(device)})
    client.post("/sign-out/")

    sign_in(client, "officer")
    assert client.get("/my-actions/")["Location"].startswith("/sign-in/two-factor/")


def test_the_next_page_after_two_factor_must_be_on_this_site(client, admin_with_authenticator):
    device, _ = admin_with_authenticator
    sign_in(client, "admin_member")

    response = client.post(
        "/sign-in/two-factor/", {"code": current_code(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


# Security log ------------------------------------------------------------------------------


def security_events(caplog):
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "tracker.security"
    ]


def test_sign_in_failures_and_lockouts_are_logged_without_the_password(client, officer, caplog):
    caplog.set_level(logging.INFO, logger="tracker.security")

    for _ in range(5):
        sign_in(client, "officer", "hunter2-secret-guess")
    sign_in(client, "officer")

    events = security_events(caplog)
    names = [entry["event"] for entry in events]
    assert names.count("sign_in_failed") >= 5
    assert "locked_out" in names
    assert all(entry.get("request_id") for entry in events)
    assert "hunter2" not in caplog.text
    assert PASSWORD not in caplog.text


def test_a_username_cannot_forge_a_log_line(client, db, caplog):
    caplog.set_level(logging.INFO, logger="tracker.security")

    sign_in(client, 'x\n{"event": "sign_in", "username": "admin"}', "wrong-password")

    lines = [record.getMessage() for record in caplog.records if record.name == "tracker.security"]
    assert lines
    assert all("\n" not in line for line in lines)
    assert security_events(caplog)[0]["event"] == "sign_in_failed"


def test_refused_permissions_are_logged(signed_in, officer, caplog):
    caplog.set_level(logging.INFO, logger="tracker.security")

    response = signed_in(officer).get("/imports/new/")

    refused(response, 403, "Load a review")
    assert "permission_refused" in [entry["event"] for entry in security_events(caplog)]
