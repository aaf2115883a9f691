"""Search over what councils and peer teams wrote: recommendations, actions and progress
updates.

PostgreSQL (production): full-text search in the English configuration, so "managing"
finds "management" and "the" finds nothing; GIN expression indexes (migration 0007) keep it
fast over a million updates; results are ranked (ts_rank, a recommendation's title weighing
more than its text) and each carries a headline, the passage that matched with the words
marked. The query reads as people type into search boxes (websearch_to_tsquery): every
word must appear, "a quoted phrase" must appear as written, `or` between words and a `-`
before a word are understood.

SQLite (development and the quick start): a plain fallback with the same interface. Every
word (or quoted phrase) must appear somewhere in the searched fields, case-insensitively;
results come newest first; the headline is cut in Python around the first match.

Headlines mark matches with two private-use characters that nobody types: the template
filter `marked` escapes the whole text first and only then turns them into <mark> tags, so
a match can never smuggle markup onto the page.
"""

import datetime
import itertools
import re
import shlex
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import Expression
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.functional import cached_property

from recommendations.models import Recommendation

from .models import Action, ProgressUpdate

MARK_START, MARK_END = "\ue000", "\ue001"
CONFIG = "english"
# Counting every match of a common word across the country costs more than it tells
# anyone: past this many, the page says "more than" and shows the most recent.
MOST_RESULTS = 1000
# Where the newest matches are looked for first, in days back from today (see newest_of).
RECENT_WINDOWS = (365, 4 * 365)
HEADLINE_WORDS = 35


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


# The searched fields of each model, with their PostgreSQL weights. The GIN indexes of
# migration 0007 are built from exactly these vectors, or the database would not use them
# (test_search_postgresql.py checks it does).
FIELDS = {
    Recommendation: (("title", "A"), ("text", "B")),
    Action: (("text", "A"),),
    ProgressUpdate: (("note", "A"),),
}


# Progress updates (a million rows at national scale) keep their document in a generated
# column on PostgreSQL (migration 0008), equal to document() of FIELDS. Django does not know
# the column, so it is named bare: no other table search joins has a column of that name,
# and a bare name stays right when Django relabels a query's tables as a subquery.
STORED_DOCUMENTS = {ProgressUpdate: "search_document"}


class StoredColumn(Expression):
    """A column the database keeps but the model does not declare, by its bare name."""

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return connection.ops.quote_name(self.name), []


def document(model):
    """The text of `model` that search reads, as one tsvector expression."""
    if model in STORED_DOCUMENTS and uses_full_text():
        return StoredColumn(STORED_DOCUMENTS[model], output_field=SearchVectorField())
    return computed_document(model)


def computed_document(model) -> SearchVector:
    """document() computed from the fields, as the GIN expression indexes are built."""
    vectors = [SearchVector(name, weight=weight, config=CONFIG) for name, weight in FIELDS[model]]
    return reduce(lambda left, right: left + right, vectors)


def search_query(words: str) -> SearchQuery:
    """`words` as people type them into a search box (PostgreSQL's websearch syntax)."""
    return SearchQuery(words, config=CONFIG, search_type="websearch")


def terms_of(words: str) -> list[str]:
    """The words and "quoted phrases" of a search, for the SQLite fallback."""
    try:
        terms = shlex.split(words)
    except ValueError:  # an unmatched quote: read the words as they are
        terms = words.replace('"', " ").split()
    return [term for term in terms if term.strip() and term.lower() != "or"]


def matching[Q_: QuerySet](queryset: Q_, words: str) -> Q_:
    """The rows of `queryset` whose searched text matches `words`, unordered."""
    model = queryset.model
    if uses_full_text():
        return queryset.alias(search_document=document(model)).filter(
            search_document=search_query(words)
        )
    fields = [name for name, _ in FIELDS[model]]
    terms = terms_of(words)
    if not terms:
        return queryset.none()
    return queryset.filter(
        reduce(
            and_,
            (reduce(or_, (Q(**{f"{name}__icontains": term}) for name in fields)) for term in terms),
        )
    )


