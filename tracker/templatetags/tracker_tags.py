import datetime
from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


# Chart colours by status (GOV.UK palette). SVG fill attributes, not CSS: they survive the
# strict CSP and WeasyPrint's SVG renderer alike.
STATUS_COLOURS = {
    "complete": "#00703c",
    "in-progress": "#5694ca",
    "ongoing": "#1d70b8",
    "not-started": "#b1b4b6",
    "deferred": "#ffdd00",
    "dropped": "#505a5f",
    "none": "#dedede",
}


@register.filter
def status_colour(key: str) -> str:
    return STATUS_COLOURS.get(key, STATUS_COLOURS["none"])


@register.filter
def is_overdue(action, today: datetime.date) -> bool:
    """{% if action|is_overdue:today %}: past its due date and not finished."""
    return action.is_overdue(today)


@register.filter
def is_overdue_at(action, day: datetime.date) -> bool:
    """For actions annotated by as_at(day): past their due date then, and not finished."""
    return action.is_overdue_as_at(day)


@register.simple_tag
def actions_url(day: datetime.date | None = None, **filters) -> str:
    """The action list filtered as given: {% actions_url day review=review.pk overdue=1 %}.
    Every dashboard figure links to the list that makes it up."""
    query = {key: value for key, value in filters.items() if value not in (None, "")}
    if day is not None:
        query["as_at"] = day.isoformat()
    return f"{reverse('actions:action-list')}?{urlencode(query)}"
