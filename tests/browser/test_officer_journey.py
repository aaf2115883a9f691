import re

from playwright.sync_api import expect

from actions.models import ProgressUpdate

from .conftest import sign_in


def test_officer_records_an_update_on_an_overdue_action(page, live_southampton, make_user):
    make_user("officer", "Officer", leads=["Suki Sitaram"])
    sign_in(page, live_southampton, "officer")

    page.get_by_role("link", name="My actions").click()
    expect(page.get_by_role("heading", name="Overdue")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^4-a")).click()
    expect(page.get_by_role("heading", name="Action 4-a")).to_be_visible()

    page.get_by_label("In progress").check()
    page.get_by_label("Amber").check()
    page.get_by_label("What has happened since the last update?").fill(
        "Single transformation programme agreed by the board."
    )
    page.get_by_role("button", name="Record update").click()

    expect(page.get_by_text("Update recorded: In progress, RAG amber")).to_be_visible()
    first_item = page.locator(".moj-timeline__item").first
    expect(first_item).to_contain_text("Single transformation programme agreed by the board.")
    expect(first_item).to_contain_text("by Officer")
    assert (
        ProgressUpdate.objects.filter(action__ref="4-a", recorded_by__username="officer").count()
        == 1
    )


def test_viewer_sees_no_form_to_record_progress(page, live_southampton, make_user):
    make_user("cmt", "Viewer")
    sign_in(page, live_southampton, "cmt")

    page.goto(f"{live_southampton.url}/organisations/southampton/reviews/cpc-2013/actions/4-a/")

    expect(page.get_by_role("heading", name="Action 4-a")).to_be_visible()
    expect(page.get_by_role("button", name="Record update")).to_have_count(0)
