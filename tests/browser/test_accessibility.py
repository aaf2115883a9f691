"""WCAG 2.2 AA in a real browser: axe-core (pytest-playwright-axe) on every page type, as
each role and signed out, with form errors showing; keyboard-only journeys; JavaScript off.
Any violation fails."""

import pytest
from playwright.sync_api import expect
from pytest_playwright_axe.axe import MIN_AXE_PATH

from recommendations.models import Review

from .conftest import set_up_two_factor, sign_in

WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    }
}
AXE_SOURCE = MIN_AXE_PATH.read_text(encoding="utf-8")
REVIEW = "/organisations/southampton/reviews/cpc-2017"
PAGES_FOR_EVERYONE = [
    "/",
    f"{REVIEW}/",
    f"{REVIEW}/recommendations/1/",
    f"{REVIEW}/actions/6.3-a/",
    f"{REVIEW}/dashboard/",
    f"{REVIEW}/dashboard/?as_at=2018-06-30",
    f"{REVIEW}/report/",
    "/dashboard/",
    "/actions/",
    "/actions/?overdue=true&sort=-due",
    "/search/?q=budget",
    "/search/?q=budget&kind=updates",
    "/search/?q=" + "x" * 201,  # the error summary
    "/my-actions/",
    "/organisations/southampton/gap/",
    "/organisations/southampton/timeline/",
    "/account/password/",
    "/account/two-factor/",
    "/no-such-page/",
]
PAGES_BY_ROLE = {
    "Viewer": PAGES_FOR_EVERYONE,
    "Officer": PAGES_FOR_EVERYONE,
    "Programme office": PAGES_FOR_EVERYONE,
    "Admin": [
        *PAGES_FOR_EVERYONE,
        "/imports/new/",
        "/imports/",
        f"{REVIEW}/recommendations/1/correct/",
    ],
}
PUBLIC_PAGES = [
    "/sign-in/",
    "/password-reset/",
    "/accessibility/",
    "/public/southampton/cpc-2017/",
]


def violations(page, url: str) -> list[str]:
    """axe's WCAG A and AA violations on the page now showing, one readable line each.

    Runs the axe-core that pytest-playwright-axe bundles directly in the page (evaluate
    works under the app's CSP): its Axe.run combines results in a second browser context,
    which doubles the time and is only needed for pages with frames, which this service
    never has."""
    page.evaluate(AXE_SOURCE)
    results = page.evaluate("options => axe.run(document, options)", WCAG_AA)
    return [
        f"{url}: {violation['id']} ({violation['impact']}) at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results["violations"]
    ]


def visit_all(page, base: str, urls: list[str]) -> list[str]:
    found = []
    for url in urls:
        page.goto(f"{base}{url}")
        found += violations(page, url)
    return found


@pytest.mark.parametrize("role", list(PAGES_BY_ROLE))
def test_every_page_type_has_no_axe_violations_for_each_role(
    page, live_southampton, make_user, role
):
    username = {"Viewer": "cmt", "Officer": "officer"}.get(role, role.lower().replace(" ", "_"))
    make_user(username, role, leads=["Service Director for Digital and Business Operations"])
    sign_in(page, live_southampton, username)
    if role == "Admin":
        set_up_two_factor(page, username)

    assert visit_all(page, live_southampton.url, PAGES_BY_ROLE[role]) == []


def test_public_pages_have_no_axe_violations(page, live_southampton):
    Review.objects.filter(slug="cpc-2017").update(is_published=True)

    assert visit_all(page, live_southampton.url, PUBLIC_PAGES) == []


def test_pages_showing_errors_have_no_axe_violations(page, live_southampton, make_user):
    make_user("officer", "Officer", leads=["Service Director for Digital and Business Operations"])
    page.goto(f"{live_southampton.url}/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    found = violations(page, "sign-in with errors")

    sign_in(page, live_southampton, "officer")
    page.goto(f"{live_southampton.url}{REVIEW}/actions/6.3-a/")
    page.get_by_role("button", name="Record update").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    found += violations(page, "record progress with errors")

    page.goto(f"{live_southampton.url}/actions/?as_at=not-a-date")
    found += violations(page, "action list with a bad date")

    assert found == []


def test_the_two_factor_pages_have_no_axe_violations(page, live_southampton, make_user):
    make_user("admin_member", "Admin")
    sign_in(page, live_southampton, "admin_member")
    found = violations(page, "two-factor set-up")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    found += violations(page, "two-factor set-up with errors")

    assert found == []


def test_the_checker_finds_a_violation_when_there_is_one(page, live_server):
    """Guards the harness: an image without a text alternative must be reported."""
    page.goto(f"{live_server.url}/accessibility/")
    page.evaluate(
        "() => document.querySelector('main').append(Object.assign("
        "document.createElement('img'), {src: '/static/nothing.png'}))"
    )

    assert any("image-alt" in line for line in violations(page, "accessibility"))
