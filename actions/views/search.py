"""Search: every kind of match at a glance, or all the matches of one kind, page by page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import search as text_search
from ..forms import SearchForm

# How many of each kind the overview shows before "See all".
OVERVIEW_SIZE = 5


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    words, kind, results = "", None, []
    if form.is_valid() and form.cleaned_data["q"]:
        words = form.cleaned_data["q"]
        kind = text_search.KINDS_BY_KEY.get(form.cleaned_data["kind"])
        if kind:
            results = [
                text_search.search(
                    request.user, words, kind=kind, page_number=request.GET.get("page")
                )
            ]
        else:
            results = [
                text_search.search(request.user, words, kind=each, per_page=OVERVIEW_SIZE)
                for each in text_search.KINDS
            ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "actions/search.html",
        {
            "form": form,
            "words": words,
            "kind": kind,
            "kinds": text_search.KINDS,
            "results": results,
            "query": query.urlencode(),
            "uses_full_text": text_search.uses_full_text(),
        },
    )
