"""The extension point through which other apps load and export their part of a review file.

Imports go one way (actions depends on recommendations), yet the actions of a review live in
the same file. So the actions app registers a section here when it starts, and the loader
and exporter call every registered section after doing their own part.
"""

from typing import Protocol

from recommendations.models import Recommendation, Review

from .changes import ChangeLog
from .validation import Checker


class ReviewFileSection(Protocol):
    def check(self, checker: Checker) -> None:
        """Report this section's problems through `checker.fail`."""

    def apply(
        self,
        *,
        document: dict,
        review: Review,
        recommendations: dict[str, Recommendation],
        changes: ChangeLog,
    ) -> None:
        """Write this section's part of a valid document."""

    def export(self, *, review: Review, document: dict, recommendations: dict[str, dict]) -> None:
        """Add this section's part to an exported document (keys already in place)."""


_sections: list[ReviewFileSection] = []


def register_section(section: ReviewFileSection) -> None:
    if not any(type(existing) is type(section) for existing in _sections):
        _sections.append(section)


def registered_sections() -> list[ReviewFileSection]:
    return list(_sections)
