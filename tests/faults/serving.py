"""Real servers for fault tests: gunicorn instances of the app on loopback, and a small HTTP
client that signs in and submits forms as a browser would (cookies, CSRF token)."""

import html
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from tests.helpers import manage

PASSWORD = "demo-tracker-2026"  # the demo users' (actions/management/commands)
HIDDEN_FIELDS = r'name="(csrfmiddlewaretoken|seen_version)" value="([^"]*)"'
ACTION = "/organisations/southampton/reviews/cpc-2017/actions/6.3-a/"


def prepare_database(database_url: str) -> None:
    """Migrate, load Southampton and create the demo users, as `scripts/run` does."""
    from tests.conftest import SOUTHAMPTON_FILES

    manage(database_url, "migrate", "--noinput", "--verbosity", "0")
    manage(database_url, "load_review", *SOUTHAMPTON_FILES)
    manage(database_url, "create_demo_users")


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
