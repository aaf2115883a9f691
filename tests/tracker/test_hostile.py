"""Values no page expects get a clear answer, never a 500: recommendation numbers and action
refs that URLs must carry whatever they hold, dates the pages cannot show, impossible dates
in forms, page numbers past the last, and NUL bytes anywhere in a request."""

import datetime

import pytest
from django.urls import resolve, reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from actions.models import Action, ProgressUpdate
from recommendations.models import Recommendation
from recommendations.review_files.loading import ReviewFile, load_review_files
from tests.helpers import page_text, refused
from tests.recommendations.samples import VALID
from tracker.hostile import LabelConverter

from .test_error_pages import assert_govuk_error

# Numbers and refs the format allows (any text of 1 to 20 or 40 characters) that a plain
# path segment cannot carry, or that a browser would change before asking.
AWKWARD = ["6/3", "50%", "%2F", "..", ".", "a?b#c", "1 / a", "é/ü", "%", "/", "a%25b"]


# The format lets a number or ref be any text (docs/review-format.md): each one must go
# out through reverse() and come back through resolve() as it was.
@given(st.text(min_size=1, max_size=40))
def test_any_number_or_ref_round_trips_through_its_url(value):
    url = reverse(
        "actions:action-detail",
        kwargs={"organisation_slug": "testshire", "review_slug": "cpc-2015", "ref": value},
    )

    # The test client and every WSGI server hand the view the path unquoted once.
    from urllib.parse import unquote

    assert resolve(unquote(url)).kwargs["ref"] == value


@pytest.mark.parametrize("value", AWKWARD)
def test_awkward_numbers_round_trip_and_ordinary_ones_keep_their_address(value):
    from urllib.parse import unquote

    kwargs = {"organisation_slug": "testshire", "review_slug": "cpc-2015", "number": value}
    url = reverse("recommendations:recommendation-detail", kwargs=kwargs)

    assert resolve(unquote(url)).kwargs["number"] == value
    assert "/recommendations/6.3/" in reverse(
        "recommendations:recommendation-detail", kwargs={**kwargs, "number": "6.3"}
    )
    assert LabelConverter().to_url("6.3-a") == "6.3-a"


REVIEW_2015 = "/organisations/testshire/reviews/cpc-2015/"
RECOMMENDATION_LINK = f'href="{REVIEW_2015}recommendations/1%252Fx/"'
ACTION_LINK = f'href="{REVIEW_2015}actions/1%252Fa/"'


@pytest.fixture
def slashed_review(southampton, make_user, signed_in):
    """Testshire's review, with a recommendation numbered "1/x" and an action "1/a", and
    its programme office (who is Jo Bloggs, the lead of "1/a") signed in."""
    text = VALID.replace('number: "1"', 'number: "1/x"').replace('ref: "1-a"', 'ref: "1/a"')
    load_review_files([ReviewFile("testshire.yaml", text.encode())])
    # Jo Bloggs leads "1/a": the user's own list shows it too.
    office = make_user(
        "testshire_office", "Programme office", organisation="testshire", leads=["Jo Bloggs"]
    )
    return signed_in(office)


