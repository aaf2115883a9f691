"""The app served as production serves it, on this machine's loopback: for the benchmark
(benchmarks/pages.py through gunicorn) and for the suite's fault tests, which start real
processes. Only ever binds 127.0.0.1."""

import contextlib
import functools
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator

from django.conf import settings

SECRET_KEY = secrets.token_urlsafe(50)  # shared by every instance, as in a deployment

# Variables the test run itself sets (the browser tests allow async-unsafe ORM calls, the
# test settings turn HTTPS off) must not leak into a child process meant to run as a
# deployment would.
TEST_RUN_ONLY = {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def child_environment(**overrides: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k not in TEST_RUN_ONLY}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "tracker.settings", **overrides}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@functools.cache
def collected_static() -> str:
    """collectstatic once per test run, into a folder of its own, as a release does."""
    folder = tempfile.mkdtemp(prefix="tracker-static-")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=child_environment(DEBUG="true", STATIC_ROOT=folder),
        check=True,
    )
    return folder


@contextlib.contextmanager
def gunicorn(
    database_url: str, *, workers: int = 1, secret_key: str | None = None
) -> Iterator[str]:
    """A gunicorn instance of the app as production runs it (DEBUG off, the repository's
    gunicorn.conf.py, collected static files), on loopback over plain HTTP; its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn"],
        cwd=settings.BASE_DIR,
        env=child_environment(
            DEBUG="false",
            SECRET_KEY=secret_key or SECRET_KEY,
            HTTPS="false",
            ALLOWED_HOSTS="127.0.0.1",
            # Production refuses to start without a mail server and the address links
            # use (tracker.checks); these tests send no mail.
            SMTP_HOST="127.0.0.1",
            SITE_URL=f"http://127.0.0.1:{port}",
            STATIC_ROOT=collected_static(),
            DATABASE_URL=database_url,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(workers),
            # Sessions and everything else live in the shared database.
            CONN_MAX_AGE="60",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, within=20)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_until_healthy(base: str, *, within: float) -> float:
    """Seconds until /healthz/ answers 200; fails after `within` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base}/healthz/", timeout=2) as answer,  # noqa: S310 - loopback
        ):
            if answer.status == 200:
                return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{base} was not healthy within {within} s")
