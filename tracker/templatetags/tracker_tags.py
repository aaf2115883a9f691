import datetime
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from tracker import access

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, verb: str, obj=None) -> bool:
    """How templates ask the access layer: `{% can "manage_plan" review as can_publish %}`
    (may the signed-in user do it to `obj`; without `obj`, to anything at all)."""
    user = context["request"].user
    if obj is None:
        return access.can_at_all(user, verb)
    return access.can(user, verb, obj)


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