def ranked[Q_: QuerySet](queryset: Q_, words: str, *, newest: str) -> Q_:
    """`matching`, best first (PostgreSQL; of the newest MOST_RESULTS matches) or newest
    first by `newest` (SQLite)."""
    found = matching(queryset, words)
    if uses_full_text():
        # Ranking reads each match's text again, and a common word across every council
        # matches a hundred thousand updates: rank the newest MOST_RESULTS matches, which
        # are all the page would show anyway, rather than all of them.
        newest_matches = newest_of(found, newest)
        return (
            queryset.filter(pk__in=newest_matches)
            .annotate(rank=SearchRank(document(queryset.model), search_query(words)))
            .order_by("-rank", f"-{newest}", "-pk")
        )
    return found.annotate(rank=Value(0.0)).order_by(f"-{newest}", "-pk")


def newest_of(found: QuerySet, newest: str) -> QuerySet:
    """The keys of the newest MOST_RESULTS rows of `found`, newest by the date `newest`.

    Sorting every match by date means reading every matching row: a word in a tenth of a
    million updates took 300 ms. When the date is the model's own (indexed) column, the
    matches are read a window at a time instead (the last year, the three before it, then
    the rest), each window's newest first, and PostgreSQL stops reading windows once it has
    enough rows, so a common word reads only its last year's matches. The windows run in
    order (UNION ALL under a LIMIT), which yields the same rows as one sort of them all.
    """
    if LOOKUP_SEP in newest:
        return found.order_by("-" + newest, "-pk").values("pk")[:MOST_RESULTS]

    # Each window in order of its date plus nothing, not of the date column itself. With the
    # column, PostgreSQL may walk the date index newest first testing each row until it has
    # enough: quick for a common word, the whole table (over a second) for two common words
    # that never meet, as it cannot tell them apart. With the expression it reads a window's
    # matches through both indexes and sorts them: at worst, all of one window's matches.
    newest_first = ExpressionWrapper(
        F(newest) + datetime.timedelta(0), output_field=DateTimeField()
    ).desc()

    def keys(rows: QuerySet) -> QuerySet:
        return rows.order_by(newest_first, "-pk").values("pk")[:MOST_RESULTS]

    today = timezone.localdate()
    cut_offs = [today - datetime.timedelta(days=days) for days in RECENT_WINDOWS]
    windows = [found.filter(**{f"{newest}__gte": cut_offs[0]})]
    windows += [
        found.filter(**{f"{newest}__lt": later, f"{newest}__gte": earlier})
        for later, earlier in itertools.pairwise(cut_offs)
    ]
    windows.append(found.filter(**{f"{newest}__lt": cut_offs[-1]}))
    newest_window, *older = (keys(window) for window in windows)
    return newest_window.union(*older, all=True).order_by()[:MOST_RESULTS]


def with_headlines[Q_: QuerySet](queryset: Q_, words: str) -> Q_:
    """Annotate `headline_<field>` for each searched field. PostgreSQL cuts them after its
    sort and limit, so only for the rows a page fetches; SQLite's come from `headline`."""
    if not uses_full_text():
        return queryset
    query = search_query(words)
    options = {
        "config": CONFIG,
        "start_sel": MARK_START,
        "stop_sel": MARK_END,
        "max_words": HEADLINE_WORDS,
        "min_words": 15,
    }
    return queryset.annotate(
        **{
            f"headline_{name}": SearchHeadline(_without_markers(F(name)), query, **options)
            for name, _ in FIELDS[queryset.model]
        }
    )


def _without_markers(text):
    """The text with any marker characters someone typed taken out, so only search's own
    marks become <mark> tags."""
    return Replace(Replace(text, Value(MARK_START), Value("")), Value(MARK_END), Value(""))


