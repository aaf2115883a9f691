import datetime

import pytest

from actions.models import Action
from recommendations.imports.timescales import suggest_due


@pytest.mark.parametrize(
    ("timescale", "due"),
    [
        ("By April 2014", datetime.date(2014, 4, 30)),
        ("October 2013 and ongoing", datetime.date(2013, 10, 31)),
        ("Q1 2016/17", datetime.date(2016, 6, 30)),
        ("Q4 2016/17", datetime.date(2017, 3, 31)),
        ("Oct/Nov", datetime.date(2013, 11, 30)),
        ("Completed in September", datetime.date(2013, 9, 30)),
        ("Ongoing", None),
        ("TBC", None),
        ("TBA", None),
        ("Has started", None),
        ("2014", None),
        ("", None),
    ],
)
def test_timescales_suggest_the_end_of_the_period_they_name(timescale, due):
    assert suggest_due(timescale, review_year=2013).due == due


def test_no_date_gives_a_reason_to_flag():
    assert suggest_due("Ongoing", review_year=2013).reason == "the timescale names no month or date"


def test_every_timescale_in_the_fixtures_suggests_the_fixtures_due_date(southampton):
    actions = Action.objects.select_related("review")

    mismatches = [
        (action.ref, action.timescale, action.due)
        for action in actions
        if suggest_due(action.timescale, review_year=action.review.started_on.year).due
        != action.due
    ]

    assert actions.count() == 66
    assert mismatches == []
