"""An LGA-wide admin brings a new council into the tracker: adds it, loads its first review
and invites its first user, all on the app's own pages."""

from django.core import mail
from playwright.sync_api import expect

from recommendations.models import Membership, Review
from tests.recommendations.samples import VALID

from .conftest import set_up_two_factor, sign_in

NEWTOWN_FILE = VALID.replace("slug: testshire", "slug: newtown").replace(
    "name: Testshire County Council", "name: Newtown Borough Council"
)


def test_lga_admin_adds_a_council_loads_its_review_and_invites_a_user(
    page, live_southampton, make_user, tmp_path
):
    make_user("lga_admin", "Admin", organisation=None)
    review_file = tmp_path / "newtown-cpc-2015.yaml"
    review_file.write_text(NEWTOWN_FILE)
    sign_in(page, live_southampton, "lga_admin")
    set_up_two_factor(page, "lga_admin")

    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add a council").click()
    page.get_by_label("Council name").fill("Newtown Borough Council")
    page.get_by_label("Short name").fill("newtown")
    page.get_by_role("button", name="Add council").click()
    expect(
        page.get_by_text("Newtown Borough Council has been added. Now load its first review file.")
    ).to_be_visible()

    page.get_by_label("File").set_input_files(str(review_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check what will change")).to_be_visible()
    page.get_by_role("button", name="Load this review").click()
    expect(page.get_by_role("heading", name="Corporate Peer Challenge 2015")).to_be_visible()
    assert Review.objects.get(organisation__slug="newtown").slug == "cpc-2015"

    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_label("Full name").fill("Nadia Newtown")
    page.get_by_label("Email address").fill("nadia@newtown.example.org")
    page.get_by_label("Council").select_option(label="Newtown Borough Council")
    page.get_by_label("Admin").check()
    page.get_by_role("button", name="Send invitation").click()

    expect(
        page.get_by_text("An invitation has been sent to nadia@newtown.example.org")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Nadia Newtown")).to_be_visible()
    membership = Membership.objects.get(user__email="nadia@newtown.example.org")
    assert (membership.organisation.slug, membership.role) == ("newtown", "admin")
    assert [message.to for message in mail.outbox] == [["nadia@newtown.example.org"]]


def test_users_pages_have_no_axe_violations(page, live_southampton, make_user):
    from recommendations.accounts.invitations import invitation_token

    from .test_accessibility import violations, visit_all

    make_user("lga_admin", "Admin", organisation=None)
    officer = make_user("officer", "Officer", leads=["Suki Sitaram"])
    invited = make_user("invited", "Viewer")
    invited.set_unusable_password()
    invited.save()
    sign_in(page, live_southampton, "lga_admin")
    set_up_two_factor(page, "lga_admin")
    base = live_southampton.url

    found = visit_all(
        page,
        base,
        [
            "/users/",
            "/users/?council=southampton",
            f"/users/{officer.pk}/",
            f"/users/{officer.pk}/leads/",
            f"/users/{invited.pk}/",
            f"/invitation/{invitation_token(invited)}/",
            "/invitation/expired/",
        ],
    )
    for url, button in (("/users/invite/", "Send invitation"), ("/councils/new/", "Add council")):
        page.goto(f"{base}{url}")
        page.get_by_role("button", name=button).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        found += violations(page, f"{url} with errors")

    assert found == []