def headline(text: str, words: str) -> str:
    """The passage of `text` around the first match, matches marked (SQLite fallback)."""
    text = (text or "").replace(MARK_START, "").replace(MARK_END, "")
    terms = sorted(terms_of(words), key=len, reverse=True)
    if not terms or not text:
        return text
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    first = pattern.search(text)
    tokens = text.split()
    if first is None or len(tokens) <= HEADLINE_WORDS:
        passage = text
    else:
        before = len(text[: first.start()].split())
        start = max(0, before - HEADLINE_WORDS // 3)
        chosen = tokens[start : start + HEADLINE_WORDS]
        passage = (
            ("… " if start else "")
            + " ".join(chosen)
            + (" …" if start + HEADLINE_WORDS < len(tokens) else "")
        )
    return pattern.sub(lambda match: f"{MARK_START}{match.group(0)}{MARK_END}", passage)


def headlines_of(row, words: str) -> dict[str, str]:
    """{field: headline} for one fetched row, from the database or cut here."""
    names = [name for name, _ in FIELDS[type(row)]]
    if uses_full_text():
        return {name: getattr(row, f"headline_{name}", "") for name in names}
    return {name: headline(getattr(row, name), words) for name in names}


@dataclass(frozen=True)
class Kind:
    """One kind of thing search finds, and how to show where a match is."""

    key: str
    label: str
    singular: str
    model: type
    newest: str
    related: tuple[str, ...]

    def base(self, user) -> QuerySet:
        return self.model.objects.visible_to(user).select_related(*self.related)


KINDS = [
    Kind(
        "recommendations",
        "Recommendations",
        "recommendation",
        Recommendation,
        "review__started_on",
        ("review__organisation", "parent"),
    ),
    Kind("actions", "Actions", "action", Action, "review__started_on", ("review__organisation",)),
    Kind(
        "updates",
        "Progress updates",
        "progress update",
        ProgressUpdate,
        "on",
        ("action__review__organisation",),
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


class CappedPaginator(Paginator):
    """A paginator over at most MOST_RESULTS rows, counted with one bounded query.

    `counted` is the same rows without ranking or headlines, which a count does not need.
    """

    def __init__(self, object_list, per_page: int, *, counted: QuerySet):
        super().__init__(object_list[:MOST_RESULTS], per_page)
        self.counted = counted
        self.found = 0

    @cached_property
    def count(self) -> int:
        # COUNT(*) over at most MOST_RESULTS + 1 rows: enough to say "more than".
        self.found = self.counted[: MOST_RESULTS + 1].count()
        return min(self.found, MOST_RESULTS)

    @property
    def more_than_shown(self) -> bool:
        return self.found > MOST_RESULTS


@dataclass
class Results:
    kind: Kind
    page: object  # django.core.paginator.Page
    words: str

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def more_than_shown(self) -> bool:
        return self.page.paginator.more_than_shown

    @property
    def hits(self) -> list["Hit"]:
        """Each row of the page with its headlines, the passages that matched."""
        return [Hit(row, headlines_of(row, self.words)) for row in self.page.object_list]


@dataclass(frozen=True)
class Hit:
    row: object
    headlines: dict[str, str]

    @property
    def matched_in(self) -> set[str]:
        """The searched fields where the words were found (a stemmed match on PostgreSQL;
        empty if the match was only a negation or a stop word)."""
        return {name for name, text in self.headlines.items() if MARK_START in text}


def search(user, words: str, *, kind: Kind, page_number=1, per_page: int = 20) -> Results:
    """One page of the user's matches of one kind, best first: two queries."""
    base = kind.base(user)
    best_first = with_headlines(ranked(base, words, newest=kind.newest), words)
    # Unordered for counting: the models' default order would make the database sort
    # every match just to count them.
    paginator = CappedPaginator(best_first, per_page, counted=matching(base, words).order_by())
    return Results(kind, paginator.get_page(page_number), words)


def matching_action_ids(words: str) -> Q:
    """A condition for the action list: the action's text, its recommendation's, or any of
    its updates' notes match `words`. Subqueries, not joins, so no row repeats."""
    return (
        Q(pk__in=matching(Action.objects.all(), words).values("pk"))
        | Q(recommendation__in=matching(Recommendation.objects.all(), words).values("pk"))
        | Q(pk__in=matching(ProgressUpdate.objects.all(), words).values("action_id"))
    )
