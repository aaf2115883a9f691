"""Real-browser tests: Playwright driving Debian's chromium against a live server."""

import os
import shutil

import pytest
from django.core.management import call_command

# The sync Playwright API and the Django ORM share the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # No skipping: a missing browser is a failure (.ci/run installs it).
    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), f"chromium not found at {CHROMIUM}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def live_southampton(transactional_db, live_server):
    """The live server, with the Southampton reviews loaded."""
    from tests.conftest import SOUTHAMPTON_FILES

    call_command("load_review", *SOUTHAMPTON_FILES, verbosity=0)
    return live_server


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()


def set_up_two_factor(page, username: str) -> None:
    """On the set-up page an admin is sent to: enter a code from the 'authenticator' (the
    pending device's secret, as a phone would hold it) and continue past the recovery codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.tracker.test_sign_in_security import current_code

    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Save your recovery codes").wait_for()
    page.get_by_role("button", name="I have saved my codes, continue").click()
