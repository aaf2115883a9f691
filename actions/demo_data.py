"""Generated demo data at national scale, for benchmarks and load tests.

Every council in England several times over: a corporate peer challenge every four years or
so, each with 6-12 recommendations (some in parts), the council's responses, links to the
previous review, an action plan of 3-8 actions per recommendation with leads, and a
roughly monthly progress history per action. The same seed always gives the same data.
Everything is plainly synthetic: council names are invented and marked "(demo)".

Rows are written with bulk_create, one transaction per council, and the stored current
position of each action is computed from the history generated for it, exactly as
actions.services would have stored it.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction

from actions.models import Action, ActionLead, ActionStatus, Lead, ProgressUpdate, Rag
from recommendations.models import (
    Organisation,
    Recommendation,
    RecommendationLink,
    Relation,
    Response,
    Review,
    ReviewKind,
    Stance,
)
from tracker import audit

# What the audit log says of each generated review.
GENERATED = "generated demo data (actions/demo_data.py)"

PLACES = [
    "Ash",
    "Brook",
    "Cran",
    "Dun",
    "Elm",
    "Fair",
    "Glen",
    "Hart",
    "Ivy",
    "Kings",
    "Lang",
    "Mill",
    "North",
    "Oak",
    "Pen",
    "Queens",
    "Rother",
    "Stan",
    "Thorn",
    "Upton",
    "Wey",
    "York",
]
ENDINGS = ["bridge", "ford", "ham", "ley", "mouth", "stead", "ton", "wick", "field", "by"]
KINDS = ["City Council", "Borough Council", "District Council", "County Council"]
TOPICS = [
    "financial planning",
    "workforce capacity",
    "partnership working",
    "digital services",
    "performance management",
    "governance",
    "community engagement",
    "housing delivery",
    "children's services",
    "adult social care",
    "economic growth",
    "transformation",
]
# Progress notes in the voice of a programme office; {topic} is the action's topic, so a
# search finds the history of one subject rather than every update at once.
NOTES = [
    "Progress on {topic} reported to the programme board.",
    "Business case for {topic} approved by Cabinet.",
    "Consultation on {topic} closed; responses are being analysed.",
    "Recruitment to the {topic} lead post delayed by a second advert.",
    "Member briefing on {topic} held; scrutiny asked for a further report.",
    "Project plan for {topic} agreed with partners; milestones set.",
    "Budget pressure on {topic} flagged to the finance team.",
    "Workshop with staff on {topic}; findings fed into the delivery plan.",
    "Peer mentor support on {topic} arranged through the LGA.",
    "Audit committee reviewed the risks to {topic}.",
]
ROLES = [
    "Chief Executive",
    "Director of Finance",
    "Director of People",
    "Head of Policy",
    "Head of Digital",
    "Director of Place",
    "Monitoring Officer",
    "Head of HR",
]
FIRST_YEARS = (2004, 2006)
LAST_YEAR = 2025
TODAY = datetime.date(2026, 11, 1)


@dataclass
class Sizes:
    organisations: int = 0
    reviews: int = 0
    recommendations: int = 0
    actions: int = 0
    progress_updates: int = 0
    links: int = field(default=0)

    def lines(self) -> list[str]:
        return [f"{name.replace('_', ' ')}: {value:,}" for name, value in vars(self).items()]


def generate(organisations: int, seed: int, *, start: int = 0) -> Sizes:
    """Create `organisations` councils (numbered from `start`) and all that goes with them."""
    sizes = Sizes()
    for number in range(start, start + organisations):
        # One generator per council: the same council is the same whatever else is made.
        rng = random.Random(f"{seed}-{number}")  # noqa: S311 - demo data, not secrets
        with transaction.atomic():
            # Bulk writes send no signals: like a review file, each generated review is
            # logged once, as loaded, not row by row (tracker.audit.AuditedQuerySet).
            with audit.suspended():
                organisation = _council(rng, number, sizes)
            for review in organisation.reviews.all():
                audit.record_import(review, [GENERATED])
    return sizes


def review_with_actions(organisation: Organisation, actions: int) -> Review:
    """A review of `organisation` with `actions` actions or a few more (ten to each
    recommendation, with their histories), made once: larger than a generated peer
    challenge ever is, to time the scrutiny report of a review that size."""
    slug = f"large-{actions}"
    existing = Review.objects.filter(organisation=organisation, slug=slug).first()
    if existing:
        return existing
    rng = random.Random(f"large-{organisation.slug}-{actions}")  # noqa: S311 - demo data
    started = datetime.date(LAST_YEAR, 3, 1)
    with transaction.atomic(), audit.suspended():
        review = Review.objects.create(
            organisation=organisation,
            slug=slug,
            kind=ReviewKind.EXTERNAL_REVIEW,
            title=f"Improvement review with {actions} actions (generated)",
            conducted_by="Local Government Association",
            started_on=started,
            ended_on=started + datetime.timedelta(days=4),
        )
        sizes = Sizes()
        recommendations = _recommendations(rng, review, sizes, count=-(-actions // 10))
        leads = list(Lead.objects.filter(organisation=organisation))
        _actions(rng, review, recommendations, leads, sizes, each=10)
    with transaction.atomic():
        audit.record_import(review, [GENERATED])
    return review


def _council(rng: random.Random, number: int, sizes: Sizes) -> Organisation:
    name = f"{rng.choice(PLACES)}{rng.choice(ENDINGS)} {rng.choice(KINDS)} (demo)"
    organisation = Organisation.objects.create(slug=f"demo-{number:04d}", name=name)
    leads = Lead.objects.bulk_create(
        Lead(organisation=organisation, name=f"{role}, {name}", role=role) for role in ROLES
    )
    sizes.organisations += 1
    year = rng.randint(*FIRST_YEARS)
    previous: Review | None = None
    previous_recommendations: list[Recommendation] = []
    while year <= LAST_YEAR:
        started = datetime.date(year, rng.randint(1, 11), rng.randint(1, 28))
        review = Review.objects.create(
            organisation=organisation,
            slug=f"cpc-{year}",
            kind=ReviewKind.CORPORATE_PEER_CHALLENGE,
            title=f"Corporate Peer Challenge {year}",
            conducted_by="Local Government Association",
            started_on=started,
            ended_on=started + datetime.timedelta(days=4),
            previous=previous,
        )
        recommendations = _recommendations(rng, review, sizes)
        _links(rng, recommendations, previous_recommendations, sizes)
        _actions(rng, review, recommendations, leads, sizes)
        sizes.reviews += 1
        previous, previous_recommendations = review, recommendations
        year += rng.choice((3, 4, 4, 5))
    return organisation


def _recommendations(rng, review: Review, sizes: Sizes, count: int = 0) -> list[Recommendation]:
    count = count or rng.randint(6, 12)
    top = Recommendation.objects.bulk_create(
        Recommendation(
            review=review,
            number=str(n),
            position=n * 10,
            title=f"Strengthen {rng.choice(TOPICS)}",
            text=f"The council should strengthen its {rng.choice(TOPICS)} "
            f"and its {rng.choice(TOPICS)}, with clear milestones.",
        )
        for n in range(1, count + 1)
    )
    parts = Recommendation.objects.bulk_create(
        Recommendation(
            review=review,
            parent=parent,
            number=f"{parent.number}.{k}",
            position=parent.position + k,
            text=f"In particular, review {rng.choice(TOPICS)}.",
        )
        for parent in top
        for k in range(1, rng.choice((1, 1, 2, 3)))
    )
    Response.objects.bulk_create(
        Response(
            recommendation=recommendation,
            stance=rng.choice([Stance.ACCEPTED] * 4 + [Stance.PARTLY_ACCEPTED, Stance.NOTED]),
            text="The council accepts this recommendation and has set out actions below.",
            responded_on=review.started_on + datetime.timedelta(days=rng.randint(40, 90)),
        )
        for recommendation in top
    )
    sizes.recommendations += len(top) + len(parts)
    return top


def _links(rng, later: list[Recommendation], earlier: list[Recommendation], sizes) -> None:
    if not earlier:
        return
    chosen = rng.sample(later, k=min(len(later), rng.randint(1, 3)))
    RecommendationLink.objects.bulk_create(
        RecommendationLink(
            later=recommendation,
            earlier=rng.choice(earlier),
            position=0,
            relation=rng.choice([Relation.RECURS, Relation.BUILDS_ON, Relation.ADDRESSES]),
            assessment="The peer team found this still needs attention.",
        )
        for recommendation in chosen
    )
    sizes.links += len(chosen)


def _actions(
    rng, review: Review, recommendations, leads: list[Lead], sizes: Sizes, each: int = 0
) -> None:
    actions, histories, lead_choices = [], [], []
    for recommendation in recommendations:
        for k in range(each or rng.randint(3, 8)):
            owner = rng.choice(leads)
            due = review.started_on + datetime.timedelta(days=rng.randint(90, 900))
            topic = rng.choice(TOPICS)
            history = _history(rng, review.started_on, due, topic)
            last = history[-1] if history else None
            actions.append(
                Action(
                    review=review,
                    recommendation=recommendation,
                    position=len(actions),
                    ref=f"{recommendation.number}-{chr(ord('a') + k)}",
                    text=f"Agree and deliver a plan for {topic}.",
                    owner=owner,
                    timescale=due.strftime("By %B %Y"),
                    due=due,
                    status=ActionStatus.NOT_STARTED,
                    rag=Rag.AMBER,
                    current_status=last.status if last else ActionStatus.NOT_STARTED,
                    current_rag=last.rag if last else Rag.AMBER,
                    last_update_on=last.on if last else None,
                    version=len(history),
                )
            )
            histories.append(history)
            lead_choices.append(owner)
    Action.objects.bulk_create(actions)
    ActionLead.objects.bulk_create(
        ActionLead(action=action, lead=lead, position=0)
        for action, lead in zip(actions, lead_choices, strict=True)
    )
    updates = []
    for action, history in zip(actions, histories, strict=True):
        before_status, before_rag = ActionStatus.NOT_STARTED, Rag.AMBER
        for version, update in enumerate(history, start=1):
            update.action = action
            update.status_before, update.rag_before = before_status, before_rag
            update.action_version = version
            before_status, before_rag = update.status, update.rag
            updates.append(update)
    ProgressUpdate.objects.bulk_create(updates, batch_size=5000)
    sizes.actions += len(actions)
    sizes.progress_updates += len(updates)


def _history(rng, started: datetime.date, due: datetime.date, topic: str) -> list[ProgressUpdate]:
    """Roughly monthly updates from two months after the review, ending when complete."""
    updates = []
    day = started + datetime.timedelta(days=rng.randint(45, 75))
    finish_after = rng.randint(4, 16)
    while day <= TODAY and len(updates) < finish_after:
        complete = len(updates) == finish_after - 1 and rng.random() < 0.7
        late = day > due
        updates.append(
            ProgressUpdate(
                on=day,
                status=ActionStatus.COMPLETE if complete else ActionStatus.IN_PROGRESS,
                rag=Rag.GREEN if complete else (Rag.RED if late else rng.choice(RAGS)),
                note=rng.choice(NOTES).format(topic=topic),
                author="Programme office",
            )
        )
        day += datetime.timedelta(days=rng.randint(21, 45))
    return updates


RAGS = [Rag.GREEN, Rag.AMBER, Rag.AMBER, Rag.RED]
