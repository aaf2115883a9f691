import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import DatabaseError

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "tracker.example.org",
    "SMTP_HOST": "smtp.example.org",
}

# Variables the test run itself sets (the browser tests allow async-unsafe ORM
# calls, the test settings turn HTTPS off) must not leak into a production-like
# child process, or it would be checked with settings no deployment has.
TEST_RUN_ONLY = {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def child_environment(**overrides):
    inherited = {k: v for k, v in os.environ.items() if k not in TEST_RUN_ONLY}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "tracker.settings", **overrides}


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


@pytest.mark.parametrize("url", ["/sign-in/", "/healthz/"])
@pytest.mark.django_db
def test_security_headers_on_pages(client, url):
    response = client.get(url)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"].startswith("camera=()")
    if url == "/sign-in/":
        policy = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in policy
        assert "unsafe-inline" not in policy
        assert "'nonce-" in policy


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
