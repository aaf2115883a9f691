"""Reads for the reports: the gap between two reviews, an organisation's timeline, the
scrutiny progress report and the public action plan."""

import datetime
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse

from recommendations.models import (
    Milestone,
    Organisation,
    Recommendation,
    RecommendationLink,
    Review,
)

from .dashboard import count_actions
from .models import Action, ActionLead, ActionStatus, ProgressUpdate
from .selectors import attach_latest_updates


@dataclass
class EarlierRecommendation:
    recommendation: Recommendation
    total: int
    complete: int
    links: list[RecommendationLink] = field(default_factory=list)

    @property
    def recurs(self) -> bool:
        return any(link.relation == "recurs" for link in self.links)


@dataclass
class Gap:
    earlier: Review
    later: Review
    day: datetime.date
    followed_up: list[EarlierRecommendation]
    not_mentioned: list[EarlierRecommendation]
    new_in_later: list[Recommendation]
    common_themes: list[str]


def pair_of_reviews(organisation: Organisation, earlier_slug: str | None, later_slug: str | None):
    """(earlier, later): the ones asked for, or the latest review and its previous one."""
    reviews = organisation.reviews.select_related("previous").order_by("-started_on")
    later = reviews.filter(slug=later_slug).first() if later_slug else None
    later = later or reviews.exclude(previous=None).first() or reviews.first()
    earlier = reviews.filter(slug=earlier_slug).first() if earlier_slug else None
    earlier = earlier or (later.previous if later else None)
    return earlier, later


def gap_between(earlier: Review, later: Review, day: datetime.date) -> Gap:
    """What happened to each earlier recommendation, and what the later review said of it."""
    progress = {
        row["recommendation"]: row
        for row in Action.objects.filter(review=earlier)
        .as_at(day)
        .values("recommendation")
        .annotate(total=count_actions(), complete=count_actions(Q(status_at=ActionStatus.COMPLETE)))
        .order_by()
    }
    links = (
        RecommendationLink.objects.filter(earlier__review=earlier, later__review=later)
        .select_related("later")
        .order_by("later__position", "position")
    )
    links_by_earlier: dict[int, list[RecommendationLink]] = {}
    for link in links:
        links_by_earlier.setdefault(link.earlier_id, []).append(link)
    followed_up, not_mentioned = [], []
    for recommendation in earlier.recommendations.order_by("position"):
        row = progress.get(recommendation.pk, {"total": 0, "complete": 0})
        item = EarlierRecommendation(
            recommendation,
            row["total"],
            row["complete"],
            links_by_earlier.get(recommendation.pk, []),
        )
        if item.links:
            followed_up.append(item)
        elif recommendation.parent_id is None:
            not_mentioned.append(item)
    new_in_later = list(
        later.recommendations.top_level()
        .exclude(follows__earlier__review=earlier)
        .exclude(parts__follows__earlier__review=earlier)
        .order_by("position")
    )
    earlier_themes = {theme.title.casefold(): theme.title for theme in earlier.themes.all()}
    common = [t.title for t in later.themes.all() if t.title.casefold() in earlier_themes]
    return Gap(earlier, later, day, followed_up, not_mentioned, new_in_later, common)


@dataclass(frozen=True)
class Event:
    on: datetime.date
    kind: str
    text: str
    url: str


def timeline_of_organisation(organisation: Organisation) -> list[Event]:
    """Every review, response, milestone and progress update of an organisation, by date."""
    events: list[Event] = []
    for review in organisation.reviews.select_related("organisation"):
        url = review.get_absolute_url()
        events.append(
            Event(review.started_on, "Review", f"{review.title or review.slug} began", url)
        )
        if review.ended_on and review.ended_on != review.started_on:
            events.append(
                Event(review.ended_on, "Review", f"{review.title or review.slug} ended", url)
            )
        if review.published_on:
            events.append(
                Event(review.published_on, "Report", f"{review.title} report published", url)
            )
    # The milestones the reviews give. The LGA's expected ones are left out: a date the
    # process expects is not something that happened or was planned by anyone, and the
    # review page and dashboard show them beside the review's own, labelled as expected.
    milestones = Milestone.objects.filter(review__organisation=organisation)
    for milestone in milestones.select_related("review__organisation"):
        when = milestone.done_on or milestone.due
        if when:
            state = "done" if milestone.done_on else "due"
            events.append(
                Event(
                    when,
                    "Milestone",
                    f"{milestone.title} ({state}), {milestone.review.title}",
                    milestone.review.get_absolute_url(),
                )
            )
    for recommendation in Recommendation.objects.filter(
        review__organisation=organisation, response__responded_on__isnull=False
    ).select_related("response", "review__organisation"):
        events.append(
            Event(
                recommendation.response.responded_on,
                "Response",
                f"Response to {recommendation.number}, {recommendation.review.title}",
                recommendation.get_absolute_url(),
            )
        )
    updates = ProgressUpdate.objects.filter(action__review__organisation=organisation).values(
        "on", "status", "action__ref", "action__review__slug", "action__review__title"
    )
    for update in updates:
        url = reverse(
            "actions:action-detail",
            kwargs={
                "organisation_slug": organisation.slug,
                "review_slug": update["action__review__slug"],
                "ref": update["action__ref"],
            },
        )
        status = ActionStatus(update["status"]).label if update["status"] else "Progress note"
        events.append(
            Event(
                update["on"],
                "Progress update",
                f"Action {update['action__ref']}, {update['action__review__title']}: {status}",
                url,
            )
        )
    return sorted(events, key=lambda event: (event.on, event.kind))


def actions_for_report(
    review: Review, day: datetime.date, *, with_updates: bool = True
) -> list[Action]:
    """The review's actions as at `day`, each with its latest update by then (left out for
    the public action plan, which never shows notes)."""
    latest = (
        ProgressUpdate.objects.filter(action=OuterRef("pk"), on__lte=day)
        .order_by("-on", "-recorded_at", "-pk")
        .values("pk")[:1]
    )
    actions = list(
        Action.objects.filter(review=review)
        .as_at(day)
        .annotate(latest_update_id=Subquery(latest))
        .select_related("owner", "recommendation")
        .prefetch_related(
            Prefetch("action_leads", queryset=ActionLead.objects.select_related("lead"))
        )
        .order_by("position")
    )
    if with_updates:
        attach_latest_updates(actions)
    else:
        for action in actions:
            action.latest_update = None
    return actions


def recommendations_with_actions(
    review: Review, actions: list[Action]
) -> list[tuple[Recommendation, list[Action]]]:
    """Each recommendation and part, in order, with its actions (from `actions`)."""
    by_recommendation: dict[int, list[Action]] = {}
    for action in actions:
        by_recommendation.setdefault(action.recommendation_id, []).append(action)
    recommendations: QuerySet[Recommendation] = review.recommendations.select_related(
        "response"
    ).order_by("position")
    return [(r, by_recommendation.get(r.pk, [])) for r in recommendations]
