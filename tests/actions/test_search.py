"""Search over recommendation, action and progress-update text, on either database: what
it finds, that it says where the match is, that it only finds what the user may see, and
that what it shows is escaped. PostgreSQL's own behaviour (stemming, ranking, the GIN
indexes) is tested in test_search_postgresql.py."""

import datetime

import pytest

from actions import search
from actions.templatetags.search_tags import marked
from tests.factories import (
    ActionFactory,
    OrganisationFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(make_user):
    """Bigshire, with one recommendation, action and update each mentioning a different
    subject, and a signed-in viewer."""
    organisation = OrganisationFactory(slug="bigshire", name="Bigshire Council")
    review = ReviewFactory(organisation=organisation, slug="cpc-2020", title="CPC 2020")
    recommendation = RecommendationFactory(
        review=review,
        number="1",
        title="Grip the medium term financial strategy",
        text="The council should close its budget gap with a credible savings plan.",
    )
    action = ActionFactory(
        recommendation=recommendation, ref="1-a", text="Commission a waste collection review."
    )
    ProgressUpdateFactory(
        action=action,
        on=datetime.date(2021, 3, 12),
        note="Scrutiny panel briefed on the libraries consultation.",
        author="Head of Policy",
    )
    return make_user("viewer", "Viewer", organisation="bigshire")


def found(client, words, **params):
    response = client.get("/search/", {"q": words, **params})
    assert response.status_code == 200
    return response, {
        result.kind.key: [hit.row for hit in result.hits] for result in response.context["results"]
    }


def test_search_finds_each_kind_and_says_where_the_match_is(client, council):
    client.force_login(council)

    _, by_title = found(client, "strategy")
    _, by_action = found(client, "waste")
    page, by_note = found(client, "libraries")

    assert [r.number for r in by_title["recommendations"]] == ["1"]
    assert by_title["actions"] == by_title["updates"] == []
    assert [a.ref for a in by_action["actions"]] == ["1-a"]
    assert [u.note for u in by_note["updates"]] == [
        "Scrutiny panel briefed on the libraries consultation."
    ]
    html = page.content.decode()
    assert "<mark>libraries</mark>" in html
    assert "Update of 12 March 2021 on action 1-a" in html
    assert "Bigshire Council, CPC 2020. Found in the progress note by Head of Policy" in html
    update = by_note["updates"][0]
    assert (
        f'href="/organisations/bigshire/reviews/cpc-2020/actions/1-a/#update-{update.pk}"' in html
    )


def test_the_result_says_which_field_of_a_recommendation_matched(client, council):
    client.force_login(council)

    in_title = found(client, "strategy")[0].content.decode()
    in_text = found(client, "savings")[0].content.decode()

    assert "Found in its title" in in_title
    assert "Found in its wording" in in_text
    assert "<mark>savings</mark>" in in_text


def test_every_word_must_appear_and_a_quoted_phrase_as_written(client, council):
    client.force_login(council)

    assert found(client, "waste collection")[1]["actions"]
    assert not found(client, "waste libraries")[1]["actions"]
    assert found(client, '"waste collection review"')[1]["actions"]
    assert not found(client, '"collection waste"')[1]["actions"]


def test_another_councils_words_are_never_found(client, council, make_user):
    elsewhere = ReviewFactory(organisation=OrganisationFactory(slug="elsewhere"))
    ActionFactory(recommendation=RecommendationFactory(review=elsewhere), text="More waste.")
    client.force_login(council)

    _, results = found(client, "waste")

    assert [a.ref for a in results["actions"]] == ["1-a"]


def test_the_action_list_search_matches_update_notes_without_repeating_actions(client, council):
    action = search.Action.objects.get(ref="1-a")
    ProgressUpdateFactory(action=action, note="The libraries consultation has closed.")
    client.force_login(council)

    response = client.get("/actions/", {"q": "libraries consultation"})

    assert [a.ref for a in response.context["page"].object_list] == ["1-a"]


def test_see_all_pages_through_one_kind(client, council):
    action = search.Action.objects.get(ref="1-a")
    for day in range(1, 26):
        ProgressUpdateFactory(action=action, on=datetime.date(2022, 1, day), note=f"Bins {day}.")
    client.force_login(council)

    overview, first = found(client, "bins")
    second_page, second = found(client, "bins", kind="updates", page=2)

    assert len(first["updates"]) == 5
    assert "See all 25 matching progress updates" in overview.content.decode()
    assert list(second) == ["updates"]
    assert second_page.context["results"][0].page.number == 2
    assert len(second["updates"]) == 5
    assert 'href="?q=bins&amp;kind=updates&amp;page=1"' in second_page.content.decode()


def test_past_the_cap_the_page_says_more_than_and_shows_the_best(client, council, monkeypatch):
    monkeypatch.setattr(search, "MOST_RESULTS", 3)
    action = search.Action.objects.get(ref="1-a")
    for day in range(1, 6):
        ProgressUpdateFactory(action=action, on=datetime.date(2022, 1, day), note=f"Bins {day}.")
    client.force_login(council)

    page, results = found(client, "bins", kind="updates")

    assert "More than 3 matches" in page.content.decode()
    assert len(results["updates"]) == 3


def test_what_a_user_typed_is_escaped_in_results_and_headlines(client, council):
    action = search.Action.objects.get(ref="1-a")
    ProgressUpdateFactory(
        action=action, note='<script>alert("recycling")</script> \ue000forged\ue001 recycling'
    )
    client.force_login(council)

    html = found(client, "recycling")[0].content.decode()

    # (PostgreSQL's headline drops what looks like a tag; the fallback keeps it, escaped.)
    assert "<script>alert" not in html
    assert "forged <mark>recycling</mark>" in html
    assert "<mark>forged</mark>" not in html


def test_the_marked_filter_escapes_before_it_marks():
    headline = '<b onclick="x()">\ue000bins\ue001</b> & more'

    assert marked(headline) == (
        "&lt;b onclick=&quot;x()&quot;&gt;<mark>bins</mark>&lt;/b&gt; &amp; more"
    )


def test_the_marked_filter_escapes_inside_a_match_and_drops_stray_markers():
    headline = "\ue000<i>bins</i>\ue001 then \ue001 and \ue000 end"

    assert marked(headline) == ("<mark>&lt;i&gt;bins&lt;/i&gt;</mark> then  and <mark> end</mark>")


def test_search_terms_are_checked(client, council):
    client.force_login(council)

    too_long = client.get("/search/", {"q": "x" * 201})
    with_nul = client.get("/search/", {"q": "waste\x00"})

    assert "Search for 200 characters or fewer" in too_long.content.decode()
    assert too_long.context["results"] == []
    # A NUL byte never reaches the search: every request carrying one is refused first.
    assert with_nul.status_code == 400
    assert "Sorry, there is a problem with your request" in with_nul.content.decode()


def test_an_empty_search_shows_only_the_form(client, council):
    client.force_login(council)

    response = client.get("/search/")

    assert response.context["results"] == []
    assert "govuk-error-summary" not in response.content.decode()


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("Bins collected weekly.", "bins", "\ue000Bins\ue001 collected weekly."),
        ("Housing and HOUSING.", "housing", "\ue000Housing\ue001 and \ue000HOUSING\ue001."),
        (
            " ".join(f"w{n}" for n in range(100)) + " target " + "tail " * 50,
            "target",
            None,  # cut: checked below
        ),
    ],
)
def test_the_fallback_headline_marks_every_match_around_the_first(text, words, expected):
    cut = search.headline(text, words)

    if expected is not None:
        assert cut == expected
    else:
        assert cut.startswith("… ")
        assert cut.endswith(" …")
        assert "\ue000target\ue001" in cut
        assert len(cut.split()) <= search.HEADLINE_WORDS + 2


def test_the_fallback_reads_phrases_and_ignores_or_and_a_stray_quote():
    assert search.terms_of('bins "food waste" or recycling') == ["bins", "food waste", "recycling"]
    assert search.terms_of('"unfinished phrase') == ["unfinished", "phrase"]
