"""Walking a review document: the places where recommendations and actions sit."""

from collections.abc import Iterator
from datetime import date

from .errors import Path


def iter_recommendations(document: dict) -> Iterator[tuple[Path, dict, str | None]]:
    """Every recommendation, parts straight after their parent: (path, data, parent number)."""
    for index, recommendation in enumerate(document.get("recommendations") or []):
        path: Path = ("recommendations", index)
        yield path, recommendation, None
        for part_index, part in enumerate(recommendation.get("parts") or []):
            yield (*path, "parts", part_index), part, recommendation["number"]


def iter_actions(document: dict) -> Iterator[tuple[Path, dict, str]]:
    """Every action: (path, data, number of the recommendation or part it belongs to)."""
    for path, recommendation, _parent in iter_recommendations(document):
        for index, action in enumerate(recommendation.get("actions") or []):
            yield (*path, "actions", index), action, recommendation["number"]


def parse_date(value: object) -> date | None:
    """An ISO date, or None when the value is empty or not a real calendar date."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def text(value: object) -> str:
    """Optional text fields are stored as empty strings, never NULL."""
    return value if isinstance(value, str) else ""
