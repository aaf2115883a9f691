"""Error pages in the GOV.UK pattern. Each carries the request's reference id (also in the
logs) and nothing about the inside of the service: no stack trace, SQL or setting."""

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from tracker import security_log

logger = logging.getLogger(__name__)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 400, "400")


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    security_log.event("permission_refused", request)
    return error_page(request, 403, "403")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 404, "404")


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500, "500")


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
