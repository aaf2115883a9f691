"""The figures CMT reads: counts of actions by status, RAG, lateness and ownership, for a
review and broken down by theme and by lead, as at any date. Every count is computed in
the database with the same conditions the action list filters by."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth

from recommendations.models import Recommendation, Review
from recommendations.progress import Progress

from .models import (
    Action,
    ActionStatus,
    ProgressUpdate,
    Rag,
    due_soon_at,
    not_smart,
    overdue_at,
    stale_at,
)

NOT_RECORDED = ""
STATUSES = [*ActionStatus.values, NOT_RECORDED]
RAGS = [*Rag.values, NOT_RECORDED]
STATUS_LABELS = {**dict(ActionStatus.choices), NOT_RECORDED: "Not recorded"}
RAG_LABELS = {**dict(Rag.choices), NOT_RECORDED: "No rating"}
# The filter value that selects actions with no status or RAG recorded.
NONE_VALUE = "none"


def count_actions(condition: Q | None = None) -> Count:
    # distinct: a breakdown by theme or lead joins rows that must not be counted twice.
    return Count("pk", filter=condition, distinct=True)


def counts(day: datetime.date) -> dict[str, Count]:
    """The aggregate expressions behind Figures, for querysets annotated by as_at(day)."""
    expressions = {"total": count_actions()}
    for status in STATUSES:
        expressions[f"status_{status or NONE_VALUE}"] = count_actions(Q(status_at=status))
    for rag in RAGS:
        expressions[f"rag_{rag or NONE_VALUE}"] = count_actions(Q(rag_at=rag))
    expressions.update(
        overdue=count_actions(overdue_at(day)),
        due_soon=count_actions(due_soon_at(day)),
        stale=count_actions(stale_at(day)),
        not_smart=count_actions(not_smart()),
    )
    return expressions


@dataclass(frozen=True)
class Share:
    key: str  # the filter value: a status, a RAG, or "none"
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class Figures:
    total: int
    statuses: list[Share]
    rags: list[Share]
    overdue: int
    due_soon: int
    stale: int
    not_smart: int

    @property
    def status_segments(self) -> list[tuple[Share, float]]:
        """The statuses with a count, each with where its part of a stacked bar starts (%)."""
        segments, offset = [], 0.0
        for share in self.statuses:
            if share.count:
                segments.append((share, offset))
                offset += share.percent
        return segments

    @property
    def complete(self) -> int:
        return next(share.count for share in self.statuses if share.key == ActionStatus.COMPLETE)

    @property
    def percent_complete(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 0

    @classmethod
    def from_row(cls, row: dict) -> "Figures":
        total = row["total"] or 0

        def shares(values, labels, prefix):
            return [
                Share(
                    value or NONE_VALUE,
                    labels[value],
                    row[f"{prefix}_{value or NONE_VALUE}"],
                    100 * row[f"{prefix}_{value or NONE_VALUE}"] / total if total else 0,
                )
                for value in values
            ]

        return cls(
            total=total,
            statuses=shares(STATUSES, STATUS_LABELS, "status"),
            rags=shares(RAGS, RAG_LABELS, "rag"),
            overdue=row["overdue"],
            due_soon=row["due_soon"],
            stale=row["stale"],
            not_smart=row["not_smart"],
        )


def review_figures(review: Review, day: datetime.date) -> Figures:
    return Figures.from_row(
        Action.objects.filter(review=review).as_at(day).aggregate(**counts(day))
    )


def figures_by_review(reviews: list[Review], day: datetime.date) -> dict[int, Figures]:
    """Figures for several reviews in one query, keyed by review id."""
    rows = (
        Action.objects.filter(review__in=reviews)
        .as_at(day)
        .values("review")
        .annotate(**counts(day))
        .order_by()
    )
    empty = Figures.from_row({key: 0 for key in [*counts(day), "total"]})
    found = {row["review"]: Figures.from_row(row) for row in rows}
    return {review.pk: found.get(review.pk, empty) for review in reviews}


@dataclass(frozen=True)
class Breakdown:
    key: int | None  # the theme's or lead's id; None for "no theme" or "no lead named"
    label: str
    figures: Figures


def figures_by_theme(review: Review, day: datetime.date) -> list[Breakdown]:
    rows = (
        Action.objects.filter(review=review)
        .as_at(day)
        .values(
            key=F("recommendation__themes__pk"),
            label=F("recommendation__themes__title"),
            theme_position=F("recommendation__themes__position"),
        )
        .annotate(**counts(day))
        .order_by("theme_position")
    )
    return [
        Breakdown(row["key"], row["label"] or "No theme", Figures.from_row(row)) for row in rows
    ]


def figures_by_lead(review: Review, day: datetime.date) -> list[Breakdown]:
    """One row per lead named on the review's actions (an action with two leads counts for
    both), the most overdue first."""
    rows = (
        Action.objects.filter(review=review)
        .as_at(day)
        .values(key=F("action_leads__lead__pk"), label=F("action_leads__lead__name"))
        .annotate(**counts(day))
        .order_by("-overdue", "label")
    )
    return [
        Breakdown(row["key"], row["label"] or "No lead named", Figures.from_row(row))
        for row in rows
    ]


def recommendations_without_actions(review: Review) -> QuerySet[Recommendation]:
    """Numbered recommendations with no action, neither on them nor on their parts."""
    return (
        review.recommendations.top_level()
        .annotate(
            own=Count("actions", distinct=True), in_parts=Count("parts__actions", distinct=True)
        )
        .filter(own=0, in_parts=0)
        .order_by("position")
    )


def recommendations_all_complete(review: Review, day: datetime.date) -> QuerySet[Recommendation]:
    """Recommendations (or parts) all of whose actions were complete as at `day`."""
    done = (
        Action.objects.filter(review=review)
        .as_at(day)
        .values("recommendation")
        .annotate(total=count_actions(), complete=count_actions(Q(status_at=ActionStatus.COMPLETE)))
        .filter(total=F("complete"))
        .values("recommendation")
    )
    return review.recommendations.filter(pk__in=done).order_by("position")


@dataclass(frozen=True)
class MonthPoint:
    month: datetime.date
    complete: int  # actions complete by the end of this month
    percent: float

    @property
    def gap(self) -> float:
        """The share not complete: where a column of height `percent` starts from the top."""
        return 100 - self.percent


def completion_by_month(
    review: Review, day: datetime.date, *, total: int | None = None
) -> list[MonthPoint]:
    """How many actions were complete at the end of each month, from the history.

    An action counts from the first update that marked it complete (or from the start, if
    the plan already said so); the months are then added up, not the actions. Pass the
    review's `total` of actions when it is already known (the dashboard's figures).
    """
    first_complete = (
        ProgressUpdate.objects.filter(
            action=OuterRef("pk"), status=ActionStatus.COMPLETE, on__lte=day
        )
        .order_by("on")
        .values("on")[:1]
    )
    actions = Action.objects.filter(review=review)
    if total is None:
        total = actions.count()
    per_month = (
        actions.annotate(completed_on=Subquery(first_complete, output_field=DateField()))
        .annotate(
            month=TruncMonth(F("completed_on")),
            planned_complete=Q(status=ActionStatus.COMPLETE),
        )
        .values("month", "planned_complete")
        .annotate(n=Count("pk"))
        .order_by()
    )
    start = review.started_on.replace(day=1)
    additions: dict[datetime.date, int] = {}
    for row in per_month:
        month = row["month"]
        if month is None and row["planned_complete"]:
            month = start
        if month is not None:
            month = month.date() if isinstance(month, datetime.datetime) else month
            additions[max(month, start)] = additions.get(max(month, start), 0) + row["n"]
    points, running, month = [], 0, start
    while month <= day:
        running += additions.get(month, 0)
        points.append(MonthPoint(month, running, 100 * running / total if total else 0))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return points


def progress_by_recommendation(review: Review, day: datetime.date) -> dict[int, Progress]:
    """Actions complete and in all, per recommendation, as at `day` (one query)."""
    rows = (
        Action.objects.filter(review=review)
        .as_at(day)
        .values("recommendation")
        .annotate(total=count_actions(), complete=count_actions(Q(status_at=ActionStatus.COMPLETE)))
        .order_by()
    )
    return {row["recommendation"]: Progress(row["complete"], row["total"]) for row in rows}
