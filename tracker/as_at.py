"""The "as at" date that dashboards, lists and reports take: today unless asked otherwise."""

import datetime

from django.http import HttpRequest
from django.utils import timezone

# No page can look further back than this: the figures count back from the day (actions
# "stale" after so many days), and a day near the start of the calendar would overflow.
# It is long before any peer challenge, so no real review is cut off by it.
EARLIEST = datetime.date(1900, 1, 1)


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
