"""Derived data stays derived: a review's milestones are what its file gives. The LGA's
expected milestones are shown beside them, labelled, where the file gives none of that kind;
they are never stored or exported. Every list of milestones is in date order, and one with a
date done is never overdue."""

import datetime
from html.parser import HTMLParser

import pytest

from actions.reports import timeline_of_organisation
from recommendations.milestones import (
    EXPECTED_MILESTONES,
    FOLLOW_UP_VISIT,
    PROGRESS_REVIEW,
    PUBLICATION,
    kind_of,
    milestone_schedule,
)
from recommendations.models import Milestone, Review
from recommendations.review_files.exporting import export_review
from recommendations.review_files.loading import ReviewFile, load_review_files
from recommendations.review_files.reading import parse_review_file
from tests.conftest import SOUTHAMPTON_FILES

from .samples import VALID

# The sample review (a corporate peer challenge whose last day on site was 5 March 2015)
# gives one milestone; the tests swap it for others, or for none.
SAMPLE_MILESTONES = """\
  milestones:
    - title: Follow-up visit
      due: 2017-03-05
"""
REVIEW_PAGE = "/organisations/testshire/reviews/cpc-2015/"
DASHBOARD = "/organisations/testshire/reviews/cpc-2015/dashboard/"
EXPECTED = "Expected (LGA process)"
OWN = "From the review"


def sample_with(milestones: str) -> str:
    assert SAMPLE_MILESTONES in VALID
    return VALID.replace(SAMPLE_MILESTONES, milestones)


def load_sample(milestones: str) -> Review:
    load_review_files([ReviewFile("testshire.yaml", sample_with(milestones).encode())])
    return Review.objects.get(organisation__slug="testshire", slug="cpc-2015")


