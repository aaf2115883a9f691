"""Every change to actions and their progress. Views, commands and the review file loader
all come through here, so each rule lives in one place."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tracker.access import Verb, can
from tracker.audit import acting_as, suspended

from .models import Action, EvidenceLink, ProgressUpdate
from .selectors import with_people


@dataclass(frozen=True)
class Evidence:
    title: str
    url: str


class StaleVersion(Exception):
    """Someone recorded an update after the form was opened; nothing was saved."""

    def __init__(self, action: Action, newer_updates: list[ProgressUpdate]):
        self.action = action
        self.newer_updates = newer_updates
        super().__init__(f"Action {action.ref} changed since version was read")


def position_from_history(action: Action) -> tuple[str, str, datetime.date | None]:
    """The action's current status, RAG (its latest update's, else the plan's) and the date
    of its latest update."""
    history = action.updates.order_by("-on", "-recorded_at", "-pk")
    status = history.exclude(status="").values_list("status", flat=True).first()
    rag = history.exclude(rag="").values_list("rag", flat=True).first()
    last_on = history.values_list("on", flat=True).first()
    return status or action.status, rag or action.rag, last_on


def refresh_current_position(action: Action) -> None:
    """Store the position computed from history on the action (call inside the transaction
    that changed the history or the plan's position)."""
    position = position_from_history(action)
    if position != (action.current_status, action.current_rag, action.last_update_on):
        action.current_status, action.current_rag, action.last_update_on = position
        action.save(update_fields=["current_status", "current_rag", "last_update_on"])


def append_update(
    action: Action,
    *,
    on: datetime.date,
    status: str = "",
    rag: str = "",
    note: str = "",
    author: str = "",
    source: str = "",
    recorded_by=None,
    revised_due: datetime.date | None = None,
    due_change_reason: str = "",
    evidence: Sequence[Evidence] = (),
) -> ProgressUpdate:
    """Append one progress update to a locked, current `action`.

    Side effects, in order: bumps the action's version; creates the update with the old and
    new values; creates its evidence links; moves the action's due date if revised; stores
    the new current position. The caller holds the transaction.
    """
    Action.objects.filter(pk=action.pk).update(version=F("version") + 1)
    action.version += 1
    update = ProgressUpdate.objects.create(
        action=action,
        on=on,
        status=status,
        rag=rag,
        note=note,
        author=author,
        source=source,
        recorded_by=recorded_by,
        status_before=action.current_status,
        rag_before=action.current_rag,
        due_before=action.due if revised_due else None,
        due_after=revised_due,
        due_change_reason=due_change_reason,
        action_version=action.version,
    )
    EvidenceLink.objects.bulk_create(
        EvidenceLink(update=update, position=position, title=item.title, url=item.url)
        for position, item in enumerate(evidence)
    )
    if revised_due and revised_due != action.due:
        # The update itself records the old and new date and why: the audit log
        # (tracker.audit) is for changes that are not progress updates, so not logged twice.
        action.due = revised_due
        with suspended():
            Action.objects.filter(pk=action.pk).update(due=revised_due)
    refresh_current_position(action)
    return update


def record_progress(
    *,
    action: Action,
    by,
    status: str,
    rag: str,
    note: str,
    seen_version: int,
    revised_due: datetime.date | None = None,
    due_change_reason: str = "",
    evidence: Sequence[Evidence] = (),
) -> ProgressUpdate:
    """Record an officer's update from the browser, dated today (UK time).

    Raises PermissionDenied, writing nothing, when `by` may not record progress on the
    action (tracker.access: officers on what they lead or own, the programme office on any
    action of the council); StaleVersion, writing nothing, when the action has changed
    since the officer's form showed `seen_version`. Otherwise appends exactly one update
    (see append_update).
    """
    if not can(by, Verb.RECORD_PROGRESS, _with_people(action)):
        raise PermissionDenied("You may not record progress on this action.")
    with transaction.atomic(), acting_as(by):
        # Lock the row so two submissions are taken one at a time; the version check then
        # sees the other's update.
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.version != seen_version:
            newer = list(
                locked.updates.filter(action_version__gt=seen_version)
                .select_related("recorded_by")
                .order_by("-action_version")
            )
            raise StaleVersion(locked, newer)
        return append_update(
            locked,
            on=timezone.localdate(),
            status=status,
            rag=rag,
            note=note,
            recorded_by=by,
            revised_due=revised_due,
            due_change_reason=due_change_reason,
            evidence=evidence,
        )


def _with_people(action: Action) -> Action:
    """The action with what the access question reads (its organisation, leads and owner),
    fetched afresh unless the caller's selector already loaded them."""
    if hasattr(action, "_prefetched_objects_cache") and "action_leads" in (
        action._prefetched_objects_cache
    ):
        return action
    return with_people(Action.objects.filter(pk=action.pk)).get()
