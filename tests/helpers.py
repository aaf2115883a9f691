from collections.abc import Callable

from django.db import IntegrityError, transaction


def refused_by_database(write: Callable[[], object]) -> bool:
    """Whether the database refuses `write` with an integrity error (rolled back either way)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False
