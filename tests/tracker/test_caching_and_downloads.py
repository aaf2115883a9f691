"""What a signed-in user sees is never cached (Cache-Control: no-store); what anyone may see
keeps its own caching. Every download name goes through Django's content_disposition_header,
so no name (an uploaded file's, a review's) can break or add a header."""

import re

import pytest
from django.conf import settings

from recommendations.models import Review, ReviewImport
from tests.conftest import SOUTHAMPTON_FILES
from tests.recommendations.test_imports import upload
from tests.tracker.test_deployment import PUBLIC_PAGES, SIGNED_IN_PAGES

pytestmark = pytest.mark.django_db

REVIEW = "/organisations/southampton/reviews/cpc-2017/"
EXPORTS = [
    "/actions/export.csv",
    "/actions/export.xlsx",
    f"{REVIEW}report.pdf",
    f"{REVIEW}review-file.yaml",
]


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def test_every_signed_in_page_and_export_says_no_store(signed_in, officer):
    client = signed_in(officer)
    # The URLs are right: this one is the review file itself.
    assert client.get(f"{REVIEW}review-file.yaml").content.startswith(b"format: review-tracker/1")

    for url in [*SIGNED_IN_PAGES, *EXPORTS]:
        response = client.get(url)
        assert "no-store" in directives(response), url
        assert "public" not in directives(response), url


def test_a_plain_signed_in_page_says_exactly_no_store(signed_in, officer):
    response = signed_in(officer).get("/actions/export.csv")

    assert response["Cache-Control"] == "no-store"


def test_signing_out_answers_no_store(signed_in, officer):
    response = signed_in(officer).post("/sign-out/")

    assert response.status_code == 302
    assert "no-store" in directives(response)


def test_public_pages_and_static_files_keep_their_own_caching(client, southampton):
    Review.objects.filter(slug="cpc-2017").update(is_published=True)

    seen = {url: client.get(url).get("Cache-Control") for url in PUBLIC_PAGES}

    assert seen == {
        # Django's sign-in view and the health check forbid caching themselves.
        "/sign-in/": "max-age=0, no-cache, no-store, must-revalidate, private",
        "/healthz/": "max-age=0, no-cache, no-store, must-revalidate, private",
        "/password-reset/": None,
        "/public/southampton/cpc-2017/": None,
        "/accessibility/": None,
        # WhiteNoise's headers (long-lived and immutable for hashed names in production).
        "/static/css/application.css": "max-age=60, public",
        "/static/js/application.js": "max-age=60, public",
    }


def test_a_download_name_with_a_quote_accent_and_newline_cannot_break_the_header(
    signed_in, admin_member
):
    client = signed_in(admin_member)
    upload(client, "cpc-2017.yaml", SOUTHAMPTON_FILES[1].read_bytes())
    review_import = ReviewImport.objects.get()
    ReviewImport.objects.filter(pk=review_import.pk).update(
        file_name='plan "final"\névaluation.yaml'
    )

    response = client.get(f"/imports/{review_import.pk}/file/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''plan%20%22final%22%0A%C3%A9valuation.yaml"
    )


def test_a_plain_download_name_is_sent_as_a_quoted_filename(signed_in, officer):
    response = signed_in(officer).get(f"{REVIEW}review-file.yaml")

    assert response["Content-Disposition"] == 'attachment; filename="southampton-cpc-2017.yaml"'


def test_every_content_disposition_in_the_code_goes_through_djangos_helper():
    assignments = []
    for app in ("tracker", "recommendations", "actions"):
        for path in (settings.BASE_DIR / app).rglob("*.py"):
            text = path.read_text()
            assignments += [
                (path.name, match.group(1).strip())
                for match in re.finditer(r'\["Content-Disposition"\] = ([^\n]*)', text)
            ]

    assert len(assignments) == 5
    for name, value in assignments:
        assert value.startswith("content_disposition_header("), (name, value)
