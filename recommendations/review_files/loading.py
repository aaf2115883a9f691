"""Load review files: every file is checked before anything is written, and the writes of a
whole run happen in one transaction, so a run either loads everything or changes nothing."""

from dataclasses import dataclass

from django.db import transaction

from recommendations.models import (
    Milestone,
    Organisation,
    PeerTeamMember,
    Recommendation,
    RecommendationLink,
    Response,
    Review,
    Risk,
    Theme,
)
from tracker import audit

from .changes import NOT_IN_FILE, UPDATED, ChangeLog, upsert
from .errors import ReviewFileInvalid
from .reading import ParsedFile, parse_review_file
from .sections import registered_sections
from .structure import iter_recommendations, parse_date, text
from .validation import Checker, RunContext, check_core_rules, schema_problems


@dataclass(frozen=True)
class ReviewFile:
    name: str
    content: bytes


class _RollBack(Exception):
    """Raised inside the transaction of a dry run so that nothing is kept."""


def parse_review_files(files: list[ReviewFile]) -> list[ParsedFile]:
    """Parse every file of a run. Raises ReviewFileInvalid listing every file's problems."""
    parsed_files, problems = [], []
    for review_file in files:
        try:
            parsed_files.append(parse_review_file(review_file.content, file_name=review_file.name))
        except ReviewFileInvalid as invalid:
            problems.extend(invalid.problems)
    if problems:
        raise ReviewFileInvalid(problems)
    return parsed_files


def check_documents(documents: list[ParsedFile]) -> list[ParsedFile]:
    """Validate parsed documents, in order. Raises ReviewFileInvalid with all problems."""
    context = RunContext()
    parsed_files: list[ParsedFile] = []
    problems = []
    for parsed in documents:
        found = schema_problems(parsed)
        found = sorted(found + value_problems(parsed, context, structure_problems=found))
        if found:
            problems.extend(found)
        else:
            context.remember(parsed.data)
            parsed_files.append(parsed)
    if problems:
        raise ReviewFileInvalid(problems)
    return parsed_files


# What a value check may raise where the structure is not what the schema says (a list
# where a mapping should be, a required key missing): the schema has reported that place.
_UNREADABLE = (KeyError, IndexError, TypeError, AttributeError, ValueError)


def value_problems(parsed: ParsedFile, context: RunContext, *, structure_problems: list) -> list:
    """The rules on values (dates, an end before a start, unknown themes, links to earlier
    reviews...), checked beside the schema's structural problems so that a person sees every
    problem of a file in one run. Where the structure is broken a check cannot read on; it
    stops there, and problems inside a place the schema already reported are left out."""
    checker = Checker(parsed, context)
    for check in (check_core_rules, *(section.check for section in registered_sections())):
        try:
            check(checker)
        except _UNREADABLE:
            if not structure_problems:
                raise
    broken = [problem.path for problem in structure_problems]
    return [
        problem
        for problem in checker.problems
        if not any(_within(problem.path, place) for place in broken)
    ]


def _within(path: str, place: str) -> bool:
    """Whether `path` is `place` or inside it ("a.b[2].c" is inside "a.b")."""
    return path == place or path.startswith((f"{place}.", f"{place}["))


def check_review_files(files: list[ReviewFile]) -> list[ParsedFile]:
    """Parse and validate every file of a run. Raises ReviewFileInvalid with all problems."""
    return check_documents(parse_review_files(files))


def load_review_files(files: list[ReviewFile], *, dry_run: bool = False) -> ChangeLog:
    """Parse and load every file in the order given (see load_documents)."""
    return load_documents(parse_review_files(files), dry_run=dry_run)


def load_documents(documents: list[ParsedFile], *, dry_run: bool = False) -> ChangeLog:
    """Check, then apply, every document in the order given.

    Side effects, in order: organisations, reviews and their parts, recommendations,
    responses and links are created or updated; then each registered section (the actions
    app: leads, actions, appended progress updates). Nothing is deleted: rows that the
    database has and the file does not are reported as "not in file". With `dry_run`, the
    same work is done and rolled back, so the report is exact.
    """
    parsed_files = check_documents(documents)
    changes = ChangeLog()
    try:
        with transaction.atomic():
            for parsed in parsed_files:
                # One audit entry per review loaded, with what changed, not one per row.
                before = len(changes.items)
                with audit.suspended():
                    review = apply_document(parsed.data, changes)
                if not dry_run:
                    audit.record_import(review, ChangeLog(changes.items[before:]).summary_lines())
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return changes


