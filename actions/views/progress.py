from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tracker.access import Verb, can
from tracker.models import SHOWN_ON_PAGES, AuditEntry
from tracker.pagination import paginate

from .. import selectors, services
from ..forms import RecordProgressForm
from ..models import Action, ActionStatus, Rag


def action_detail(
    request: HttpRequest, organisation_slug: str, review_slug: str, ref: str
) -> HttpResponse:
    action = selectors.action_for(request.user, organisation_slug, review_slug, ref)
    form = None
    if can(request.user, Verb.RECORD_PROGRESS, action):
        form = RecordProgressForm(
            initial={
                "seen_version": action.version,
                "status": action.current_status,
                "rag": action.current_rag,
            },
            review_started_on=action.review.started_on,
        )
    return _render_action(request, action, form)


@require_POST
def action_record_progress(
    request: HttpRequest, organisation_slug: str, review_slug: str, ref: str
) -> HttpResponse:
    action = selectors.action_for(request.user, organisation_slug, review_slug, ref)
    if not can(request.user, Verb.RECORD_PROGRESS, action):
        raise PermissionDenied
    form = RecordProgressForm(request.POST, review_started_on=action.review.started_on)
    if not form.is_valid():
        return _render_action(request, action, form)
    data = form.cleaned_data
    try:
        update = services.record_progress(
            action=action,
            by=request.user,
            status=data["status"],
            rag=data["rag"],
            note=data["note"],
            seen_version=data["seen_version"],
            revised_due=data["revised_due"],
            due_change_reason=data["due_change_reason"].strip(),
            evidence=form.evidence(),
        )
    except services.StaleVersion as stale:
        # Keep everything the officer typed; only the version moves on, so they can resubmit.
        resubmit = request.POST.copy()
        resubmit["seen_version"] = stale.action.version
        form = RecordProgressForm(resubmit, review_started_on=action.review.started_on)
        form.is_valid()
        return _render_action(
            request, stale.action, form, newer_updates=stale.newer_updates, status=409
        )
    messages.success(request, _recorded_message(update))
    return redirect(f"{action.get_absolute_url()}#timeline")


def _recorded_message(update) -> str:
    message = f"Update recorded: {ActionStatus(update.status).label}"
    if update.rag:
        message += f", RAG {Rag(update.rag).label.lower()}"
    if update.due_after:
        message += f", due {update.due_after:%-d %B %Y}"
    return message


def _render_action(
    request: HttpRequest,
    action: Action,
    form: RecordProgressForm | None,
    *,
    newer_updates=(),
    status: int = 200,
) -> HttpResponse:
    if not hasattr(action, "_prefetched_objects_cache"):
        action = selectors.action_for(
            request.user, action.review.organisation.slug, action.review.slug, action.ref
        )
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "timeline": selectors.timeline_of(action),
            "form": form,
            "newer_updates": newer_updates,
            "today": timezone.localdate(),
            "audit_entries": AuditEntry.objects.visible_to(request.user)
            .about(action)
            .newest_first()[:SHOWN_ON_PAGES],
        },
        status=status,
    )


def my_actions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = paginate(request, selectors.my_actions(request.user, today=today), per_page=25)
    selectors.attach_latest_updates(page.object_list)
    return render(
        request,
        "actions/my_actions.html",
        {"page": page, "group_names": selectors.GROUP_NAMES, "today": today},
    )