# What each page shows of the recommendation "1/x" and its action "1/a": links that carry
# the slash (escaped), or, where the page links to neither, their numbers in its text.
SLASHED_PAGES = {
    REVIEW_2015: [RECOMMENDATION_LINK],
    f"{REVIEW_2015}dashboard/": ["Summary 2 actions"],
    "/actions/": [ACTION_LINK],
    "/my-actions/": [ACTION_LINK],
    "/search/?q=medium": [RECOMMENDATION_LINK, ACTION_LINK],
    f"{REVIEW_2015}report/": ["Actions for 1/x", "1/a Write a medium term financial strategy"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", SLASHED_PAGES)
def test_pages_link_to_a_number_and_a_ref_that_hold_a_slash(slashed_review, url):
    page = slashed_review.get(url)

    assert page.status_code == 200
    shown = page.content.decode() + page_text(page)
    assert [words for words in SLASHED_PAGES[url] if words not in shown] == []


@pytest.mark.django_db
def test_a_number_and_a_ref_with_a_slash_open_their_own_pages(slashed_review):
    recommendation = Recommendation.objects.get(number="1/x")
    action = Action.objects.get(ref="1/a")

    recommendation_page = slashed_review.get(recommendation.get_absolute_url())
    action_page = slashed_review.get(action.get_absolute_url())

    assert recommendation.get_absolute_url() == (
        "/organisations/testshire/reviews/cpc-2015/recommendations/1%252Fx/"
    )
    assert recommendation_page.status_code == 200
    assert recommendation_page.context["recommendation"] == recommendation
    assert action_page.status_code == 200
    assert action_page.context["action"] == action


@pytest.mark.django_db
def test_a_recorded_update_on_a_slashed_ref_returns_to_its_page(slashed_review):
    action = Action.objects.get(ref="1/a")

    response = slashed_review.post(
        reverse(
            "actions:action-record-progress",
            kwargs={"organisation_slug": "testshire", "review_slug": "cpc-2015", "ref": "1/a"},
        ),
        {"seen_version": action.version, "status": "in-progress", "note": "Still going."},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(action.get_absolute_url())
    assert ProgressUpdate.objects.filter(action=action, note="Still going.").count() == 1


@pytest.fixture
def lga_admin(southampton, make_user, signed_in):
    return signed_in(make_user("lga_admin", "Admin", organisation=None))


AS_AT_PAGES = [
    "/dashboard/",
    "/actions/",
    "/organisations/southampton/reviews/cpc-2017/",
    "/organisations/southampton/reviews/cpc-2017/dashboard/",
    "/organisations/southampton/reviews/cpc-2017/report/",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("as_at", "message"),
    [
        ("0001-01-01", "The date must be on or after 1 January 1900"),
        ("1899-12-31", "The date must be on or after 1 January 1900"),
        ("9999-12-31", "The date must be today or in the past"),
        ("99999-01-01", "Enter a real date, for example 31 1 2018"),
        ("2018-02-30", "Enter a real date, for example 31 1 2018"),
    ],
)
def test_dates_the_pages_cannot_show_are_refused_and_today_is_shown(lga_admin, as_at, message):
    for page in AS_AT_PAGES:
        response = lga_admin.get(page, {"as_at": as_at})

        assert response.status_code == 200, page
        assert message in response.content.decode(), page
        assert response.context["day"] == timezone.localdate(), page


@pytest.mark.django_db
def test_a_date_given_as_day_month_year_of_year_1_is_refused(lga_admin):
    response = lga_admin.get(
        "/dashboard/", {"as_at_day": "1", "as_at_month": "1", "as_at_year": "1"}
    )

    assert response.status_code == 200
    assert "The date must be on or after 1 January 1900" in response.content.decode()


RECORD = "/organisations/southampton/reviews/cpc-2017/actions/6.3-a/record-progress/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("1" * 30, "3", "2019", "The new due date must be a real date"),
        ("31", "9" * 30, "2019", "The new due date must be a real date"),
        ("31", "3", "9" * 30, "Year must include 4 numbers"),
        ("31", "2", "2019", "The new due date must be a real date"),
        ("x", "3", "2019", "The new due date must be a real date"),
        ("31", "3", "0001", "The new due date must be between 1900 and 2999"),
        ("31", "12", "9999", "The new due date must be between 1900 and 2999"),
        ("1", "1", "3000", "The new due date must be between 1900 and 2999"),
        ("31", "", "2019", "The new due date must include a month"),
    ],
)
def test_impossible_revised_due_dates_are_form_errors(
    signed_in, officer, day, month, year, message
):
    action = Action.objects.get(review__slug="cpc-2017", ref="6.3-a")
    before = ProgressUpdate.objects.count()

    response = signed_in(officer).post(
        RECORD,
        {
            "seen_version": action.version,
            "status": "in-progress",
            "note": "Moving the date.",
            "revised_due_0": day,
            "revised_due_1": month,
            "revised_due_2": year,
            "due_change_reason": "Because.",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["revised_due"] == [message]
    assert ProgressUpdate.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("99999999999999999999", 2),
        ("9" * 5000, 2),
        ("3", 2),
        ("2", 2),
        ("1", 1),
        ("0", 1),
        ("-1", 1),
        ("last", 1),
        ("1.5", 1),
        ("\u0661", 1),  # an Arabic-Indic one: a digit to str.isdigit(), not to us
        ("", 1),
    ],
)
def test_page_numbers_past_the_last_give_the_last_page_and_others_the_first(
    lga_admin, asked, shown
):
    # Southampton's three reviews hold 56 + more actions: two pages of 50 at least.
    pages = lga_admin.get("/actions/").context["page"].paginator.num_pages
    assert pages == 2

    response = lga_admin.get("/actions/", {"page": asked})

    assert response.status_code == 200
    assert response.context["page"].number == shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/organisations/south%00ampton/timeline/",
        "/organisations/southampton/reviews/cpc-2017/actions/6.3%00-a/",
        "/actions/?q=%00",
        "/actions/?status=in%00progress",
        "/actions/?%00=1",
        "/dashboard/?as_at=2018-01-01%00",
        "/search/?q=a%00b",
    ],
)
def test_a_nul_byte_in_a_path_or_query_is_a_bad_request(lga_admin, url):
    response = lga_admin.get(url)

    assert_govuk_error(response, 400, "Sorry, there is a problem with your request")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_nul_byte_in_a_posted_form_is_a_bad_request_and_changes_nothing(signed_in, officer):
    action = Action.objects.get(review__slug="cpc-2017", ref="6.3-a")
    before = ProgressUpdate.objects.count()

    response = signed_in(officer).post(
        RECORD,
        {"seen_version": action.version, "status": "in-progress", "note": "Done\x00 now"},
    )

    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()
    assert ProgressUpdate.objects.count() == before


@pytest.mark.django_db
def test_a_nul_byte_before_sign_in_is_a_bad_request(client):
    response = client.post("/sign-in/", {"username": "a\x00b", "password": "x"})

    refused(response, 400)
    assert "_auth_user_id" not in client.session


def test_the_day_bound_is_far_enough_back_for_every_count_from_it():
    from tracker.as_at import EARLIEST

    # The dashboard counts back 90 days and more from the day: it must stay a date.
    assert EARLIEST - datetime.timedelta(days=3650) > datetime.date.min


@pytest.mark.django_db
def test_the_timeline_links_each_update_to_its_slashed_action(slashed_review):
    page = slashed_review.get("/organisations/testshire/timeline/")

    links = [event.url for event in page.context["page"] if event.kind == "Progress update"]
    assert links == ["/organisations/testshire/reviews/cpc-2015/actions/1%252Fa/"]
    assert slashed_review.get(links[0]).context["action"].ref == "1/a"
