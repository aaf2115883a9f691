"""Real servers for fault tests: gunicorn instances of the app on loopback, and a small HTTP
client that signs in and submits forms as a browser would (cookies, CSRF token)."""

import contextlib
import functools
import html
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar

from django.conf import settings

from tests.helpers import child_environment, manage

SECRET_KEY = secrets.token_urlsafe(50)  # shared by every instance, as in a deployment
PASSWORD = "demo-tracker-2026"  # the demo users' (tracker/management/commands)
HIDDEN_FIELDS = r'name="(csrfmiddlewaretoken|seen_version)" value="([^"]*)"'
ACTION = "/organisations/southampton/reviews/cpc-2017/actions/6.3-a/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(database_url: str) -> None:
    """Migrate, load Southampton and create the demo users, as `scripts/run` does."""
    from tests.conftest import SOUTHAMPTON_FILES

    manage(database_url, "migrate", "--noinput", "--verbosity", "0")
    manage(database_url, "load_review", *SOUTHAMPTON_FILES)
    manage(database_url, "create_demo_users")


@functools.cache
def collected_static() -> str:
    """collectstatic once per test run, into a folder of its own, as a release does."""
    folder = tempfile.mkdtemp(prefix="tracker-static-")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=child_environment(DEBUG="true", STATIC_ROOT=folder),
        check=True,
    )
    return folder


@contextlib.contextmanager
def gunicorn(
    database_url: str, *, workers: int = 1, secret_key: str | None = None
) -> Iterator[str]:
    """A gunicorn instance of the app as production runs it (DEBUG off, the repository's
    gunicorn.conf.py, collected static files), on loopback over plain HTTP; its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn"],
        cwd=settings.BASE_DIR,
        env=child_environment(
            DEBUG="false",
            SECRET_KEY=secret_key or SECRET_KEY,
            HTTPS="false",
            ALLOWED_HOSTS="127.0.0.1",
            # Production refuses to start without a mail server and the address links
            # use (tracker.checks); these tests send no mail.
            SMTP_HOST="127.0.0.1",
            SITE_URL=f"http://127.0.0.1:{port}",
            STATIC_ROOT=collected_static(),
            DATABASE_URL=database_url,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(workers),
            # Sessions and everything else live in the shared database.
            CONN_MAX_AGE="60",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, within=20)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_until_healthy(base: str, *, within: float) -> float:
    """Seconds until /healthz/ answers 200; fails after `within` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base}/healthz/", timeout=2) as answer,
        ):
            if answer.status == 200:
                return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{base} was not healthy within {within} s")


class Visitor:
    """One person's browser: a cookie jar, forms submitted with their CSRF token."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": url} if data is not None else {}
        try:
            with self.opener.open(urllib.request.Request(url, body, headers), timeout=20) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def form_fields(self, url: str) -> dict[str, str]:
        status, page = self.request(url)
        assert status == 200, (url, status)
        return {
            name: html.unescape(value)
            for name, value in re.findall(
                r'name="(csrfmiddlewaretoken|seen_version)" value="([^"]*)"', page
            )
        }

    def sign_in(self, base: str, username: str) -> None:
        fields = self.form_fields(f"{base}/sign-in/")
        status, _ = self.request(
            f"{base}/sign-in/", {**fields, "username": username, "password": PASSWORD}
        )
        assert status == 302, f"sign-in as {username} answered {status}"

    def record_progress(self, base: str, note: str, *, action: str = ACTION) -> int:
        """Submit the record-progress form of an action; the HTTP status."""
        fields = self.form_fields(f"{base}{action}")
        status, _ = self.request(
            f"{base}{action}record-progress/",
            {**fields, "status": "in-progress", "rag": "amber", "note": note},
        )
        return status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects (302 after a successful POST) instead of following them."""

    def redirect_request(self, *args, **kwargs):
        return None
