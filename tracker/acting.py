"""Who is acting, for the audit log (tracker.audit): kept free of Django imports so that
manage.py can name the OS account before Django reads its settings (`--settings` included).
"""

import contextlib
import getpass
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

current_actor: ContextVar[object | None] = ContextVar("audit_actor", default=None)


@dataclass(frozen=True)
class Actor:
    """Someone acting who is not (or not only) a signed-in user: a command run from a shell
    is answered for by the operating-system account that ran it."""

    name: str
    pk: int | None = None


@contextlib.contextmanager
def acting_as(actor) -> Iterator[None]:
    """Whose changes these are: a user (services take `by`), or an Actor for commands."""
    token = current_actor.set(actor)
    try:
        yield
    finally:
        current_actor.reset(token)


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return f"uid {os.getuid()}"


def os_actor(command: str) -> Actor:
    return Actor(f"{os_user()} (OS user, manage.py {command})")


@contextlib.contextmanager
def run_by_os_user(argv: list[str]) -> Iterator[None]:
    """For manage.py: the OS account answers for whatever the command changes (a request
    served by `runserver` still acts as its own signed-in user)."""
    with acting_as(os_actor(argv[1] if len(argv) > 1 else "help")):
        yield
