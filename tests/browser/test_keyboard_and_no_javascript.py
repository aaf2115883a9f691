"""Keyboard-only journeys, with focus always visible, and the service with JavaScript off."""

import re

from playwright.sync_api import expect

from actions.models import ProgressUpdate

from .conftest import set_up_two_factor, sign_in

REVIEW = "/organisations/southampton/reviews/cpc-2017"
FOCUS_VISIBLE = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return false;
    const style = getComputedStyle(element);
    const label = element.labels && element.labels[0]
        ? getComputedStyle(element.labels[0], '::before') : null;
    return style.outlineStyle !== 'none' || style.boxShadow !== 'none'
        || style.backgroundColor === 'rgb(255, 221, 0)'
        || (label !== null && label.boxShadow !== 'none');
}"""
FOCUSED_NAME = """() => {
    const element = document.activeElement;
    const label = element.labels && element.labels[0] ? element.labels[0].textContent : '';
    const text = label || element.getAttribute('aria-label') || element.textContent;
    return (text || element.value || '').trim();
}"""


def tab_to(page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the focused control is called `name`; every stop on the page must
    show focus. (Focus may pass through the browser itself, leaving the body active.)"""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            continue
        assert page.evaluate(FOCUS_VISIBLE), f"focus not visible on {page.evaluate(FOCUSED_NAME)!r}"
        if re.search(name, page.evaluate(FOCUSED_NAME)):
            return
    raise AssertionError(f"no control called {name!r} within {limit} tabs")


def choose_radio(page, field: str, label: str) -> None:
    """Tab into a radio group (one Tab stop), then arrow keys to the option, as people do."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == field:
            break
    else:
        raise AssertionError(f"no radio group {field!r}")
    for _ in range(10):
        if page.evaluate(FOCUSED_NAME) == label:
            page.keyboard.press("Space")
            assert page.evaluate(FOCUS_VISIBLE)
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r} in {field!r}")


def press_enter_to_go(page) -> None:
    """Enter on a link or submit button: wait for the next page before looking at it."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def keyboard_sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    tab_to(page, "^Username")
    page.keyboard.type(username)
    tab_to(page, "^Password")
    page.keyboard.type("a-long-test-password")
    press_enter_to_go(page)


def test_an_officer_records_an_update_with_the_keyboard_only(page, live_southampton, make_user):
    make_user("officer", "Officer", leads=["Service Director for Digital and Business Operations"])
    keyboard_sign_in(page, live_southampton.url, "officer")
    tab_to(page, "^My actions$")
    press_enter_to_go(page)
    tab_to(page, r"^6\.3-a")
    press_enter_to_go(page)
    expect(page.get_by_role("heading", name="Action 6.3-a")).to_be_visible()

    tab_to(page, "^Record update$")
    press_enter_to_go(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()

    choose_radio(page, "status", "In progress")
    choose_radio(page, "rag", "Green")
    tab_to(page, "What has happened")
    page.keyboard.type("New operating model agreed; recruitment starts in January.")
    tab_to(page, "^Record update$")
    press_enter_to_go(page)

    expect(page.get_by_text("Update recorded")).to_be_visible()
    assert ProgressUpdate.objects.filter(
        action__ref="6.3-a", recorded_by__username="officer", status="in-progress"
    ).exists()


def test_a_cmt_member_filters_actions_and_downloads_the_report_with_the_keyboard(
    page, live_southampton, make_user
):
    make_user("cmt", "Viewer")
    keyboard_sign_in(page, live_southampton.url, "cmt")
    tab_to(page, "^Actions$")
    press_enter_to_go(page)
    tab_to(page, "^Overdue")
    page.keyboard.press("Space")
    tab_to(page, "^Apply filters$")
    press_enter_to_go(page)
    expect(page).to_have_url(re.compile(r"overdue=true"))

    page.goto(f"{live_southampton.url}{REVIEW}/report/")
    with page.expect_download() as download:
        tab_to(page, "^Download as PDF$")
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")


def test_an_admin_uploads_a_review_file_with_the_keyboard(
    page, live_southampton, make_user, tmp_path
):
    from tests.browser.test_admin_upload_journey import SOUTHAMPTON_FILE

    make_user("admin_member", "Admin")
    keyboard_sign_in(page, live_southampton.url, "admin_member")
    set_up_two_factor(page, "admin_member")
    tab_to(page, "^Load a review$")
    press_enter_to_go(page)
    upload = tmp_path / "cpc-2015.yaml"
    upload.write_text(SOUTHAMPTON_FILE)

    tab_to(page, "^File")
    # A file chooser is the operating system's own dialog: choose the file as it would.
    page.locator("input[type=file]").set_input_files(str(upload))
    tab_to(page, "^Check the file$")
    press_enter_to_go(page)
    expect(page.get_by_role("heading", name="Check what will change")).to_be_visible()
    tab_to(page, "^Load this review$")
    press_enter_to_go(page)
    expect(page.get_by_text("cpc-2015.yaml has been loaded")).to_be_visible()


def test_the_service_works_with_javascript_off(browser, live_southampton, make_user):
    make_user("officer", "Officer", leads=["Service Director for Digital and Business Operations"])
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_southampton, "officer")
        for url in ("/", f"{REVIEW}/", f"{REVIEW}/dashboard/", "/actions/", "/my-actions/"):
            page.goto(f"{live_southampton.url}{url}")
            expect(page.locator("h1")).to_be_visible()

        page.goto(f"{live_southampton.url}/actions/")
        page.get_by_label("Overdue").check()
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"overdue=true"))

        page.goto(f"{live_southampton.url}{REVIEW}/actions/6.3-a/")
        page.get_by_label("Complete", exact=True).check()
        page.get_by_label("Green").check()
        page.get_by_label("What has happened since the last update?").fill("Done, no script.")
        page.get_by_role("button", name="Record update").click()
        expect(page.get_by_text("Update recorded")).to_be_visible()
    finally:
        context.close()
