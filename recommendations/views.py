from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tracker.access import Verb, can
from tracker.as_at import as_at_from
from tracker.models import SHOWN_ON_PAGES, AuditEntry
from tracker.pagination import paginate

from . import selectors, services
from .forms import CorrectionForm
from .milestones import milestone_schedule


def home(request: HttpRequest) -> HttpResponse:
    """The reviews of the user's organisation (every organisation for LGA-wide users)."""
    page = paginate(request, selectors.reviews_for(request.user), per_page=20)
    return render(request, "recommendations/review_list.html", {"page": page})


def review_detail(request: HttpRequest, organisation_slug: str, review_slug: str) -> HttpResponse:
    review = selectors.review_for(request.user, organisation_slug, review_slug)
    day, problem = as_at_from(request, earliest=review.started_on)
    page = paginate(request, selectors.recommendations_of(review), per_page=25)
    selectors.attach_progress(page.object_list, review, day)
    return render(
        request,
        "recommendations/review_detail.html",
        {
            "review": review,
            "page": page,
            "day": day,
            "as_at_problem": problem,
            "milestones": milestone_schedule(review, on=day),
            "audit_entries": AuditEntry.objects.visible_to(request.user)
            .about(review)
            .newest_first()[:SHOWN_ON_PAGES],
        },
    )


def recommendation_detail(
    request: HttpRequest, organisation_slug: str, review_slug: str, number: str
) -> HttpResponse:
    recommendation = selectors.recommendation_for(
        request.user, organisation_slug, review_slug, number
    )
    selectors.attach_progress([recommendation], recommendation.review, timezone.localdate())
    return render(
        request,
        "recommendations/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "audit_entries": (
                AuditEntry.objects.visible_to(request.user)
                .about(recommendation)
                .newest_first()[:SHOWN_ON_PAGES]
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def recommendation_correct(
    request: HttpRequest, organisation_slug: str, review_slug: str, number: str
) -> HttpResponse:
    recommendation = selectors.recommendation_for(
        request.user, organisation_slug, review_slug, number
    )
    if not can(request.user, Verb.CORRECT_TRANSCRIPTION, recommendation):
        raise PermissionDenied
    form = CorrectionForm(
        request.POST or None, initial={"field": "text", "text": recommendation.text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_transcription(
                recommendation=recommendation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, f"Recommendation {recommendation.number} corrected")
            return redirect(recommendation)
    return render(
        request,
        "recommendations/recommendation_correct.html",
        {"recommendation": recommendation, "form": form},
    )


@require_POST
def review_publish(request: HttpRequest, organisation_slug: str, review_slug: str) -> HttpResponse:
    review = selectors.review_for(request.user, organisation_slug, review_slug, with_parts=())
    if not can(request.user, Verb.MANAGE_PLAN, review):
        raise PermissionDenied
    publish = request.POST.get("publish") == "yes"
    services.publish_review(review=review, by=request.user, published=publish)
    messages.success(
        request,
        "The action plan is published on its public page"
        if publish
        else "The action plan is no longer public",
    )
    return redirect(review)