def apply_document(document: dict, changes: ChangeLog) -> Review:
    organisation_data = document["organisation"]
    organisation = upsert(
        changes,
        "organisation",
        organisation_data["slug"],
        Organisation,
        {"slug": organisation_data["slug"]},
        {"name": organisation_data["name"]},
    )
    review = _apply_review(document["review"], organisation, changes)
    recommendations = _apply_recommendations(document, review, changes)
    for section in registered_sections():
        section.apply(
            document=document, review=review, recommendations=recommendations, changes=changes
        )
    return review


def _apply_review(data: dict, organisation: Organisation, changes: ChangeLog) -> Review:
    previous = None
    if data.get("previous"):
        previous = Review.objects.get(organisation=organisation, slug=data["previous"])
    review = upsert(
        changes,
        "review",
        data["slug"],
        Review,
        {"organisation": organisation, "slug": data["slug"]},
        {
            "kind": data["kind"],
            "title": text(data.get("title")),
            "conducted_by": text(data.get("conducted_by")),
            "started_on": parse_date(data["started_on"]),
            "ended_on": parse_date(data.get("ended_on")),
            "published_on": parse_date(data.get("published_on")),
            "previous": previous,
            "source": text(data.get("source")),
            "summary": text(data.get("summary")),
        },
    )
    for position, member in enumerate(data.get("peer_team") or []):
        upsert(
            changes,
            "peer team member",
            member["name"],
            PeerTeamMember,
            {"review": review, "name": member["name"]},
            {"position": position, "role": text(member.get("role"))},
        )
    for position, theme in enumerate(data.get("themes") or []):
        upsert(
            changes,
            "theme",
            theme["key"],
            Theme,
            {"review": review, "key": theme["key"]},
            {
                "position": position,
                "title": theme["title"],
                "question": text(theme.get("question")),
            },
        )
    # Only the file's milestones: the LGA's expected ones are worked out where they are shown
    # (recommendations.milestones), never stored as if the file had said them.
    for position, milestone in enumerate(data.get("milestones") or []):
        upsert(
            changes,
            "milestone",
            milestone["title"],
            Milestone,
            {"review": review, "title": milestone["title"]},
            {
                "position": position,
                "due": parse_date(milestone.get("due")),
                "done_on": parse_date(milestone.get("done_on")),
            },
        )
    for position, risk in enumerate(data.get("risks") or []):
        upsert(
            changes,
            "risk",
            risk["title"],
            Risk,
            {"review": review, "title": risk["title"]},
            {
                "position": position,
                "description": text(risk.get("description")),
                "likelihood": text(risk.get("likelihood")),
                "impact": text(risk.get("impact")),
                "mitigation": text(risk.get("mitigation")),
            },
        )
    return review


def _apply_recommendations(
    document: dict, review: Review, changes: ChangeLog
) -> dict[str, Recommendation]:
    themes = {theme.key: theme for theme in review.themes.all()}
    by_number: dict[str, Recommendation] = {}
    for position, (_path, data, parent_number) in enumerate(iter_recommendations(document)):
        number = data["number"]
        recommendation = upsert(
            changes,
            "recommendation",
            number,
            Recommendation,
            {"review": review, "number": number},
            {
                "parent": by_number[parent_number] if parent_number else None,
                "position": position,
                "title": text(data.get("title")),
                "text": text(data.get("text")),
            },
        )
        by_number[number] = recommendation
        is_new = changes.last_was_created
        wanted = {themes[key].pk for key in data.get("themes") or []}
        if set(recommendation.themes.values_list("pk", flat=True)) != wanted:
            recommendation.themes.set(wanted)
            if not is_new:
                changes.record("recommendation themes", number, UPDATED)
        if data.get("response"):
            response = data["response"]
            upsert(
                changes,
                "response",
                number,
                Response,
                {"recommendation": recommendation},
                {
                    "stance": text(response.get("stance")),
                    "text": text(response.get("text")),
                    "incorporated": text(response.get("incorporated")),
                    "responded_on": parse_date(response.get("responded_on")),
                },
            )
        for link_position, link in enumerate(data.get("follows") or []):
            earlier = Recommendation.objects.get(
                review__organisation=review.organisation,
                review__slug=link["review"],
                number=link["recommendation"],
            )
            upsert(
                changes,
                "link",
                f"{number} -> {link['review']} {link['recommendation']}",
                RecommendationLink,
                {"later": recommendation, "earlier": earlier},
                {
                    "position": link_position,
                    "relation": link["relation"],
                    "assessment": text(link.get("assessment")),
                    "quote": text(link.get("quote")),
                },
            )
    for number in review.recommendations.exclude(number__in=by_number).values_list(
        "number", flat=True
    ):
        changes.record("recommendation", number, NOT_IN_FILE)
    return by_number
