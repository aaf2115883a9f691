from playwright.sync_api import expect

from recommendations.models import Review
from tests.recommendations.samples import VALID, replace_line

from .conftest import set_up_two_factor, sign_in

SOUTHAMPTON_FILE = VALID.replace("slug: testshire", "slug: southampton").replace(
    "name: Testshire County Council", "name: Southampton City Council"
)


def test_admin_fixes_a_broken_file_then_previews_and_loads_it(
    page, live_southampton, make_user, tmp_path
):
    make_user("admin_member", "Admin")
    broken = tmp_path / "cpc-2015.yaml"
    broken.write_text(replace_line(SOUTHAMPTON_FILE, "rag: amber", "rag: orange"))
    fixed = tmp_path / "cpc-2015-fixed.yaml"
    fixed.write_text(SOUTHAMPTON_FILE)
    sign_in(page, live_southampton, "admin_member")
    set_up_two_factor(page, "admin_member")

    page.get_by_role("link", name="Load a review").click()
    page.get_by_label("File").set_input_files(str(broken))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("The file has 1 problem. Nothing was loaded.")).to_be_visible()
    expect(page.get_by_text("recommendations[0].actions[0].rag")).to_be_visible()

    page.get_by_label("File").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check what will change")).to_be_visible()
    expect(page.get_by_text("created: review cpc-2015").first).to_be_visible()
    assert not Review.objects.filter(slug="cpc-2015").exists()

    page.get_by_role("button", name="Load this review").click()
    expect(page.get_by_role("heading", name="Corporate Peer Challenge 2015")).to_be_visible()
    expect(page.get_by_text("cpc-2015-fixed.yaml has been loaded")).to_be_visible()
    expect(page.get_by_text("Savings not delivered")).to_be_visible()  # its risk register
