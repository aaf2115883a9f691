"""The role matrix: each role against each page and each POST. Another organisation's
objects answer 404; a forbidden POST answers 403 and changes nothing. Every answer is checked
for what it shows (the page's heading, the record's words, the forms the role may use) or
what it refuses (the service's refusal page, without the record's words), never its status
alone."""

import pytest

from actions.models import Action, ProgressUpdate
from recommendations.models import Recommendation, Review
from tests.helpers import page_forms, refused, shows

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
PUBLISH = f"{REVIEW}publish/"

UPDATE = {"seen_version": "1", "status": "in-progress", "rag": "green", "note": "On track."}
PERSONAS = ["officer", "other_officer", "cmt_viewer", "programme_office", "admin_member"]


@pytest.fixture
def persona(request, db):
    return request.getfixturevalue(request.param)


def recommendation(number: str) -> Recommendation:
    return Recommendation.objects.get(review__slug="cpc-2017", number=number)


def action(ref: str) -> Action:
    return Action.objects.select_related("recommendation").get(review__slug="cpc-2017", ref=ref)


def what_each_page_shows(url: str, username: str) -> tuple[str, list[str]]:
    """(heading, the records' words) that `url` must show to `username`, read from the
    database as loaded from the fixtures."""
    if url == "/":
        titles = Review.objects.filter(organisation__slug="southampton").values_list(
            "title", flat=True
        )
        return "Reviews", list(titles)
    if url == "/my-actions/":
        # Only the action each officer leads is named: the others lead nothing.
        led = {"officer": ["6.3-a (Corporate Peer Challenge 2017)"]}
        led["other_officer"] = ["7-e (Corporate Peer Challenge 2017)"]
        return "My actions", led.get(username, ["You do not lead or own any actions."])
    if url == REVIEW:
        review = Review.objects.get(organisation__slug="southampton", slug="cpc-2017")
        first = review.recommendations.filter(parent=None).order_by("position").first()
        return review.title, [review.previous.title, first.title]
    if url.endswith("recommendations/6/"):
        return "Recommendation 6", [recommendation("6").title, recommendation("6.3").text]
    if url.endswith("recommendations/6.3/"):
        return "Recommendation 6.3", [recommendation("6.3").text, action("6.3-a").text]
    if "/actions/" in url:
        shown = action(url.rstrip("/").rsplit("/", 1)[1])
        # A part has no title of its own: its words stand for it.
        about = shown.recommendation.title or shown.recommendation.text
        return f"Action {shown.ref}", [shown.text, about]
    return "Change your password", ["Old password", "New password confirmation"]


# The forms each may use on a page (beside the header's sign-out): (method, action), the
# empty action being the page itself.
AS_AT = ("get", "")  # the review page's "as at" date, for everyone
FORMS = {
    REVIEW: {
        **{name: {AS_AT} for name in PERSONAS},
        "programme_office": {AS_AT, ("post", PUBLISH)},
        "admin_member": {AS_AT, ("post", PUBLISH)},
    },
    f"{REVIEW}actions/6.3-a/": {
        name: {("post", OWN_ACTION)} for name in ["officer", "programme_office", "admin_member"]
    },
    f"{REVIEW}actions/7-e/": {
        name: {("post", OTHER_LEADS_ACTION)}
        for name in ["other_officer", "programme_office", "admin_member"]
    },
    "/account/password/": {name: {("post", "")} for name in PERSONAS},
}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize("url", PAGES)
def test_everyone_in_the_council_can_read_every_page(signed_in, persona, url):
    heading, words = what_each_page_shows(url, persona.username)

    response = signed_in(persona).get(url)

    text = shows(response, heading, *words)
    assert page_forms(response) == FORMS.get(url, {}).get(persona.username, set())
    if url == "/my-actions/":
        # Nobody's list names an action another leads.
        others = {f"{ref} (Corporate Peer Challenge 2017)" for ref in ("6.3-a", "7-e")}
        assert [named for named in others - set(words) if named in text] == []


@pytest.mark.parametrize("url", PAGES[2:7])
def test_another_councils_officer_gets_404_for_southampton_pages(
    signed_in, other_council_officer, url
):
    _, words = what_each_page_shows(url, other_council_officer.username)

    response = signed_in(other_council_officer).get(url)

    refused(response, 404, *words, "Corporate Peer Challenge 2017")


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
    ref = url.split("/")[-3]
    before = ProgressUpdate.objects.count()
    note = f"On track, says {persona.username}."

    response = signed_in(persona).post(url, {**UPDATE, "seen_version": "1", "note": note})

    assert ProgressUpdate.objects.count() - before == written
    if written:
        assert (response.status_code, response["Location"]) == (
            status,
            f"{REVIEW}actions/{ref}/#timeline",
        )
        update = ProgressUpdate.objects.get(note=note)
        assert (update.action.ref, update.recorded_by, update.status) == (
            ref,
            persona,
            "in-progress",
        )
    else:
        refused(response, status, note, action(ref).text)
        assert not ProgressUpdate.objects.filter(note=note).exists()


@pytest.mark.parametrize(
    "persona",
    ["officer", "cmt_viewer", "programme_office"],
    indirect=True,
)
def test_only_an_admin_may_correct_a_transcription(signed_in, persona):
    client = signed_in(persona)

    page = client.get(CORRECT)
    post = client.post(CORRECT, {"field": "text", "text": "Changed", "reason": "Typo"})

    refused(page, 403, "Correct the transcription")
    refused(post, 403, "Changed")
    assert recommendation("6.3").text == (
        "Continue to prioritise the Agresso upgrade and HR integration"
    )
    assert not recommendation("6.3").corrections.exists()


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
    before = ProgressUpdate.objects.count()

    response = signed_in(officer).get(OWN_ACTION)

    assert (response.status_code, response["Allow"], response.content) == (405, "POST", b"")
    assert ProgressUpdate.objects.count() == before


def test_a_user_without_membership_sees_nothing(client, southampton, django_user_model):
    user = django_user_model.objects.create_user("drifter", password="a-long-test-password")
    client.force_login(user)

    refused(client.get(REVIEW), 404, "Corporate Peer Challenge 2017")
    home = client.get("/")
    assert list(home.context["page"].object_list) == []
    text = shows(home, "Reviews")
    assert "Corporate Peer Challenge" not in text
