"""Page-shaped reads for actions, each in a fixed number of queries."""

import datetime
import itertools
from collections.abc import Iterable, Iterator

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from tracker.as_at import as_at_from

from .filters import SORTS, ActionFilter
from .models import DUE_SOON_DAYS, Action, ActionLead, ProgressUpdate, due_soon_at, overdue_at

OVERDUE, DUE_SOON, LATER = 0, 1, 2
GROUP_NAMES = {
    OVERDUE: "Overdue",
    DUE_SOON: f"Due in the next {DUE_SOON_DAYS} days",
    LATER: "Other actions",
}


def with_people(actions: QuerySet[Action]) -> QuerySet[Action]:
    """With what an action's page, and the access question on it, read: its council,
    recommendation, owner and leads."""
    return actions.select_related(
        "review__organisation", "recommendation", "owner"
    ).prefetch_related(Prefetch("action_leads", queryset=ActionLead.objects.select_related("lead")))


def action_for(user, organisation_slug: str, review_slug: str, ref: str) -> Action:
    """One action the user may see (404 otherwise), with its leads and owner."""
    return get_object_or_404(
        with_people(Action.objects.visible_to(user)),
        review__organisation__slug=organisation_slug,
        review__slug=review_slug,
        ref=ref,
    )


def timeline_of(action: Action) -> QuerySet[ProgressUpdate]:
    """The action's updates, newest first, with who recorded them and their evidence."""
    return action.updates.newest_first().select_related("recorded_by").prefetch_related("evidence")


def with_latest_update(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Annotate the id of each action's latest update (see attach_latest_updates)."""
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).newest_first().values("pk")[:1]
    return actions.annotate(latest_update_id=Subquery(latest))


def attach_latest_updates(actions: Iterable[Action]) -> None:
    """Set `latest_update` on each action of a page, in one query for the whole page."""
    actions = list(actions)
    ids = [action.latest_update_id for action in actions if action.latest_update_id]
    updates = ProgressUpdate.objects.select_related("recorded_by").in_bulk(ids)
    for action in actions:
        action.latest_update = updates.get(action.latest_update_id)


def my_actions(user, *, today: datetime.date) -> QuerySet[Action]:
    """The actions the user leads or owns: overdue first, then due soon, then the rest."""
    group = Case(
        When(overdue_at(today), then=Value(OVERDUE)),
        When(due_soon_at(today), then=Value(DUE_SOON)),
        default=Value(LATER),
        output_field=IntegerField(),
    )
    actions = Action.objects.visible_to(user).led_by(user).as_at(today).annotate(group=group)
    return with_latest_update(with_people(actions)).order_by(
        "group", "due", "review__started_on", "position"
    )


def filtered_actions(request) -> tuple[ActionFilter, datetime.date, str | None, str]:
    """The action list for a request: (filter set, as-at day, a problem with the requested
    day if any, sort key). Annotated with the position as at the day."""
    day, problem = as_at_from(request)
    sort = request.GET.get("sort", "ref")
    key = sort.removeprefix("-")
    order = SORTS.get(key, SORTS["ref"])
    if sort.startswith("-"):
        order = tuple(f"-{field}" for field in order)
    actions = with_people(Action.objects.visible_to(request.user).as_at(day)).order_by(*order)
    return ActionFilter(request.GET, actions, user=request.user, day=day), day, problem, sort


EXPORT_CHUNK = 2000
EXPORT_FIELDS = (
    "pk",
    "review__organisation__name",
    "review__title",
    "review__slug",
    "recommendation__number",
    "ref",
    "text",
    "owner__name",
    "timescale",
    "due_at",
    "status_at",
    "rag_at",
    "last_update_at",
    "support",
)


def for_export(actions: QuerySet[Action]) -> Iterator[dict]:
    """The actions as plain rows (dicts with EXPORT_FIELDS and "leads"), streamed in chunks,
    each chunk's leads in one query. Rows rather than model instances: an export of every
    council's actions builds seven objects a row otherwise, and spends most of its time
    doing it."""
    rows = actions.prefetch_related(None).values(*EXPORT_FIELDS).iterator(EXPORT_CHUNK)
    for chunk in itertools.batched(rows, EXPORT_CHUNK):
        leads: dict[int, list[str]] = {}
        for action_id, name in (
            ActionLead.objects.filter(action_id__in=[row["pk"] for row in chunk])
            .order_by("action_id", "position")
            .values_list("action_id", "lead__name")
        ):
            leads.setdefault(action_id, []).append(name)
        for row in chunk:
            yield {**row, "leads": "; ".join(leads.get(row["pk"], ()))}
