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
import threading
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
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        answer_once_listening(server, base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


class Listening:
    """Reads a gunicorn's error log (its stderr: a pipe in text mode) to the end, so the
    pipe never fills and blocks the server, noting when it says it listens."""

    def __init__(self, server: subprocess.Popen):
        self.heard = False
        self.done = threading.Event()  # it listens, or its log ended (it stopped)
        threading.Thread(target=self._read, args=(server.stderr,), daemon=True).start()

    def _read(self, log) -> None:
        for line in log:
            if "Listening at: " in line:
                self.heard = True
                self.done.set()
        self.done.set()


def answer_once_listening(server: subprocess.Popen, base: str) -> bytes:
    """Wait for gunicorn to listen, then for its /healthz/ answer (the body). Once the
    socket listens, a request waits in its backlog until a worker has loaded the app and
    accepts it, so there is nothing to poll; the timeouts only turn a hang into an error."""
    listening = Listening(server)
    if not listening.done.wait(timeout=120):
        raise RuntimeError("gunicorn said nothing about listening for two minutes")
    if not listening.heard:
        raise RuntimeError(f"gunicorn stopped before listening (status {server.wait()})")
    with urllib.request.urlopen(f"{base}/healthz/", timeout=120) as answer:  # noqa: S310 - loopback
        if answer.status != 200:
            raise RuntimeError(f"{base}/healthz/ answered {answer.status}")
        return answer.read()
