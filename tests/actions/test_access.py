"""The role matrix: each role against each page and each POST. Another organisation's
objects answer 404; a forbidden POST answers 403 and changes nothing."""

import pytest

from actions.models import ProgressUpdate
from recommendations.models import Recommendation

REVIEW = "/organisations/southampton/reviews/cpc-2017/"
PAGES = [
    "/",
    "/my-actions/",
    REVIEW,
    f"{REVIEW}recommendations/6/",
    f"{REVIEW}recommendations/6.3/",
    f"{REVIEW}actions/6.3-a/",
    f"{REVIEW}actions/7-e/",
    "/account/password/",
]
OWN_ACTION = f"{REVIEW}actions/6.3-a/record-progress/"  # led by `officer`
OTHER_LEADS_ACTION = f"{REVIEW}actions/7-e/record-progress/"  # led by `other_officer`
CORRECT = f"{REVIEW}recommendations/6.3/correct/"

UPDATE = {"seen_version": "1", "status": "in-progress", "rag": "green", "note": "On track."}


@pytest.fixture
def persona(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize(
    "persona",
    ["officer", "other_officer", "cmt_viewer", "programme_office", "admin_member"],
    indirect=True,
)
@pytest.mark.parametrize("url", PAGES)
def test_everyone_in_the_council_can_read_every_page(signed_in, persona, url):
    assert signed_in(persona).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES[2:7])
def test_another_councils_officer_gets_404_for_southampton_pages(
    signed_in, other_council_officer, url
):
    assert signed_in(other_council_officer).get(url).status_code == 404


def test_another_councils_reviews_are_not_listed(signed_in, other_council_officer):
    response = signed_in(other_council_officer).get("/")

    assert [review.slug for review in response.context["page"].object_list] == ["cpc-2015"]


# (persona, URL, expected status, updates written)
RECORDING = [
    ("officer", OWN_ACTION, 302, 1),
    ("officer", OTHER_LEADS_ACTION, 403, 0),
    ("other_officer", OWN_ACTION, 403, 0),
    ("other_officer", OTHER_LEADS_ACTION, 302, 1),
    ("cmt_viewer", OWN_ACTION, 403, 0),
    ("programme_office", OWN_ACTION, 302, 1),
    ("programme_office", OTHER_LEADS_ACTION, 302, 1),
    ("admin_member", OWN_ACTION, 302, 1),
    ("other_council_officer", OWN_ACTION, 404, 0),
]


@pytest.mark.parametrize(
    ("persona", "url", "status", "written"),
    RECORDING,
    indirect=["persona"],
    ids=[f"{p}-{u.split('/')[-3]}" for p, u, _, _ in RECORDING],
)
def test_recording_progress_follows_the_role_matrix(signed_in, persona, url, status, written):
    before = ProgressUpdate.objects.count()
    seen = {"6.3-a": "1", "7-e": "1"}[url.split("/")[-3]]

    response = signed_in(persona).post(url, {**UPDATE, "seen_version": seen})

    assert response.status_code == status
    assert ProgressUpdate.objects.count() - before == written


@pytest.mark.parametrize(
    "persona",
    ["officer", "cmt_viewer", "programme_office"],
    indirect=True,
)
def test_only_an_admin_may_correct_a_transcription(signed_in, persona):
    client = signed_in(persona)

    page = client.get(CORRECT)
    post = client.post(CORRECT, {"field": "text", "text": "Changed", "reason": "Typo"})

    assert (page.status_code, post.status_code) == (403, 403)
    assert Recommendation.objects.get(review__slug="cpc-2017", number="6.3").text == (
        "Continue to prioritise the Agresso upgrade and HR integration"
    )


def test_admin_correction_is_kept_in_history(signed_in, admin_member):
    client = signed_in(admin_member)

    response = client.post(
        CORRECT,
        {
            "field": "text",
            "text": "Continue to prioritise the Agresso upgrade and HR integration.",
            "reason": "The full stop was missed.",
        },
    )

    assert response.status_code == 302
    part = Recommendation.objects.get(review__slug="cpc-2017", number="6.3")
    assert part.text.endswith("integration.")
    correction = part.corrections.get()
    assert (correction.before, correction.corrected_by) == (
        "Continue to prioritise the Agresso upgrade and HR integration",
        admin_member,
    )
    page = client.get(part.get_absolute_url()).content.decode()
    assert "The full stop was missed." in page


def test_correct_link_shown_only_to_admins(signed_in, officer, admin_member):
    url = f"{REVIEW}recommendations/6.3/"

    assert "Correct the transcription" not in signed_in(officer).get(url).content.decode()
    assert "Correct the transcription" in signed_in(admin_member).get(url).content.decode()


def test_record_progress_form_shown_only_to_those_who_may_use_it(signed_in, officer, cmt_viewer):
    url = f"{REVIEW}actions/6.3-a/"

    assert signed_in(officer).get(url).context["form"] is not None
    assert signed_in(cmt_viewer).get(url).context["form"] is None


def test_recording_progress_is_post_only(signed_in, officer):
    assert signed_in(officer).get(OWN_ACTION).status_code == 405


def test_a_user_without_membership_sees_nothing(client, southampton, django_user_model):
    user = django_user_model.objects.create_user("drifter", password="a-long-test-password")
    client.force_login(user)

    assert client.get(f"{REVIEW}").status_code == 404
    assert list(client.get("/").context["page"].object_list) == []
