"""Page-shaped reads: each returns what one page needs, in a fixed number of queries.

Actions belong to the actions app, which builds on this one; they are reached here through
their reverse relation names ("actions", "actions__action_leads__lead"), never imported.
"""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Recommendation,
    RecommendationLink,
    Review,
    TranscriptionCorrection,
)
from .progress import progress_of


def reviews_for(user) -> QuerySet[Review]:
    """The reviews a user may see, newest first within each organisation, with counts."""
    return (
        Review.objects.visible_to(user)
        .select_related("organisation")
        .with_counts()
        .order_by("organisation__name", "-started_on", "slug")
    )


REVIEW_PAGE_PARTS = ("peer_team", "themes", "milestones", "risks", "next_reviews")


def review_for(
    user, organisation_slug: str, review_slug: str, *, with_parts=REVIEW_PAGE_PARTS
) -> Review:
    """One review the user may see (404 otherwise), with the parts of it the page shows
    (by default, all that the review's own page does: its framework and process)."""
    return get_object_or_404(
        Review.objects.visible_to(user)
        .select_related("organisation", "previous__organisation")
        .prefetch_related(*with_parts),
        organisation__slug=organisation_slug,
        slug=review_slug,
    )


def recommendations_of(review: Review) -> QuerySet[Recommendation]:
    """The review's numbered recommendations, each with its parts and response."""
    return (
        review.recommendations.top_level()
        .select_related("response")
        .prefetch_related(
            "themes", Prefetch("parts", queryset=Recommendation.objects.order_by("position"))
        )
        .order_by("position")
    )


def attach_progress(recommendations, review: Review, day) -> None:
    """Set `progress` (complete and total actions as at `day`) on recommendations and their
    parts, in one query for the whole review."""
    progress = progress_of(review, day)
    for recommendation in recommendations:
        recommendation.progress = progress.get(recommendation.pk)
        for part in recommendation.parts.all():
            part.progress = progress.get(part.pk)


def recommendation_for(
    user, organisation_slug: str, review_slug: str, number: str
) -> Recommendation:
    """One recommendation the user may see (404 otherwise), with everything its page shows."""
    return get_object_or_404(
        Recommendation.objects.visible_to(user)
        .select_related("review__organisation", "parent", "response")
        .prefetch_related(
            "themes",
            Prefetch(
                "parts",
                queryset=Recommendation.objects.select_related("response").order_by("position"),
            ),
            Prefetch(
                "follows",
                queryset=RecommendationLink.objects.select_related("earlier__review__organisation"),
            ),
            Prefetch(
                "followed_by",
                queryset=RecommendationLink.objects.select_related(
                    "later__review__organisation"
                ).order_by("later__review__started_on", "later__position"),
            ),
            Prefetch(
                "corrections",
                queryset=TranscriptionCorrection.objects.select_related("corrected_by"),
            ),
            # By lookup name: the actions app builds on this one (so its models are not
            # imported here); owners come with the actions, leads in one more query.
            Prefetch("actions", queryset=_actions_with_owner()),
            "actions__action_leads__lead",
        ),
        review__organisation__slug=organisation_slug,
        review__slug=review_slug,
        number=number,
    )


def _actions_with_owner():
    from django.apps import apps

    return apps.get_model("actions", "Action").objects.select_related("owner")
