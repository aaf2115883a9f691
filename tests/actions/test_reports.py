import datetime

import pytest

from actions import reports
from recommendations.models import Organisation, RecommendationLink, Review
from tests.helpers import refused

REVIEW = "/organisations/southampton/reviews/cpc-2017/"


def test_gap_between_2013_and_2017(southampton):
    southampton_council = Organisation.objects.get(slug="southampton")
    earlier, later = reports.pair_of_reviews(southampton_council, None, None)

    gap = reports.gap_between(earlier, later, datetime.date(2017, 9, 11))

    assert (earlier.slug, later.slug) == ("cpc-2013", "cpc-2017")
    followed = {item.recommendation.number: item for item in gap.followed_up}
    assert sorted(followed, key=int) == ["2", "4", "5", "7"]
    assert not any(item.recurs for item in gap.followed_up)
    assert (followed["2"].complete, followed["2"].total) == (1, 8)
    assert [item.recommendation.number for item in gap.not_mentioned] == [
        "1",
        "3",
        "6",
        "8",
        "9",
        "10",
    ]
    assert [r.number for r in gap.new_in_later] == ["4", "5"]
    assert gap.common_themes == []


def test_gap_page_flags_what_recurs(signed_in, cmt_viewer):
    # The 2017 report finds progress on every 2013 area it assesses, so the fixtures have no
    # link that recurs: the digital one is made to recur here.
    RecommendationLink.objects.filter(later__review__slug="cpc-2017", later__number="6").update(
        relation="recurs"
    )

    content = signed_in(cmt_viewer).get("/organisations/southampton/gap/").content.decode()

    assert "Recurs" in content
    assert "Slow progress on digital and ICT transformation is impacting" in content


def test_organisation_timeline_is_in_date_order(signed_in, cmt_viewer):
    events = (
        signed_in(cmt_viewer)
        .get("/organisations/southampton/timeline/")
        .context["page"]
        .object_list
    )

    dates = [event.on for event in events]
    assert dates == sorted(dates)
    kinds = {event.kind for event in events}
    assert {"Review", "Milestone", "Progress update"} <= kinds


def test_scrutiny_report_as_at_january_2018(signed_in, cmt_viewer):
    response = signed_in(cmt_viewer).get(f"{REVIEW}report/", {"as_at": "2018-01-31"})

    content = response.content.decode()
    assert "progress as at 31 January 2018" in content
    assert "In December 2017, Cabinet approved the upgrade of Agresso" in content
    assert "40 actions" in content


def test_scrutiny_report_before_the_updates_shows_none_of_them(signed_in, cmt_viewer):
    content = (
        signed_in(cmt_viewer).get(f"{REVIEW}report/", {"as_at": "2017-12-31"}).content.decode()
    )

    assert "In December 2017, Cabinet approved" not in content


def test_scrutiny_report_downloads_as_pdf(signed_in, cmt_viewer):
    response = signed_in(cmt_viewer).get(f"{REVIEW}report.pdf", {"as_at": "2018-01-31"})

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "cpc-2017-progress-report-2018-01-31.pdf" in response["Content-Disposition"]


def test_public_plan_is_hidden_until_published(client, southampton):
    response = client.get("/public/southampton/cpc-2017/")

    refused(
        response,
        404,
        "Corporate Peer Challenge 2017",
        "Continue to prioritise the Agresso upgrade and HR integration",
    )


@pytest.mark.parametrize("persona", ["cmt_viewer", "officer"])
def test_only_the_programme_office_may_publish(southampton, signed_in, request, persona):
    # The database is asked for before the test starts, not by the persona halfway through:
    # the one session a PostgreSQL run has left open was opened in this test (see the
    # session check in tests/conftest.py).
    user = request.getfixturevalue(persona)

    response = signed_in(user).post(f"{REVIEW}publish/", {"publish": "yes"})

    refused(response, 403)
    assert not Review.objects.get(slug="cpc-2017").is_published


def test_published_plan_shows_positions_and_never_notes_or_evidence(
    client, signed_in, programme_office
):
    assert (
        signed_in(programme_office).post(f"{REVIEW}publish/", {"publish": "yes"}).status_code == 302
    )
    client.logout()

    response = client.get("/public/southampton/cpc-2017/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Continue to prioritise the Agresso upgrade and HR integration" in content
    assert "Next refresh of the Council Strategy will take this into account." in content
    assert "In December 2017, Cabinet approved" not in content  # an update's note
    assert "30 April 2018" in content  # 3-b's due date
    assert "Record progress" not in content
    review = Review.objects.get(slug="cpc-2017")
    assert (review.is_published, review.published_by) == (True, programme_office)
