"""Checks a parsed review file against the format: first the JSON Schema, then the rules
between fields and against reviews that already exist. Every problem is collected, with its
key path and line, so a person can fix the whole file in one go."""

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.conf import settings
from jsonschema import Draft202012Validator

from recommendations.models import Review
from tracker.as_at import EARLIEST, LATEST

from .errors import FileProblem, Path
from .reading import ParsedFile
from .structure import iter_recommendations, parse_date

SCHEMA_PATH = settings.BASE_DIR / "docs" / "review-format.schema.json"

TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "a mapping of keys and values",
    "null": "empty",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


@cache
def schema_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@dataclass
class KnownReview:
    started_on: date
    recommendation_numbers: set[str]


@dataclass
class RunContext:
    """Reviews defined by earlier files of the same run, which later files may refer to."""

    reviews: dict[tuple[str, str], KnownReview] = field(default_factory=dict)

    def find_review(self, organisation_slug: str, review_slug: str) -> KnownReview | None:
        known = self.reviews.get((organisation_slug, review_slug))
        if known is not None:
            return known
        review = (
            Review.objects.filter(organisation__slug=organisation_slug, slug=review_slug)
            .only("started_on")
            .first()
        )
        if review is None:
            return None
        numbers = set(review.recommendations.values_list("number", flat=True))
        return KnownReview(review.started_on, numbers)

    def remember(self, document: dict) -> None:
        numbers = {
            recommendation["number"] for _, recommendation, _ in iter_recommendations(document)
        }
        key = (document["organisation"]["slug"], document["review"]["slug"])
        self.reviews[key] = KnownReview(parse_date(document["review"]["started_on"]), numbers)


def _describe_type(expected: str | list[str]) -> str:
    names = [expected] if isinstance(expected, str) else expected
    return " or ".join(TYPE_NAMES.get(name, name) for name in names)


def _describe_choices(choices: list[object]) -> str:
    named = [f"'{choice}'" for choice in choices if choice is not None]
    suffix = ", or left empty" if None in choices else ""
    return "must be one of " + ", ".join(named) + suffix


def schema_problems(parsed: ParsedFile) -> list[FileProblem]:
    problems: set[FileProblem] = set()
    for error in schema_validator().iter_errors(parsed.data):
        path: Path = tuple(error.absolute_path)
        rule = error.validator
        if rule == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    guess = difflib.get_close_matches(key, allowed, n=1)
                    hint = f"; did you mean '{guess[0]}'?" if guess else ""
                    problems.add(parsed.problem((*path, key), f"unknown key '{key}'{hint}"))
        elif rule == "required":
            for key in error.validator_value:
                if key not in error.instance:
                    problems.add(parsed.problem(path, f"'{key}' is required"))
        elif rule == "type":
            message = f"must be {_describe_type(error.validator_value)}"
            if isinstance(error.instance, int | float) and "string" in error.validator_value:
                message += f' (put it in quotes: "{error.instance}")'
            problems.add(parsed.problem(path, message))
        elif rule == "enum":
            problems.add(parsed.problem(path, _describe_choices(error.validator_value)))
        elif rule == "const":
            problems.add(parsed.problem(path, f"must be exactly '{error.validator_value}'"))
        elif rule == "pattern":
            problems.add(parsed.problem(path, error.schema.get("errorMessage", error.message)))
        elif rule == "minLength":
            problems.add(parsed.problem(path, "must not be empty"))
        elif rule == "maxLength":
            limit = error.validator_value
            problems.add(parsed.problem(path, f"must be {limit} characters or fewer"))
        else:
            problems.add(parsed.problem(path, error.message))
    return sorted(problems)


