"""Security events as structured lines on stderr: sign-ins, failures, lockouts, refused
permissions, the two-factor steps, and new passwords (password_changed, password_reset,
password_set: written by tracker.audit once the change is committed, with who set it).

Each line is one JSON object, so text a user typed (a username, a path) is escaped by the
encoder and cannot start a line of its own or pretend to be another field. Passwords,
one-time codes, tokens and session ids are never passed in, so they are never written.
"""

import json
import logging
import re
import uuid

from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

logger = logging.getLogger("tracker.security")

# A request id supplied by the load balancer is kept only if it looks like one.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
MAX_TEXT = 150


def request_id_for(request) -> str:
    supplied = request.META.get("HTTP_X_REQUEST_ID", "")
    return supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex


def event(name: str, request=None, *, username: str | None = None, **details) -> None:
    record: dict[str, object] = {"event": name}
    if request is not None:
        record["request_id"] = getattr(request, "request_id", None)
        record["ip"] = request.META.get("REMOTE_ADDR")
        record["method"] = request.method
        record["path"] = request.path[:MAX_TEXT]
        user = getattr(request, "user", None)
        if username is None and user is not None and user.is_authenticated:
            username = user.get_username()
            record["user_id"] = user.pk
    if username is not None:
        record["username"] = str(username)[:MAX_TEXT]
    record.update(details)
    logger.warning(json.dumps(record, ensure_ascii=True, default=str))


@receiver(auth_signals.user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    event("sign_in", request, username=user.get_username(), user_id=user.pk)


@receiver(auth_signals.user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    event("sign_out", request, username=user.get_username() if user else None)


@receiver(auth_signals.user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # `credentials` has the password cleansed by Django; only the username is kept.
    event("sign_in_failed", request, username=credentials.get("username", ""))


def _locked_out(sender, request, username, ip_address=None, **kwargs):
    event("locked_out", request, username=username)


def connect_lockout_signal() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="tracker.security_log.locked_out")
