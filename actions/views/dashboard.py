"""The CMT dashboard: where each action plan stands, as at any date."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recommendations import selectors as review_selectors
from recommendations.milestones import milestone_schedule
from tracker.as_at import as_at_from
from tracker.pagination import paginate

from .. import dashboard


def overview(request: HttpRequest) -> HttpResponse:
    """Every review the user may see (all organisations for LGA-wide users), with figures."""
    day, problem = as_at_from(request)
    page = paginate(request, review_selectors.reviews_for(request.user), per_page=20)
    figures = dashboard.figures_by_review(list(page.object_list), day)
    rows = [(review, figures[review.pk]) for review in page.object_list]
    return render(
        request,
        "actions/dashboard_overview.html",
        {"page": page, "rows": rows, "day": day, "as_at_problem": problem},
    )


def review_dashboard(
    request: HttpRequest, organisation_slug: str, review_slug: str
) -> HttpResponse:
    review = review_selectors.review_for(
        request.user, organisation_slug, review_slug, with_parts=("milestones",)
    )
    day, problem = as_at_from(request, earliest=review.started_on)
    figures = dashboard.review_figures(review, day)
    return render(
        request,
        "actions/dashboard_review.html",
        {
            "review": review,
            "day": day,
            "as_at_problem": problem,
            "figures": figures,
            "milestones": milestone_schedule(review, on=day),
            "by_theme": dashboard.figures_by_theme(review, day),
            "by_lead": dashboard.figures_by_lead(review, day),
            "without_actions": dashboard.recommendations_without_actions(review),
            "all_complete": dashboard.recommendations_all_complete(review, day),
            "months": dashboard.completion_by_month(review, day, total=figures.total),
        },
    )
