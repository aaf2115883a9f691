"""Hostile input across the whole app (ASVS 1, 8): script and markup typed by a user are
shown escaped on every page and in every export; forms refuse requests without their CSRF
token; extra POSTed fields (author, dates, publishing) are ignored."""

import io

import pytest
from django.test import Client
from django.urls import get_resolver

from actions.models import Action, ProgressUpdate
from recommendations.models import Review
from tests.helpers import refused

from .test_url_access import concrete, walk

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","click")'
ACTION = "/organisations/southampton/reviews/cpc-2017/actions/6.3-a/"


@pytest.fixture
def hostile_update(signed_in, programme_office):
    client = signed_in(programme_office)
    action = Action.objects.get(review__slug="cpc-2017", ref="6.3-a")
    response = client.post(
        f"{ACTION}record-progress/",
        {
            "seen_version": action.version,
            "status": "in-progress",
            "rag": "amber",
            "note": f"{FORMULA} {SCRIPT}",
            "evidence_title_1": SCRIPT,
            "evidence_url_1": "https://example.org/report",
        },
    )
    assert response.status_code == 302
    Review.objects.filter(slug="cpc-2017").update(is_published=True)
    return client


PAGES = [
    ACTION,
    "/organisations/southampton/reviews/cpc-2017/report/",
    "/organisations/southampton/timeline/",
    "/actions/?q=alert",
    "/my-actions/",
]


@pytest.mark.parametrize("url", PAGES)
def test_typed_script_is_shown_escaped_on_every_page_that_shows_it(hostile_update, url):
    page = hostile_update.get(url).content.decode()

    assert "<script>alert" not in page
    assert "<img src=x" not in page
    if url == ACTION:
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_typed_script_is_plain_text_in_the_csv_and_the_workbook(hostile_update):
    from openpyxl import load_workbook

    text = f"{FORMULA} {SCRIPT}"
    Action.objects.filter(review__slug="cpc-2017", ref="6.3-a").update(text=text)
    csv = b"".join(hostile_update.get("/actions/export.csv").streaming_content).decode()
    workbook = load_workbook(io.BytesIO(hostile_update.get("/actions/export.xlsx").content))
    texts = [row[4] for row in workbook.active.iter_rows(min_row=2) if row[3].value == "6.3-a"]

    # The CSV file carries it behind an apostrophe; the workbook as the text it is, in a
    # string cell that Excel shows and never runs.
    assert f"'{FORMULA} {SCRIPT}".replace('"', '""') in csv
    assert [(cell.value, cell.data_type) for cell in texts] == [(text, "s")]
    assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)


def test_the_public_page_shows_no_internal_notes_or_evidence(hostile_update):
    page = Client().get("/public/southampton/cpc-2017/").content.decode()

    assert "HYPERLINK" not in page
    assert "alert(" not in page
    assert "example.org/report" not in page


def test_the_pdf_carries_the_text_as_text_not_markup(hostile_update):
    response = hostile_update.get("/organisations/southampton/reviews/cpc-2017/report.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert b"<script" not in response.content


STATE_CHANGING = [
    (route, pattern)
    for route, pattern in walk(get_resolver().url_patterns)
    if not route.startswith("django-admin/")
]


@pytest.mark.parametrize(("route", "pattern"), STATE_CHANGING, ids=[r for r, _ in STATE_CHANGING])
def test_no_post_is_accepted_without_its_csrf_token(admin_member, route, pattern):
    from tests.conftest import verified_client

    client = verified_client(admin_member, Client(enforce_csrf_checks=True))
    before = ProgressUpdate.objects.count()

    response = client.post(concrete(route), {"note": "forged", "publish": "yes"})

    # Refused by the CSRF check itself, with its own page: not by chance by a role check.
    refused(response, 403, "forged", heading="Sorry, your form could not be sent")
    assert ProgressUpdate.objects.count() == before
    assert not Review.objects.filter(is_published=True).exists()


def test_extra_posted_fields_are_ignored(signed_in, officer, other_officer):
    action = Action.objects.get(review__slug="cpc-2017", ref="6.3-a")

    signed_in(officer).post(
        f"{ACTION}record-progress/",
        {
            "seen_version": action.version,
            "status": "in-progress",
            "rag": "green",
            "note": "Honest update",
            # Not fields of the form: who and when are the server's to say.
            "recorded_by": other_officer.pk,
            "author": "The Chief Executive",
            "recorded_at": "2001-01-01T00:00:00Z",
            "on": "2001-01-01",
            "action_version": 999,
            "source": "Forged minutes",
        },
    )

    update = ProgressUpdate.objects.get(note="Honest update")
    assert update.recorded_by == officer
    assert update.author != "The Chief Executive"
    assert update.source == ""
    assert update.on.year > 2001
    assert update.recorded_at.year > 2001
    assert update.action_version == action.version + 1
