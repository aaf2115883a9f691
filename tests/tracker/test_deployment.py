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
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
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
        stderr=subprocess.DEVNULL,
    )
    try:
        body = b""
        for _ in range(50):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz/", timeout=2
                ) as answer:
                    body = answer.read()
                break
            except OSError:
                time.sleep(0.2)
        assert body == b"ok"
    finally:
        server.terminate()
        server.wait(timeout=10)
