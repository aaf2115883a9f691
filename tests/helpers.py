import os
import subprocess
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction


def refused_by_database(write: Callable[[], object]) -> bool:
    """Whether the database refuses `write` with an integrity error (rolled back either way)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


# Variables the test run itself sets (the browser tests allow async-unsafe ORM calls, the
# test settings turn HTTPS off) must not leak into a child process meant to run as a
# deployment would.
TEST_RUN_ONLY = {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def child_environment(**overrides: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k not in TEST_RUN_ONLY}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "tracker.settings", **overrides}


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
