"""Deployment checks of our own (run by `manage.py check --deploy`), and the refusal to
serve when any deployment check fails.

Django's deployment checks catch a configuration that is insecure or would run but not
work: without a mail server (Django's mail.E001), password reset links and reminders would
be written to the server's log, where any operator could read and use them. Ours adds the
address those emails link to (tracker.E001). The production entry points (gunicorn.conf.py,
before any worker starts, and tracker/wsgi.py for any other WSGI server) call
`refuse_to_start_if_unfit()`, so such a deployment never serves a page.
"""

from django.conf import settings
from django.core import checks

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


@checks.register(checks.Tags.security, deploy=True)
def links_in_emails(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.SITE_URL != DEFAULT_SITE_URL:
        return []
    return [
        checks.Error(
            f"SITE_URL is not set, so links in emails would point to {DEFAULT_SITE_URL}.",
            hint="Set SITE_URL to https:// and the host name people use.",
            id="tracker.E001",
        )
    ]


class UnfitToStart(SystemExit):
    """Raised by an entry point whose deployment checks fail: its message says why."""


def deployment_errors() -> list[checks.CheckMessage]:
    """Every deployment check (Django's and ours) at error level or above, not silenced."""
    messages = checks.run_checks(include_deployment_checks=True)
    return [
        message
        for message in messages
        if message.level >= checks.ERROR and not message.is_silenced()
    ]


def refuse_to_start_if_unfit() -> None:
    """With DEBUG off, stop the process (exit status 1) with the reasons, if any deployment
    check fails. Development (DEBUG on) always starts."""
    if settings.DEBUG:
        return
    errors = deployment_errors()
    if errors:
        reasons = "\n".join(f"  - {message}" for message in errors)
        raise UnfitToStart(
            "The tracker refuses to start: its deployment checks failed "
            f"(`manage.py check --deploy` lists them):\n{reasons}\n"
            "docs/deployment.md lists the environment each needs (SMTP_HOST and the other "
            "SMTP_ variables for the mail server, SITE_URL, ALLOWED_HOSTS, ...)."
        )
