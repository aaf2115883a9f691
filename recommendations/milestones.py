"""A review's milestones as pages show them: the ones its documents give, and beside them
the ones the LGA's process expects.

A review file holds what the documents say (docs/review-format.md). The LGA's expected
milestones are the tracker's arithmetic, not anything a document said, so they are worked
out here each time a page is drawn and never stored or exported: a file loaded and exported
again gives back what was loaded, nothing more. They are shown only where the review gives
no milestone of that kind, under whatever title.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db import models

from .models import Review, ReviewKind

# The kinds of milestone the LGA's process names, each with the words that make a title that
# kind: every group must be matched by one of its words, at the start of a word of the title
# read in lower case with hyphens as spaces ("Follow-up visit (LGA)" names "follow up").
# A title is of the first kind it names, and of one kind at most: a progress review's own
# report ("Progress review report published") is the progress review, not the publication
# of the peer challenge's report and action plan.
FOLLOW_UP_VISIT = "follow-up visit"
PROGRESS_REVIEW = "progress review"
PUBLICATION = "report and action plan published"
KIND_WORDS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    (FOLLOW_UP_VISIT, (("follow up", "followup"),)),
    (PROGRESS_REVIEW, (("progress review",),)),
    (PUBLICATION, (("publish", "publication"), ("report", "action plan"))),
)


def kind_of(title: str) -> str | None:
    """The kind of LGA milestone a title names, or None (a council's own milestone)."""
    words = " ".join(re.sub(r"[-_]", " ", title.lower()).split())
    for kind, groups in KIND_WORDS:
        if all(any(re.search(rf"\b{re.escape(w)}", words) for w in group) for group in groups):
            return kind
    return None


@dataclass(frozen=True)
class ExpectedMilestone:
    """A step the LGA expects after a peer challenge, `months` after its last day on site."""

    title: str
    months: int
    kind: str


# The LGA's expectations after a peer challenge: the report and an action plan published
# within three months (five at the latest), a progress review about ten months on, and a
# follow-up visit within two years.
EXPECTED_MILESTONES = (
    ExpectedMilestone("Report and action plan published", 3, PUBLICATION),
    ExpectedMilestone("Report and action plan published at the latest", 5, PUBLICATION),
    ExpectedMilestone("Progress review", 10, PROGRESS_REVIEW),
    ExpectedMilestone("Follow-up visit", 24, FOLLOW_UP_VISIT),
)
# The kinds of review the LGA's process follows up.
FOLLOWED_UP_KINDS = frozenset({ReviewKind.CORPORATE_PEER_CHALLENGE, ReviewKind.FINANCE_PEER_REVIEW})


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_dates(review: Review) -> list[tuple[ExpectedMilestone, datetime.date]]:
    """Every milestone the LGA's process expects of the review, with its date; none for a
    kind of review the process does not follow up."""
    if review.kind not in FOLLOWED_UP_KINDS:
        return []
    last_day = review.ended_on or review.started_on
    return [(expected, add_months(last_day, expected.months)) for expected in EXPECTED_MILESTONES]


class MilestoneState(models.TextChoices):
    DONE = "done", "Done"
    OVERDUE = "overdue", "Overdue"
    DUE = "due", "Due"
    NO_DATE = "no-date", "No date"
    # An expected date gone by: the tracker has no record either way, so it does not say
    # "overdue" about a step that may well have happened.
    NOT_RECORDED = "not-recorded", "Not recorded"


@dataclass(frozen=True)
class ScheduledMilestone:
    title: str
    due: datetime.date | None
    done_on: datetime.date | None
    is_expected: bool
    state: MilestoneState

    @property
    def source(self) -> str:
        return "Expected (LGA process)" if self.is_expected else "From the review"


def state_of(
    *, due: datetime.date | None, done_on: datetime.date | None, expected: bool, on: datetime.date
) -> MilestoneState:
    """Where a milestone stands on a day. One with a date done is done, whatever its due
    date and whatever day is asked about: it is never shown overdue."""
    if done_on:
        return MilestoneState.DONE
    if due is None:
        return MilestoneState.NO_DATE
    if due >= on:
        return MilestoneState.DUE
    return MilestoneState.NOT_RECORDED if expected else MilestoneState.OVERDUE


@dataclass(frozen=True)
class MilestoneSchedule:
    rows: list[ScheduledMilestone]

    @property
    def any_expected(self) -> bool:
        return any(row.is_expected for row in self.rows)


def milestone_schedule(review: Review, *, on: datetime.date) -> MilestoneSchedule:
    """The review's own milestones and the LGA's expected ones of the kinds it does not
    give, in date order (by due date, else the date done; undated last). Reads the
    review's milestones once (prefetched by the page's selector: no query of its own)."""
    given = list(review.milestones.all())
    rows = [_row(m.title, m.due, m.done_on, expected=False, on=on) for m in given]
    given_kinds = {kind_of(m.title) for m in given}
    rows += [
        _row(expected.title, due, None, expected=True, on=on)
        for expected, due in expected_dates(review)
        if expected.kind not in given_kinds
    ]
    return MilestoneSchedule(sorted(rows, key=_in_date_order))


def _row(
    title: str,
    due: datetime.date | None,
    done_on: datetime.date | None,
    *,
    expected: bool,
    on: datetime.date,
) -> ScheduledMilestone:
    state = state_of(due=due, done_on=done_on, expected=expected, on=on)
    return ScheduledMilestone(
        title=title, due=due, done_on=done_on, is_expected=expected, state=state
    )


def _in_date_order(row: ScheduledMilestone) -> tuple:
    # sorted() is stable: on the same date the review's own stay in their order, first.
    when = row.due or row.done_on
    return (when is None, when or datetime.date.min, row.is_expected)
