import subprocess
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction

from benchmarks.serving import child_environment


def refused_by_database(write: Callable[[], object]) -> bool:
    """Whether the database refuses `write` with an integrity error (rolled back either way)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def manage(database_url: str, *args: str) -> str:
    """Run manage.py against another database, as a separate process; its output."""
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=child_environment(DATABASE_URL=database_url, DEBUG="true"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
