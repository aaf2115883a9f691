"""Error pages in the GOV.UK pattern. Each carries the request's reference id (also in the
logs) and nothing about the inside of the service: no stack trace, SQL or setting."""

import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from tracker import security_log

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 400, "400")


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    security_log.event("permission_refused", request)
    return error_page(request, 403, "403")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 404, "404")


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it is still in sys.exc_info().
    if database_unreachable(sys.exc_info()[1]):
        return service_unavailable(request)
    return error_page(request, 500, "500")


def database_unreachable(error: BaseException | None) -> bool:
    """Whether `error` means the database is out of reach for now (restarting, failing
    over, locked), not that a query was wrong: worth a 503 and a retry, not a 500."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if connection.vendor == "sqlite":
        # SQLite also reports mistakes ("no such table") as OperationalError.
        return any(sign in str(error) for sign in SQLITE_UNAVAILABLE)
    # PostgreSQL raises OperationalError for connection failures, shutdowns and exhausted
    # resources only; mistakes in a query are ProgrammingError or DataError.
    return True


SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk I/O error")


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The database cannot be reached (restarting, failing over): a short, honest 503 that
    load balancers and browsers know to retry, rather than a 500."""
    response = error_page(request, 503, "503")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    security_log.event("csrf_refused", request, reason=reason)
    return error_page(request, 403, "csrf")


def error_page(request: HttpRequest, status: int, name: str) -> HttpResponse:
    context = {"reference": getattr(request, "request_id", "")}
    template = f"errors/{name}.html"
    try:
        body = render_to_string(template, context, request=request)
    except Exception:
        # The page must still answer when what broke is the database or a context
        # processor: render without the request (no navigation, no user).
        logger.exception("Error page %s rendered without its request context", status)
        body = render_to_string(template, {**context, "service_name": "Peer challenge tracker"})
    return HttpResponse(body, status=status)