def without_empty(value):
    """The value with empty values (None, "", [], {}) left out of every mapping in it."""
    if isinstance(value, dict):
        kept = {key: without_empty(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [without_empty(item) for item in value]
    return value


class MilestoneRows(HTMLParser):
    """The rows of the milestones table, each as the text of its cells."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.current: list[str] = []
        self.in_table = self.in_caption = False
        self.caption = ""
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.in_table, self.caption, self.current = True, "", []
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr" and self.in_table:
            self.current = []
        elif tag in ("th", "td") and self.in_table:
            self.cell = []

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
        elif tag in ("th", "td") and self.cell is not None:
            self.current.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.in_table and self.caption.startswith("Milestones"):
            self.rows.append(self.current)
        elif tag == "table":
            self.in_table = False


def milestone_rows(response) -> list[tuple[str, ...]]:
    parser = MilestoneRows()
    parser.feed(response.content.decode())
    header, *rows = parser.rows
    assert header == ["Milestone", "Source", "Due", "Position"]
    return [tuple(row) for row in rows]


@pytest.fixture
def testshire_viewer(make_user):
    def make():
        return make_user("testshire_viewer", "Viewer", organisation="testshire")

    return make


# The matching rule -----------------------------------------------------------------------


def test_each_expected_milestone_is_of_its_own_kind():
    assert [kind_of(expected.title) for expected in EXPECTED_MILESTONES] == [
        expected.kind for expected in EXPECTED_MILESTONES
    ]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Follow-up visit (LGA)", FOLLOW_UP_VISIT),
        ("LGA follow up", FOLLOW_UP_VISIT),
        ("Progress review visit", PROGRESS_REVIEW),
        ("Progress-review", PROGRESS_REVIEW),
        # A progress review's own report is the progress review, not the publication.
        ("Progress review report published", PROGRESS_REVIEW),
        ("Action plan published", PUBLICATION),
        ("Publication of the peer challenge report", PUBLICATION),
        # Not the LGA's steps: a council's own milestones.
        ("Intelligence Hub go-live", None),
        ("Report to Cabinet", None),
        ("Unpublished report", None),
        ("Scrutiny panel review", None),
    ],
)
def test_a_title_is_of_the_kind_its_words_name(title, kind):
    assert kind_of(title) == kind


# Loading and exporting -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_file_without_milestones_stores_none_and_exports_none():
    review = load_sample("")

    assert not Milestone.objects.exists()
    exported = parse_review_file(export_review(review).encode()).data
    assert "milestones" not in exported["review"]
    # The LGA's expected ones are still worked out for the pages.
    schedule = milestone_schedule(review, on=datetime.date(2015, 7, 1))
    assert [(row.title, row.is_expected) for row in schedule.rows] == [
        (expected.title, True) for expected in EXPECTED_MILESTONES
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("path", SOUTHAMPTON_FILES, ids=lambda path: path.stem)
def test_a_southampton_file_exports_as_it_was_given_and_no_milestone_more(southampton, path):
    given = parse_review_file(path.read_bytes()).data
    review = Review.objects.get(organisation__slug="southampton", slug=given["review"]["slug"])

    exported = parse_review_file(export_review(review).encode()).data

    # What the file leaves empty (null, or left out) an export leaves out; everything else,
    # the whole document, comes back as the file gave it.
    assert exported["review"].get("milestones", []) == without_empty(
        given["review"].get("milestones", [])
    )
    assert exported == without_empty(given)


@pytest.mark.django_db
def test_reloading_a_file_adds_no_milestone():
    load_sample(SAMPLE_MILESTONES)
    review = load_sample(SAMPLE_MILESTONES)

    assert [(m.title, m.due) for m in review.milestones.all()] == [
        ("Follow-up visit", datetime.date(2017, 3, 5))
    ]


# Pages -----------------------------------------------------------------------------------

OWN_AND_UNDATED = """\
  milestones:
    - title: Scrutiny panel review
    - title: Follow-up visit
      due: 2017-03-05
"""


@pytest.mark.django_db
def test_review_page_shows_the_expected_milestones_beside_the_reviews_own_in_date_order(
    signed_in, testshire_viewer
):
    load_sample(OWN_AND_UNDATED)

    response = signed_in(testshire_viewer()).get(REVIEW_PAGE, {"as_at": "2015-07-01"})

    assert milestone_rows(response) == [
        ("Report and action plan published", EXPECTED, "5 June 2015", "Not recorded"),
        ("Report and action plan published at the latest", EXPECTED, "5 August 2015", "Due"),
        ("Progress review", EXPECTED, "5 January 2016", "Due"),
        # The file's own follow-up visit: the expected one of that kind is not shown too.
        ("Follow-up visit", OWN, "5 March 2017", "Due"),
        # Undated last, though the file gives it first.
        ("Scrutiny panel review", OWN, "Not set", "No date"),
    ]
    assert "are not in the review's documents" in response.content.decode()


@pytest.mark.django_db
def test_dashboard_shows_the_expected_milestones_labelled_in_date_order(
    signed_in, testshire_viewer
):
    load_sample(OWN_AND_UNDATED)

    response = signed_in(testshire_viewer()).get(DASHBOARD, {"as_at": "2017-04-01"})

    assert milestone_rows(response) == [
        # An expected date gone by is "not recorded": nobody said whether it happened.
        ("Report and action plan published", EXPECTED, "5 June 2015", "Not recorded"),
        (
            "Report and action plan published at the latest",
            EXPECTED,
            "5 August 2015",
            "Not recorded",
        ),
        ("Progress review", EXPECTED, "5 January 2016", "Not recorded"),
        ("Follow-up visit", OWN, "5 March 2017", "Overdue"),
        ("Scrutiny panel review", OWN, "Not set", "No date"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("milestones", "shown"),
    [
        (
            """\
  milestones:
    - title: Progress review visit
      due: 2016-02-10
    - title: Follow-up visit (LGA)
      due: 2017-06-01
""",
            [
                ("Report and action plan published", EXPECTED, "5 June 2015"),
                ("Report and action plan published at the latest", EXPECTED, "5 August 2015"),
                ("Progress review visit", OWN, "10 February 2016"),
                ("Follow-up visit (LGA)", OWN, "1 June 2017"),
            ],
        ),
        (
            """\
  milestones:
    - title: Report published
      due: 2015-05-01
""",
            [
                ("Report published", OWN, "1 May 2015"),
                ("Progress review", EXPECTED, "5 January 2016"),
                ("Follow-up visit", EXPECTED, "5 March 2017"),
            ],
        ),
    ],
    ids=["progress-review-and-follow-up-visit", "publication"],
)
def test_a_milestone_the_file_gives_under_another_title_replaces_the_expected_one(
    signed_in, testshire_viewer, milestones, shown
):
    load_sample(milestones)

    response = signed_in(testshire_viewer()).get(REVIEW_PAGE)

    assert [row[:3] for row in milestone_rows(response)] == shown


DONE_LATE = """\
  milestones:
    - title: Budget agreed
      due: 2016-01-01
    - title: Follow-up visit
      due: 2017-03-05
      done_on: 2017-05-10
"""


@pytest.mark.django_db
@pytest.mark.parametrize("page", [REVIEW_PAGE, DASHBOARD])
# Before the due date, between the due date and the date done, and after both.
@pytest.mark.parametrize("as_at", ["2016-06-01", "2017-04-01", "2018-01-01"])
def test_a_done_milestone_past_its_due_date_shows_done_not_overdue(
    signed_in, testshire_viewer, page, as_at
):
    load_sample(DONE_LATE)

    response = signed_in(testshire_viewer()).get(page, {"as_at": as_at})

    positions = {row[0]: row[3] for row in milestone_rows(response)}
    assert positions["Follow-up visit"] == "Done 10 May 2017"
    # The same page does say "Overdue" of a milestone not done by its date.
    assert positions["Budget agreed"] == "Overdue"


@pytest.mark.django_db
def test_the_timeline_lists_the_reviews_own_milestones_not_the_expected_ones():
    review = load_sample(DONE_LATE)

    events = timeline_of_organisation(review.organisation)

    assert [(event.on, event.text) for event in events if event.kind == "Milestone"] == [
        (datetime.date(2016, 1, 1), "Budget agreed (due), Corporate Peer Challenge 2015"),
        (datetime.date(2017, 5, 10), "Follow-up visit (done), Corporate Peer Challenge 2015"),
    ]


@pytest.mark.django_db
def test_the_admin_lists_a_reviews_milestones_in_date_order(admin_client):
    # In the file: undated, then the later, then the earlier.
    load_sample(OWN_AND_UNDATED + "    - title: Budget agreed\n      due: 2016-01-01\n")

    response = admin_client.get("/django-admin/recommendations/milestone/")

    titles = [milestone.title for milestone in response.context["cl"].result_list]
    assert titles == ["Budget agreed", "Follow-up visit", "Scrutiny panel review"]
