"""Linking a user to the leads they are, so that "My actions" lists their actions: done by
the council's admin on the app's users pages, never in the Django admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action, Lead
from actions.user_leads.services import link_leads
from recommendations.models import Membership
from tests.helpers import refused
from tracker.models import AuditEntry

BOARD = "Procurement and Contract Management Board"
DIRECTOR = "Service Director for Digital and Business Operations"


def linked(user) -> list[str]:
    return sorted(Lead.objects.filter(user=user).values_list("name", flat=True))


def lead_pk(name: str, organisation: str = "southampton") -> int:
    return Lead.objects.get(name=name, organisation__slug=organisation).pk


def test_admin_links_a_user_to_leads_and_my_actions_lists_their_actions(
    signed_in, admin_member, cmt_viewer
):
    admin = signed_in(admin_member)
    form = admin.get(f"/users/{cmt_viewer.pk}/leads/")

    response = admin.post(f"/users/{cmt_viewer.pk}/leads/", {"leads": [lead_pk(BOARD)]})

    assert form.status_code == 200
    assert f"{BOARD}\n        </label>" in form.text
    assert f"{BOARD} (now linked" not in form.text
    assert response["Location"] == f"/users/{cmt_viewer.pk}/"
    assert linked(cmt_viewer) == [BOARD]
    detail = admin.get(response["Location"])
    assert f"<li>{BOARD}</li>" in detail.text
    assert "1 leads linked" in detail.text
    viewer_page = signed_in(cmt_viewer).get("/my-actions/")
    refs = {action.ref for action in viewer_page.context["page"].object_list}
    assert refs == set(Action.objects.led_by(cmt_viewer).values_list("ref", flat=True))
    assert "7-e" in refs
    entry = AuditEntry.objects.get(object_type="actions.lead", object_id=str(lead_pk(BOARD)))
    assert entry.actor_name == "Admin Member (admin_member)"


def test_linking_replaces_the_users_leads_and_says_who_holds_a_lead_now(
    signed_in, admin_member, officer, cmt_viewer
):
    admin = signed_in(admin_member)

    form = admin.get(f"/users/{cmt_viewer.pk}/leads/")
    admin.post(f"/users/{cmt_viewer.pk}/leads/", {"leads": [lead_pk(DIRECTOR)]})
    admin.post(f"/users/{cmt_viewer.pk}/leads/", {"leads": []})

    assert f"{DIRECTOR} (now linked to Officer)" in form.text
    assert linked(cmt_viewer) == []
    assert linked(officer) == []  # the lead moved to cmt_viewer, then was unlinked


def test_linking_refuses_a_lead_of_another_council(
    signed_in, admin_member, cmt_viewer, other_council_users
):
    response = signed_in(admin_member).post(
        f"/users/{cmt_viewer.pk}/leads/", {"leads": [lead_pk("Jo Bloggs", "testshire")]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"leads": ["Select leads from the list"]}
    assert linked(cmt_viewer) == []
    with pytest.raises(ValidationError):
        link_leads(
            membership=Membership.objects.get(user=cmt_viewer),
            by=admin_member,
            leads=[Lead.objects.get(name="Jo Bloggs")],
        )
    assert Lead.objects.get(name="Jo Bloggs").user.username == "other_council_officer"


@pytest.mark.parametrize("role", ["Viewer", "Officer", "Programme office", "Admin"])
def test_another_council_cannot_link_leads(role, signed_in, cmt_viewer, other_council_users):
    user = other_council_users[role]
    client = signed_in(user)

    response = client.post(f"/users/{cmt_viewer.pk}/leads/", {"leads": [lead_pk(BOARD)]})

    # Another council's admin may manage users, but not this one, who is not found; the
    # other roles may manage nobody's.
    refused(response, 404 if role == "Admin" else 403, "Cmt Viewer", BOARD)
    with pytest.raises(PermissionDenied):
        link_leads(
            membership=Membership.objects.get(user=cmt_viewer),
            by=user,
            leads=[Lead.objects.get(name=BOARD)],
        )
    assert linked(cmt_viewer) == []


def test_a_programme_office_user_cannot_link_leads(signed_in, programme_office, cmt_viewer):
    response = signed_in(programme_office).post(
        f"/users/{cmt_viewer.pk}/leads/", {"leads": [lead_pk(BOARD)]}
    )

    refused(response, 403, BOARD)
    with pytest.raises(PermissionDenied):
        link_leads(
            membership=Membership.objects.get(user=cmt_viewer),
            by=programme_office,
            leads=[Lead.objects.get(name=BOARD)],
        )
    assert linked(cmt_viewer) == []


def test_an_lga_wide_user_has_no_leads_to_link(signed_in, lga_admin, make_user):
    lga_viewer = make_user("lga_viewer", "Viewer", organisation=None)

    page = signed_in(lga_admin).get(f"/users/{lga_viewer.pk}/leads/")

    assert "has no leads yet" in page.text
    with pytest.raises(ValidationError):
        link_leads(
            membership=Membership.objects.get(user=lga_viewer),
            by=lga_admin,
            leads=[Lead.objects.get(name=BOARD)],
        )
