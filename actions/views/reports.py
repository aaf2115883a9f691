"""The gap between reviews, the organisation timeline, the scrutiny report and the public
action plan."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header

from recommendations import selectors as review_selectors
from recommendations.models import Organisation, Review
from tracker.as_at import as_at_from
from tracker.pagination import paginate

from .. import dashboard, reports
from ..pdf import html_to_pdf


def gap(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user), slug=organisation_slug
    )
    earlier, later = reports.pair_of_reviews(
        organisation, request.GET.get("earlier"), request.GET.get("later")
    )
    day, problem = as_at_from(request)
    context = {
        "organisation": organisation,
        "reviews": organisation.reviews.order_by("started_on"),
        "day": day,
        "as_at_problem": problem,
        "gap": reports.gap_between(earlier, later, day) if earlier and later else None,
    }
    return render(request, "actions/gap.html", context)


def organisation_timeline(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user), slug=organisation_slug
    )
    page = paginate(request, reports.timeline_of_organisation(organisation), per_page=100)
    return render(
        request, "actions/organisation_timeline.html", {"organisation": organisation, "page": page}
    )


def _report_context(request: HttpRequest, organisation_slug: str, review_slug: str) -> dict:
    review = review_selectors.review_for(
        request.user, organisation_slug, review_slug, with_parts=()
    )
    day, problem = as_at_from(request, earliest=review.started_on)
    actions = reports.actions_for_report(review, day)
    return {
        "review": review,
        "day": day,
        "as_at_problem": problem,
        "figures": dashboard.review_figures(review, day),
        "by_theme": dashboard.figures_by_theme(review, day),
        "sections": reports.recommendations_with_actions(review, actions),
    }


def scrutiny_report(request: HttpRequest, organisation_slug: str, review_slug: str) -> HttpResponse:
    context = _report_context(request, organisation_slug, review_slug)
    return render(request, "actions/scrutiny_report.html", context)


def scrutiny_report_pdf(
    request: HttpRequest, organisation_slug: str, review_slug: str
) -> HttpResponse:
    context = _report_context(request, organisation_slug, review_slug)
    html = render_to_string("actions/scrutiny_report_document.html", context, request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"{review_slug}-progress-report-{context['day']:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@login_not_required
def public_action_plan(
    request: HttpRequest, organisation_slug: str, review_slug: str
) -> HttpResponse:
    """Deliberately public: a published review's recommendations, the council's responses
    and each action's position and due date. Never notes, evidence or anything internal."""
    review = get_object_or_404(
        Review.objects.published().select_related("organisation"),
        organisation__slug=organisation_slug,
        slug=review_slug,
    )
    day = timezone.localdate()
    actions = reports.actions_for_report(review, day, with_updates=False)
    return render(
        request,
        "actions/public_action_plan.html",
        {
            "review": review,
            "day": day,
            "sections": reports.recommendations_with_actions(review, actions),
        },
    )
