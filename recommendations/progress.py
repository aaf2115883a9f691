"""How far each recommendation's actions have got, as at a date.

Actions belong to the actions app, which builds on this one, so the rule that counts them is
registered here by that app when it starts (the same inversion as review file sections).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from .models import Review


@dataclass(frozen=True)
class Progress:
    complete: int
    total: int


ProgressProvider = Callable[[Review, datetime.date], dict[int, Progress]]
_provider: list[ProgressProvider] = []


def set_progress_provider(provider: ProgressProvider) -> None:
    _provider[:] = [provider]


def progress_of(review: Review, day: datetime.date) -> dict[int, Progress]:
    """Progress per recommendation id (recommendations with no actions are absent)."""
    return _provider[0](review, day) if _provider else {}
