"""The "as at" date that dashboards, lists and reports take: today unless asked otherwise."""

import datetime

from django.http import HttpRequest
from django.utils import timezone

# The dates the tracker works with, in files, forms and pages. The figures count back from
# a day (actions "stale" after so many days) and milestones forward (months after a
# review), and either overflows near the ends of the calendar; no peer challenge or plan
# lies outside these years.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)


def as_at_from(request: HttpRequest, *, earliest: datetime.date | None = None):
    """(day, problem): the date asked for (?as_at=YYYY-MM-DD, or the day, month and year
    fields of the form), or today; with a message when the request's date cannot be used,
    in which case the day is today."""
    today = timezone.localdate()
    text = request.GET.get("as_at", "").strip()
    parts = [request.GET.get(f"as_at_{part}", "").strip() for part in ("day", "month", "year")]
    if not text and any(parts):
        if not all(parts):
            return today, "Enter the day, month and year of the date"
        text = "{2:0>4}-{1:0>2}-{0:0>2}".format(*parts)
    if not text:
        return today, None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return today, "Enter a real date, for example 31 1 2018"
    if day < EARLIEST:
        return today, f"The date must be on or after {EARLIEST:%-d %B %Y}"
    if earliest and day < earliest:
        return today, f"The date must be on or after {earliest:%-d %B %Y}, when the review started"
    if day > today:
        return today, "The date must be today or in the past"
    return day, None
