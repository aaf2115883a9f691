"""Reading a plan's timescale ("By April 2014", "Q1 2016/17", "Oct/Nov") as a due date.

The date is only ever a suggestion: the timescale is kept verbatim, and a due date the file
gives always wins.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTH = (
    "("
    + "|".join(
        [
            r"jan(?:uary)?",
            r"feb(?:ruary)?",
            r"mar(?:ch)?",
            r"apr(?:il)?",
            r"may",
            r"june?",
            r"july?",
            r"aug(?:ust)?",
            r"sept?(?:ember)?",
            r"oct(?:ober)?",
            r"nov(?:ember)?",
            r"dec(?:ember)?",
        ]
    )
    + ")"
)

QUARTER = re.compile(r"\bq([1-4])\s*(\d{4})\s*/\s*(\d{2,4})\b", re.IGNORECASE)
MONTH_YEAR = re.compile(rf"\b{MONTH}\.?\s+(\d{{4}})\b", re.IGNORECASE)
MONTH_RANGE = re.compile(rf"\b{MONTH}\s*/\s*{MONTH}\b", re.IGNORECASE)
MONTH_ALONE = re.compile(rf"\b{MONTH}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Suggestion:
    due: datetime.date | None
    reason: str


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def suggest_due(timescale: str, *, review_year: int) -> Suggestion:
    """The last day of the period a timescale names, or None (with why) when it names none.

    A month with no year is taken to be in the year of the review.
    """
    text = " ".join((timescale or "").split())
    if not text:
        return Suggestion(None, "no timescale")
    if quarter := QUARTER.search(text):
        # Financial years: Q1 is April to June of the first year named.
        number, year = int(quarter.group(1)), int(quarter.group(2))
        month, year = (
            (6, year)
            if number == 1
            else (9, year)
            if number == 2
            else (12, year)
            if number == 3
            else (3, year + 1)
        )
        return Suggestion(
            _month_end(year, month), f"end of Q{number} {quarter.group(2)}/{quarter.group(3)}"
        )
    if found := MONTH_YEAR.search(text):
        return Suggestion(
            _month_end(int(found.group(2)), _month(found.group(1))), "the month the timescale names"
        )
    if found := MONTH_RANGE.search(text):
        return Suggestion(
            _month_end(review_year, _month(found.group(2))),
            "the later month named, in the year of the review",
        )
    if found := MONTH_ALONE.search(text):
        return Suggestion(
            _month_end(review_year, _month(found.group(1))),
            "the month named, in the year of the review",
        )
    return Suggestion(None, "the timescale names no month or date")
