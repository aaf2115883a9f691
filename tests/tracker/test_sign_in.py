import time

import pytest
from django.conf import settings
from django.core import mail

from tests.helpers import shows
from tracker.middleware import LAST_SEEN_AT, SIGNED_IN_AT


def test_sign_in_page_uses_govuk_form_and_signs_in(client, officer):
    page = client.get("/sign-in/")
    response = client.post(
        "/sign-in/",
        {"username": "officer", "password": "a-long-test-password", "next": "/my-actions/"},
    )

    assert 'class="govuk-input' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/my-actions/"


def test_wrong_password_shows_the_govuk_error_summary(client, officer):
    response = client.post("/sign-in/", {"username": "officer", "password": "wrong"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert "Enter a correct username and password" in content
    assert "<title>Error: Sign in" in content


def test_sign_out_is_a_post_and_ends_the_session(signed_in, officer):
    client = signed_in(officer)

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert client.get("/my-actions/")["Location"].startswith("/sign-in/")


def test_sessions_expire_after_30_idle_minutes_and_activity_pushes_that_back(signed_in, officer):
    from django.contrib.sessions.models import Session

    client = signed_in(officer)
    key = client.session.session_key
    session = client.session
    session[LAST_SEEN_AT] = time.time() - 5 * 60
    session.save()
    before = Session.objects.get(session_key=key).expire_date

    client.get("/my-actions/")

    after = Session.objects.get(session_key=key).expire_date
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert after > before


def test_session_expiry_is_not_rewritten_on_every_request(signed_in, officer):
    from django.contrib.sessions.models import Session

    client = signed_in(officer)
    client.get("/my-actions/")
    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date

    client.get("/my-actions/")

    assert Session.objects.get(session_key=key).expire_date == before


def test_sessions_end_12_hours_after_sign_in_however_active(signed_in, officer):
    client = signed_in(officer)
    shows(client.get("/my-actions/"), "My actions")
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 12 * 60 * 60 - 1
    session.save()

    response = client.get("/my-actions/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_change_password(signed_in, officer):
    client = signed_in(officer)

    response = client.post(
        "/account/password/",
        {
            "old_password": "a-long-test-password",
            "new_password1": "correct horse battery staple",
            "new_password2": "correct horse battery staple",
        },
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("correct horse battery staple")


def test_short_passwords_are_refused(signed_in, officer):
    response = signed_in(officer).post(
        "/account/password/",
        {
            "old_password": "a-long-test-password",
            "new_password1": "short1",
            "new_password2": "short1",
        },
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_emails_a_link_that_works(client, officer):
    client.post("/password-reset/", {"email": "officer@example.org"})

    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a brand new passphrase")
