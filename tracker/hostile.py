"""Defences against values no page expects: NUL bytes in a request, and identifiers from
review files (recommendation numbers, action refs) that a URL must carry whatever they hold."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import register_converter

from tracker import errors

NUL = "\x00"


class NulByteMiddleware:
    """A NUL byte in the path, a query string or a posted form value is refused with a 400.

    No page needs one, PostgreSQL cannot store or compare one (psycopg raises on any query
    that carries it), and a value that reaches a lookup would otherwise be a 500. Checked
    before sessions or the database are touched, so the refusal costs nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            return errors.bad_request(request)
        return self.get_response(request)


def carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info or NUL in request.path:
        return True
    if any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists()):
        return True
    if request.method != "POST" or not is_form(request):
        return False
    # Reading POST parses the body once; Django keeps the result for the view.
    return any(NUL in key or any(NUL in v for v in values) for key, values in request.POST.lists())


def is_form(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    return content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}


# A recommendation number or action ref is any text the review file's author wrote ("6.3",
# "A2", "6/3", "50%"): the format (docs/review-format.md) does not restrict it, so the URL
# must carry it instead. Only the characters a path segment cannot hold are escaped, so the
# address of an ordinary number ("6.3", "6.3-a") stays what it always was. Escapes are written
# as %XX: reverse() quotes the % again, and the server unquotes once, so to_python sees %XX.
ESCAPES = {"%": "%25", "/": "%2F"}
UNESCAPE = re.compile(r"%(25|2F|2E)")


class LabelConverter:
    """Any non-empty text, round-tripped through one path segment."""

    regex = r"(?:[^/%]|%25|%2F|%2E)+"

    def to_python(self, value: str) -> str:
        return UNESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)

    def to_url(self, value: str) -> str:
        text = "".join(ESCAPES.get(character, character) for character in str(value))
        if set(text) == {"."}:
            # "." and ".." are path steps that browsers resolve away before asking.
            text = "%2E" * len(text)
        return text


register_converter(LabelConverter, "label")
