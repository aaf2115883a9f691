from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items, *, per_page: int = 25) -> Page:
    """The page the request asks for (?page=N). A number past the last page gives the last
    page (a bookmark to page 9 of a list that has shrunk still shows its end); anything that
    is not a page number (text, 0, a negative, a fraction) gives the first."""
    paginator = Paginator(items, per_page)
    return paginator.page(page_number(request.GET.get("page", ""), paginator.num_pages))


def page_number(text: str, last: int) -> int:
    text = text.strip()
    # Only ASCII digits: int() would also take "١٢", "1_000" and " +3 ".
    if not text.isascii() or not text.isdigit():
        return 1
    # Compare by length first so that a 10,000-digit number is never converted.
    if len(text.lstrip("0")) > len(str(last)):
        return last
    return min(max(int(text), 1), last)
