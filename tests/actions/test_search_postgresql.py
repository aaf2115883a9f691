"""Full-text search on PostgreSQL: English stemming, ranking, the websearch syntax, and the
GIN indexes of migration 0007 actually serving the queries search makes."""

import datetime

import pytest
from django.db import connection

from actions import search
from actions.models import Action, ProgressUpdate
from recommendations.models import Recommendation
from tests.factories import (
    ActionFactory,
    OrganisationFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(make_user):
    OrganisationFactory(slug="bigshire", name="Bigshire Council")
    return make_user("viewer", "Viewer", organisation="bigshire")


def review():
    return ReviewFactory(organisation=OrganisationFactory(slug="bigshire"))


def test_words_match_by_their_english_stem_and_the_headline_marks_them(client, viewer):
    RecommendationFactory(
        review=review(), title="Workforce", text="Improve management of agency staff."
    )
    client.force_login(viewer)

    response = client.get("/search/", {"q": "managing"})

    [recommendations, *_] = response.context["results"]
    assert recommendations.count == 1
    assert "<mark>management</mark>" in response.content.decode()


def test_a_match_in_the_title_ranks_above_one_in_the_wording(client, viewer):
    reviewed = review()
    RecommendationFactory(review=reviewed, number="1", title="Culture", text="Fix procurement.")
    RecommendationFactory(review=reviewed, number="2", title="Procurement", text="Fix it.")
    client.force_login(viewer)

    response = client.get("/search/", {"q": "procurement", "kind": "recommendations"})

    [result] = response.context["results"]
    assert [hit.row.number for hit in result.hits] == ["2", "1"]
    assert result.hits[0].row.rank > result.hits[1].row.rank


def test_websearch_syntax_excludes_and_alternates(client, viewer):
    reviewed = review()
    recommendation = RecommendationFactory(review=reviewed)
    ActionFactory(recommendation=recommendation, ref="1", text="Review parking charges.")
    ActionFactory(recommendation=recommendation, ref="2", text="Review parking enforcement.")
    ActionFactory(recommendation=recommendation, ref="3", text="Review libraries.")
    client.force_login(viewer)

    def refs(words):
        response = client.get("/search/", {"q": words, "kind": "actions"})
        return sorted(hit.row.ref for hit in response.context["results"][0].hits)

    assert refs("parking -enforcement") == ["1"]
    assert refs("charges or libraries") == ["1", "3"]
    assert refs('"parking charges"') == ["1"]


@pytest.mark.parametrize(
    ("model", "index"),
    [
        (Recommendation, "recommendation_search"),
        (Action, "action_search"),
        (ProgressUpdate, "progress_update_document"),
    ],
)
def test_the_gin_index_serves_the_search_query(model, index):
    # The match condition alone (no joins, no ordering), with sequential and plain index
    # scans ruled out: a table this small would otherwise be read whole, or through another
    # index, whatever its GIN index. What remains is a bitmap scan of an index that serves
    # the condition, and only an index built on the same expression can.
    ProgressUpdateFactory.create_batch(3, note="Bins collected.")
    queryset = search.matching(model.objects.all(), "bins").order_by().values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        plan = queryset.explain()

    assert index in plan


def test_an_updates_stored_document_equals_the_one_computed_from_its_note():
    update = ProgressUpdateFactory(note="Consultation on housing delivery closed.")
    empty = ProgressUpdateFactory(note="")

    documents = {
        pk: (stored, computed)
        for pk, stored, computed in ProgressUpdate.objects.annotate(
            stored=search.document(ProgressUpdate),
            computed=search.computed_document(ProgressUpdate),
        ).values_list("pk", "stored", "computed")
    }

    assert documents[update.pk] == ("'close':5A 'consult':1A 'deliveri':4A 'hous':3A",) * 2
    assert documents[empty.pk] == ("",) * 2


@pytest.mark.parametrize("limit", [2, 3, 5, 10])
def test_ranking_considers_the_newest_matches_across_the_date_windows(monkeypatch, limit):
    # Matches in the last year, in the three years before, and older, out of date order;
    # with room for `limit` of them, search must pick exactly the `limit` newest.
    today = datetime.date.today()
    days_ago = [3000, 20, 400, 2000, 900, 100, 5000, 1500]
    action = ActionFactory()
    for days in days_ago:
        ProgressUpdateFactory(action=action, on=today - datetime.timedelta(days=days), note="Bins")
    ProgressUpdateFactory(action=action, on=today, note="Nothing to see")
    monkeypatch.setattr(search, "MOST_RESULTS", limit)

    newest = search.newest_of(search.matching(ProgressUpdate.objects.all(), "bins"), "on")
    picked = ProgressUpdate.objects.filter(pk__in=newest)

    expected = sorted(days_ago)[:limit]
    assert sorted((today - update.on).days for update in picked) == expected
