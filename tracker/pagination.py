from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items, *, per_page: int = 25) -> Page:
    """The page the request asks for (?page=N); out-of-range or invalid numbers give the
    nearest page rather than an error."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
