"""Errors in the GOV.UK pattern: a heading, what to do next, a reference, and nothing of the
service's insides."""

import re

import pytest
from django.test import Client

LEAKS = ("Traceback", "no_such_table", "SELECT", "SECRET_KEY", "settings.py", "DATABASES")


def assert_govuk_error(response, status, heading):
    content = response.content.decode()
    assert response.status_code == status
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in content
    reference = re.search(r'class="app-reference">([0-9a-f]{32})<', content)
    assert reference
    assert reference.group(1) == response["X-Request-ID"]
    for leak in LEAKS:
        assert leak not in content
    return content


@pytest.mark.django_db
def test_page_not_found(signed_in, officer):
    response = signed_in(officer).get("/organisations/nowhere/reviews/none/")

    assert_govuk_error(response, 404, "Page not found")


@pytest.mark.django_db
def test_permission_refused(signed_in, officer):
    response = signed_in(officer).get("/imports/new/")

    assert_govuk_error(response, 403, "You cannot see this page")


@pytest.mark.django_db
@pytest.mark.urls("tests.tracker.boom_urls")
def test_server_error_shows_no_stack_trace_or_sql(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    response = client.get("/boom/")

    assert_govuk_error(response, 500, "Sorry, there is a problem with the service")


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_refused_with_the_govuk_page(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post("/sign-out/")

    assert_govuk_error(response, 403, "Sorry, your form could not be sent")
    assert client.session.get("_auth_user_id") == str(officer.pk)


@pytest.mark.django_db
def test_bad_request_for_a_host_not_allowed(client):
    response = client.get("/sign-in/", HTTP_HOST="evil.example")

    assert_govuk_error(response, 400, "Sorry, there is a problem with your request")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/.git/HEAD",
        "/.git/config",
        "/.env",
        "/static/../manage.py",
        "/static/..%2fmanage.py",
        "/static/%2e%2e/tracker/settings.py",
        "/static/../../etc/passwd",
        "/var/tracker.sqlite3",
        "/fixtures/southampton/cpc-2017.yaml",
    ],
)
def test_probes_for_files_on_the_server_find_nothing(signed_in, officer, path):
    response = signed_in(officer).get(path)

    assert response.status_code in {404, 302}
    if response.status_code == 302:
        # Normalised by the client to a path that is itself not found.
        assert signed_in(officer).get(response["Location"]).status_code == 404
    else:
        assert b"Page not found" in response.content


@pytest.mark.django_db
@pytest.mark.urls("tests.tracker.boom_urls")
def test_a_database_outage_is_a_503_to_retry_not_a_500(officer, monkeypatch):
    from types import SimpleNamespace

    # As when PostgreSQL restarts: the query failed and the connection is gone.
    monkeypatch.setattr("tracker.errors.connection", SimpleNamespace(vendor="postgresql"))
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    response = client.get("/database-down/")

    assert_govuk_error(response, 503, "Sorry, the service is unavailable")
    assert response["Retry-After"] == "5"
    assert b"127.0.0.1" not in response.content
