import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import DatabaseError

from tests.helpers import child_environment

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "tracker.example.org",
    "SMTP_HOST": "smtp.example.org",
    "SITE_URL": "https://tracker.example.org",
}


def test_deployment_checks_pass_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=child_environment(**PRODUCTION),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def without(*names: str, **overrides: str) -> dict[str, str]:
    """A production environment missing `names` (not inherited from this run either)."""
    env = child_environment(**PRODUCTION, **overrides)
    for name in names:
        env.pop(name, None)
    return env


def test_deployment_checks_fail_without_a_mail_server_or_site_url():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=without("SMTP_HOST", "SITE_URL"),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "(mail.E001) Your MAILERS setting uses a development-only email backend" in (
        result.stderr
    )
    assert (
        "(tracker.E001) SITE_URL is not set, so links in emails would point to "
        "http://127.0.0.1:8000." in result.stderr
    )


REFUSAL = (
    "The tracker refuses to start: its deployment checks failed "
    "(`manage.py check --deploy` lists them):\n"
    "  - ?: (mail.E001) Your MAILERS setting uses a development-only email backend in the "
    "'default' entry (django.core.mail.backends.console.EmailBackend).\n"
)


def test_gunicorn_refuses_to_start_when_a_deployment_check_fails(tmp_path):
    """The production start (gunicorn reading gunicorn.conf.py) exits before any worker
    starts, with status 1 and the reason, when there is no mail server."""
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn"],
        cwd=settings.BASE_DIR,
        env=without("SMTP_HOST", GUNICORN_BIND="127.0.0.1:0", GUNICORN_WORKERS="1"),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 1
    assert REFUSAL in result.stderr
    assert "SMTP_HOST" in result.stderr.split(REFUSAL, 1)[1]
    assert "Booting worker" not in result.stderr


def import_wsgi_application(env: dict[str, str]) -> subprocess.CompletedProcess:
    """What any WSGI server does first: import tracker.wsgi's application."""
    return subprocess.run(
        [sys.executable, "-c", "import tracker.wsgi; print('serving')"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_any_wsgi_server_refuses_the_application_when_a_deployment_check_fails():
    refused = import_wsgi_application(without("SMTP_HOST"))
    served = import_wsgi_application(without())

    assert (refused.returncode, refused.stdout) == (1, "")
    assert REFUSAL in refused.stderr
    assert (served.returncode, served.stdout) == (0, "serving\n"), served.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_without_sign_in(client):
    response = client.get("/healthz/")

    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def fail(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(CursorWrapper, "execute", fail)

    response = client.get("/healthz/")

    assert (response.status_code, response.content) == (503, b"unavailable")


REVIEW = "/organisations/southampton/reviews/cpc-2017/"
SIGNED_IN_PAGES = [
    "/",
    REVIEW,
    f"{REVIEW}recommendations/1/",
    f"{REVIEW}actions/6.3-a/",
    f"{REVIEW}dashboard/",
    f"{REVIEW}report/",
    f"{REVIEW}report.pdf",
    "/dashboard/",
    "/actions/",
    "/actions/export.csv",
    "/actions/export.xlsx",
    "/my-actions/",
    "/organisations/southampton/gap/",
    "/organisations/southampton/timeline/",
    "/account/two-factor/",
    "/account/password/",
    "/imports/new/",  # 403 for an officer: the error page
    "/no-such-page/",  # 404
]
PUBLIC_PAGES = [
    "/sign-in/",
    "/password-reset/",
    "/healthz/",
    "/public/southampton/cpc-2017/",
    "/accessibility/",
    "/static/css/application.css",
    "/static/js/application.js",
]


def assert_security_headers(response, url):
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["Permissions-Policy"].startswith("camera=()"), url
    policy = response.get("Content-Security-Policy", "")
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policy, (url, directive)
    assert "default-src 'self'" in policy or "default-src 'none'" in policy, url
    assert "unsafe-inline" not in policy, url
    assert "unsafe-eval" not in policy, url
    assert "http" not in policy, url  # no third-party origin
    if response["Content-Type"].startswith("text/html"):
        assert "'nonce-" in policy, url


@pytest.mark.django_db
def test_every_signed_in_page_type_has_the_security_headers(signed_in, officer):
    client = signed_in(officer)
    for url in SIGNED_IN_PAGES:
        response = client.get(url)
        assert response.status_code in {200, 403, 404}, url
        assert_security_headers(response, url)


@pytest.mark.django_db
def test_every_public_page_and_static_file_has_the_security_headers(client, southampton):
    from recommendations.models import Review

    Review.objects.filter(slug="cpc-2017").update(is_published=True)
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)


def test_gunicorn_serves_the_app_with_its_config(tmp_path):
    """The production server starts from the repository's configuration and answers."""
    from benchmarks.serving import answer_once_listening, free_port

    port = free_port()
    env = child_environment(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Waits for gunicorn to say it listens, then for the answer: no polling.
        body = answer_once_listening(server, f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert body == b"ok"
