"""export -> load into an empty database -> export gives the same bytes."""

import pytest

from recommendations.models import Review
from recommendations.review_files.exporting import export_review
from recommendations.review_files.loading import ReviewFile, load_review_files
from recommendations.review_files.reading import parse_review_file
from tests.helpers import manage

from .samples import LATER, VALID


def assert_round_trip(reviews: list[Review], folder, database_url: str) -> None:
    exported = {}
    for review in reviews:
        path = folder / f"{review.organisation.slug}-{review.slug}.yaml"
        path.write_text(export_review(review), encoding="utf-8")
        exported[(review.organisation.slug, review.slug)] = path

    manage(database_url, "migrate", "--noinput", "--verbosity", "0")
    manage(database_url, "load_review", *[str(path) for path in exported.values()])
    for (organisation, slug), path in exported.items():
        again = manage(database_url, "export_review", organisation, slug)
        assert again == path.read_text(encoding="utf-8"), f"{organisation}/{slug} differs"


@pytest.mark.django_db(transaction=True)
def test_southampton_exports_load_into_an_empty_database_and_export_identically(
    southampton, tmp_path, empty_database_url
):
    reviews = list(Review.objects.select_related("organisation").order_by("started_on"))
    assert [review.slug for review in reviews] == ["cpc-2013", "kpmg-2014", "cpc-2017"]

    assert_round_trip(reviews, tmp_path, empty_database_url)


@pytest.mark.django_db(transaction=True)
def test_another_councils_file_loads_and_exports_faithfully(tmp_path, empty_database_url):
    load_review_files([ReviewFile("a.yaml", VALID.encode()), ReviewFile("b.yaml", LATER.encode())])
    reviews = list(Review.objects.select_related("organisation").order_by("started_on"))

    exported = export_review(reviews[0])

    # Everything the file said comes back, in the documented order.
    for line in (
        "format: review-tracker/1",
        "  slug: testshire",
        "  name: Testshire County Council",
        "  published_on: 2015-05-01",
        "    A good council with a clear vision.",
        "      role: Chief Executive, Elsewhere Council",
        "      question: Does the council have a financial plan?",
        "      likelihood: high",
        "    role: Director of Finance",
        "      stance: accepted",
        "        owner: Jo Bloggs",
        "        timescale: By March 2016",
        "        due: 2016-03-31",
        "        support: LGA finance adviser",
        "            source: Cabinet report",
        "      - number: '2.1'",
    ):
        assert line + "\n" in exported, line
    assert_round_trip(reviews, tmp_path, empty_database_url)


@pytest.mark.django_db(transaction=True)
def test_exports_hold_only_the_milestones_the_files_gave_through_a_round_trip(
    tmp_path, empty_database_url
):
    """The LGA's expected milestones are shown, not stored: a peer challenge whose file gives
    none (LATER) exports none, and one that gives one exports that one, nothing more."""
    load_review_files([ReviewFile("a.yaml", VALID.encode()), ReviewFile("b.yaml", LATER.encode())])
    reviews = list(Review.objects.select_related("organisation").order_by("started_on"))

    milestones = {
        review.slug: parse_review_file(export_review(review).encode())
        .data["review"]
        .get("milestones")
        for review in reviews
    }

    assert milestones == {
        "cpc-2015": [{"title": "Follow-up visit", "due": "2017-03-05"}],
        "cpc-2019": None,
    }
    assert_round_trip(reviews, tmp_path, empty_database_url)


@pytest.mark.django_db(transaction=True)
def test_backup_of_every_review_restores_into_an_empty_database_byte_for_byte(
    southampton, officer, tmp_path, empty_database_url
):
    """The engine-independent backup: export_review --all, load the folder into an empty
    database, export again: identical files, progress recorded in the app included."""

    from django.core.management import call_command

    from actions.models import Action
    from actions.services import Evidence, record_progress

    action = Action.objects.get(review__slug="cpc-2017", ref="6.3-a")
    record_progress(
        action=action,
        by=officer,
        seen_version=action.version,
        status="in-progress",
        rag="amber",
        note="Restructure agreed at Cabinet; recruitment under way.",
        evidence=[Evidence("Cabinet minutes", "https://example.org/cabinet")],
    )
    first, second = tmp_path / "first", tmp_path / "second"

    call_command("export_review", all=first)
    manage(empty_database_url, "migrate", "--noinput", "--verbosity", "0")
    manage(empty_database_url, "load_review", str(first))
    manage(empty_database_url, "export_review", "--all", str(second))

    names = sorted(path.name for path in first.iterdir())
    assert names == [
        "0001-southampton-cpc-2013.yaml",
        "0002-southampton-kpmg-2014.yaml",
        "0003-southampton-cpc-2017.yaml",
    ]
    assert sorted(path.name for path in second.iterdir()) == names
    for name in names:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name
    assert "Restructure agreed at Cabinet" in (first / names[2]).read_text()