class Checker:
    """Collects problems for one parsed file; shared by the core rules and each section."""

    def __init__(self, parsed: ParsedFile, context: RunContext):
        self.parsed = parsed
        self.document: dict = parsed.data
        self.context = context
        self.problems: list[FileProblem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(self.parsed.problem(path, message))

    def date_at(self, path: Path, value: object) -> date | None:
        """The date at `path`, reporting one that is not a real calendar date."""
        if value is None:
            return None
        found = parse_date(value)
        if found is None:
            self.fail(path, f"'{value}' is not a real calendar date")
        elif not EARLIEST <= found <= LATEST:
            self.fail(path, f"'{value}' must be between {EARLIEST.year} and {LATEST.year}")
            return None
        return found

    @property
    def started_on(self) -> date | None:
        return parse_date(self.document["review"]["started_on"])

    def unique(self, path: Path, items: list[dict], key: str, what: str) -> None:
        seen: set[object] = set()
        for index, item in enumerate(items):
            value = item.get(key)
            if value in seen:
                self.fail((*path, index, key), f"{what} '{value}' is given more than once")
            seen.add(value)


# C0 controls and DEL, bar tab, line feed and carriage return: they cannot be stored
# (PostgreSQL refuses NUL in text) or shown, and only ever arrive by accident or malice.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_text_characters(checker: Checker, value: object, path: Path = ()) -> None:
    """Refuse control characters in any key or text, naming where each is."""
    if isinstance(value, str):
        found = CONTROL_CHARACTERS.search(value)
        if found:
            code = f"U+{ord(found.group()):04X}"
            checker.fail(path, f"contains a control character ({code}): remove it")
    elif isinstance(value, dict):
        for key, child in value.items():
            if isinstance(key, str) and CONTROL_CHARACTERS.search(key):
                checker.fail(path, "has a key containing a control character: remove it")
            check_text_characters(checker, child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            check_text_characters(checker, child, (*path, index))


def check_core_rules(checker: Checker) -> None:
    """The rules of the review and its recommendations (the actions app checks its part)."""
    document = checker.document
    check_text_characters(checker, document)
    organisation_slug = document["organisation"]["slug"]
    review = document["review"]
    started_on = checker.date_at(("review", "started_on"), review["started_on"])
    ended_on = checker.date_at(("review", "ended_on"), review.get("ended_on"))
    checker.date_at(("review", "published_on"), review.get("published_on"))
    if started_on and ended_on and ended_on < started_on:
        checker.fail(("review", "ended_on"), "the review cannot end before it started")

    checker.unique(("review", "peer_team"), review.get("peer_team") or [], "name", "the name")
    checker.unique(("review", "themes"), review.get("themes") or [], "key", "the theme key")
    checker.unique(("review", "milestones"), review.get("milestones") or [], "title", "the title")
    checker.unique(("review", "risks"), review.get("risks") or [], "title", "the title")
    for index, milestone in enumerate(review.get("milestones") or []):
        for key in ("due", "done_on"):
            checker.date_at(("review", "milestones", index, key), milestone.get(key))

    previous = review.get("previous")
    if previous:
        _check_earlier_review(checker, ("review", "previous"), organisation_slug, previous)

    theme_keys = {theme["key"] for theme in review.get("themes") or []}
    numbers: set[str] = set()
    for path, recommendation, _parent in iter_recommendations(document):
        number = recommendation["number"]
        if number in numbers:
            checker.fail((*path, "number"), f"the recommendation number '{number}' is used twice")
        numbers.add(number)
        for index, key in enumerate(recommendation.get("themes") or []):
            if key not in theme_keys:
                checker.fail((*path, "themes", index), f"'{key}' is not a key in review.themes")
        response = recommendation.get("response") or {}
        checker.date_at((*path, "response", "responded_on"), response.get("responded_on"))
        earlier_seen: set[tuple[str, str]] = set()
        for index, link in enumerate(recommendation.get("follows") or []):
            link_path = (*path, "follows", index)
            pair = (link["review"], link["recommendation"])
            if pair in earlier_seen:
                checker.fail(link_path, "this earlier recommendation is linked twice")
            earlier_seen.add(pair)
            known = _check_earlier_review(
                checker, (*link_path, "review"), organisation_slug, link["review"]
            )
            if known and link["recommendation"] not in known.recommendation_numbers:
                checker.fail(
                    (*link_path, "recommendation"),
                    f"review '{link['review']}' has no recommendation '{link['recommendation']}'",
                )


def _check_earlier_review(
    checker: Checker, path: Path, organisation_slug: str, slug: str
) -> KnownReview | None:
    this_slug = checker.document["review"]["slug"]
    if slug == this_slug:
        checker.fail(path, "a review cannot refer to itself")
        return None
    known = checker.context.find_review(organisation_slug, slug)
    if known is None:
        checker.fail(
            path,
            f"there is no review '{slug}' of '{organisation_slug}'; "
            "load it first, or earlier in the same run",
        )
        return None
    started_on = checker.started_on
    if started_on and known.started_on >= started_on:
        checker.fail(path, f"review '{slug}' is not older than this review")
    return known
