"""The 2017 review is faithful to its three documents (issue 14): the peer team's feedback
report, the council's response and the January 2018 report to scrutiny.

Each check is written so that it fails when the fixture regresses: a link the report does
not support, a commitment of the response with no action, an action no document commits
to, a sentence left out of a note without "[…]", or a file name standing for a document.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from actions.models import Action, ProgressUpdate
from recommendations.models import RecommendationLink, Review
from recommendations.review_files.reading import parse_review_file
from recommendations.review_files.structure import iter_actions

FIXTURES = settings.BASE_DIR / "fixtures" / "southampton"
FIXTURE_2017 = FIXTURES / "cpc-2017.yaml"
REPORT_2017 = "2017-peer-challenge-feedback-report.txt"
RESPONSE_2017 = "2017-council-response.txt"
SCRUTINY_2018 = "2018-01-scrutiny-update-on-key-projects.txt"

SCRUTINY_TITLE = (
    "Update on key projects, report to the Overview and Scrutiny Management Committee, "
    "as at January 2018"
)
# A source document's file name as the extractions were first stored, e.g.
# "004_f3e1f7925f9d24ae.txt": never a `source`, never on a page.
SEED_FILE_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
GAP = "[…]"


def running_text(text: str) -> str:
    """A document or a field as running text: no bullets, no paragraph numbers, no line
    breaks (a word hyphenated across a line is joined again), single spaces. Case and
    punctuation are kept, so "verbatim" means word for word."""
    text = re.sub(r"-[ \t]*\n\s*", "-", text)
    text = text.replace("\uf0b7", " ").replace("•", " ").replace("**", "")
    text = re.sub(r"\s+", " ", text)
    # The scrutiny report numbers its paragraphs ("... savings for 2018/19. 15. One of ...").
    return re.sub(r"(?<=[.:] )\d{1,2}\. (?=[A-Z])", "", text).strip()


@pytest.fixture
def source(sources_dir):
    def read(name: str) -> str:
        return running_text((sources_dir / name).read_text(encoding="utf-8"))

    return read


def unmarked_gaps(text: str, document: str) -> list[str]:
    """The pieces of `text` between "[…]" marks that are not one unbroken run of the
    document: a sentence or a paragraph left out inside a piece without saying so."""
    pieces = (running_text(piece) for piece in text.split(GAP))
    return [piece for piece in pieces if piece and piece not in document]


# Relations between reviews ------------------------------------------------------------------

# Where the 2017 report says a 2013 problem has been dealt with: (its words, the 2017
# recommendation the passage concerns, the 2013 issue).
DEALT_WITH = [
    ("The Council has responded impressively to this.", "8.6", "5"),
    ("This is another area of notable progress since the peer challenge in 2013.", "8.3", "7"),
]

# The report's caveats each assessment must keep: (later, earlier review, earlier, words).
CAVEATS = [
    ("1", "cpc-2013", "2", "longer term planning may potentially be compromised"),
    ("2", "cpc-2013", "2", "will not be fully recognised until the digital transformation"),
    ("3", "cpc-2013", "4", "There is scope to push that further"),
    ("6", "cpc-2013", "4", "albeit a need to get a better grip on some of that"),
    ("6", "cpc-2013", "4", "Work has already started to address this, but more pace is needed."),
    ("7", "cpc-2013", "2", "But the challenge ahead remains significant"),
    ("7", "cpc-2013", "2", "there is no room for complacency."),
    ("7", "cpc-2013", "2", "whether there is currently an 'optimism bias'"),
    ("7", "cpc-2013", "2", "There is a need to ensure planned savings are delivered"),
    ("8.3", "cpc-2013", "7", "staff satisfaction and sickness absence"),
    ("8.6", "cpc-2013", "5", "It now needs to utilise the data in a more strategic"),
    ("8.6", "cpc-2013", "5", "There is undoubtedly work to do to further embed arrangements"),
]

# The report refers to the 2013 peer challenge "where relevant to do so"; a passage that
# does not is not an assessment of a 2013 area.
REFERS_TO_2013 = re.compile(r"2013|since the last peer challenge")


def links_2017():
    return RecommendationLink.objects.filter(later__review__slug="cpc-2017").select_related(
        "later", "earlier__review"
    )


@pytest.mark.usefixtures("southampton")
class TestRelations:
    @pytest.mark.parametrize(("words", "later", "earlier"), DEALT_WITH)
    def test_where_the_report_says_a_problem_was_dealt_with_the_link_addresses_it(
        self, source, words, later, earlier
    ):
        assert words in source(REPORT_2017)
        link = RecommendationLink.objects.get(
            later__review__slug="cpc-2017",
            later__number=later,
            earlier__review__slug="cpc-2013",
            earlier__number=earlier,
        )

        assert link.relation == "addresses"
        assert words in running_text(link.quote)

    def test_no_link_says_addresses_without_the_report_saying_so(self):
        addresses = {
            (link.later.number, link.earlier.number, link.quote)
            for link in links_2017().filter(relation="addresses")
        }

        assert addresses == {(later, earlier, words) for words, later, earlier in DEALT_WITH}

    def test_every_quote_and_assessment_is_word_for_word_from_the_report(self, source):
        report = source(REPORT_2017)
        links = list(links_2017())

        assert len(links) == 9
        for link in links:
            where = f"{link.later.number} -> {link.earlier.review.slug} {link.earlier.number}"
            assert running_text(link.quote) in report, where
            assert running_text(link.quote) in running_text(link.assessment), where
            assert unmarked_gaps(link.assessment, report) == [], where

    def test_a_link_to_2013_is_only_where_the_passage_refers_to_2013(self):
        for link in links_2017().filter(earlier__review__slug="cpc-2013"):
            assert REFERS_TO_2013.search(link.assessment), link.later.number

    @pytest.mark.parametrize(("later", "review", "earlier", "words"), CAVEATS)
    def test_assessments_keep_the_reports_caveats(self, later, review, earlier, words):
        link = links_2017().get(
            later__number=later, earlier__review__slug=review, earlier__number=earlier
        )

        assert words in running_text(link.assessment)


def test_the_gap_check_finds_a_sentence_left_out_without_a_mark():
    document = running_text("One. Two. Three.")

    assert unmarked_gaps("One. Three.", document) == ["One. Three."]
    assert unmarked_gaps("One. […] Three.", document) == []


# Commitments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commitment:
    said: str  # the response's words, verbatim
    ref: str  # the action that carries it
    # Where the action is worded from the January 2018 report instead: words of its text.
    action_says: str = ""


# Every concrete commitment in the council's response, and the action that carries it.
COMMITMENTS = [
    Commitment("Next refresh of the Council Strategy will take this into account.", "1-a"),
    Commitment(
        "The move to 4 yearly elections is a political issue which will need consideration "
        "by elected Members",
        "1-b",
    ),
    Commitment(
        "All Executive Commitments have been incorporated into the following sections of the "
        "5 Outcome Pans",
        "2-a",
    ),
    Commitment(
        "A prioritisation plan has been developed and will be managed by the council\u2019s "
        "Programme Management Office",
        "3-a",
    ),
    Commitment("all appraisals for 2018/19 have to be completed by early April 2018", "3-b"),
    Commitment(
        "Explicit alignment and linkage between Council Strategy, Medium Term Financial "
        "Strategy, Workforce Strategy, Customer Strategy and the Digital Strategy is shown in "
        "Appendix 5",
        "3-c",
    ),
    Commitment("emphasised through Induction Plus (for existing staff)", "3-d"),
    Commitment(
        "this recommendation will be reflected in the development and approval of the next "
        "version of the masterplan",
        "4-a",
    ),
    Commitment("the remaining are on track to be completed", "4-b"),
    Commitment(
        "The City branding and profile is being led by a city wide group of stakeholders", "5-a"
    ),
    Commitment(
        "Refreshed Communications Strategy to reflect council ambitions, branding and the use "
        "of social media",
        "5-b",
    ),
    Commitment("The council branding and use of social media is under regular review", "5-c"),
    Commitment(
        "have been incorporated into the implementation of the Digital Strategy and Customer "
        "Strategy approved by Cabinet in January 2018",
        "6-a",
    ),
    Commitment(
        "first set of projects focussing on ERP (linking financial and HR systems)",
        "6.3-a",
        action_says="upgrade of Agresso/Business World",
    ),
    Commitment(
        "work is also underway in defining the scope of what we would like from a CRM system",
        "6.5-a",
    ),
    Commitment("client case management for social work", "6.6-a"),
    Commitment(
        "Joint work is being planned on ensuring the learning and development programme led "
        "by HR&OD and the change management programme led by the PMO",
        "6.7-a",
    ),
    Commitment(
        "The council monitors the financial position on a monthly basis for management "
        "purposes and will continue to do so",
        "7-a",
    ),
    Commitment("a further section has been added to the Cabinet and Council reports", "7-b"),
    Commitment(
        "budget holders becoming responsible for the forecast of their financial position",
        "7-c",
    ),
    Commitment("a requirement for the 2019/20 budget gap to be resolved", "7-d"),
    Commitment(
        "review of all the savings proposals and associated risk (similar to that carried out "
        "at the last budget setting)",
        "7-i",
    ),
    Commitment(
        "being taken into account in determining the appropriate level of reserves and balances",
        "7-i",
    ),
    Commitment("Implementation of the Workforce and Digital Strategies", "8-a"),
    Commitment(
        "Review of processes and policies to enable greater empowerment for managers to make "
        "decisions",
        "8.1-a",
    ),
    Commitment(
        "Development of a single prioritised list of programmes and projects, managed centrally",
        "8.2-a",
    ),
    Commitment(
        "Staff wellbeing programme, linked to Digital and Accommodation strategies, jointly led "
        "by HR&OD and Public Health",
        "8.3-a",
    ),
    Commitment("work is underway on a management development programme", "8.4-a"),
    Commitment("L&D programme has been developed", "8.4-b"),
    Commitment("The roll out of the ERP system will enable to all paper based systems", "8.5-a"),
    Commitment(
        "The Digital programme and the GDPR project is designed to enable greater efficiency",
        "8.6-a",
    ),
    Commitment(
        "The Leader has given his commitment that there will be no further restructuring of the "
        "organisation",
        "8.7-a",
    ),
]


def commitments_without_action(
    commitments: list[Commitment], actions: dict[str, str], response: str
) -> list[str]:
    """What is wrong with `commitments` against the response and the review's actions (ref
    to text): a commitment the response does not make, or one no action carries."""
    problems = []
    for commitment in commitments:
        if commitment.said not in response:
            problems.append(f"not in the response: {commitment.said!r}")
        text = actions.get(commitment.ref)
        if text is None:
            problems.append(f"no action {commitment.ref} for: {commitment.said!r}")
        elif (commitment.action_says or commitment.said).casefold() not in running_text(
            text
        ).casefold():
            problems.append(f"action {commitment.ref} does not carry: {commitment.said!r}")
    return problems


def actions_from_no_document(
    actions: dict[str, str], commitments: list[Commitment], scrutiny: str
) -> list[str]:
    """The refs of actions that carry no commitment of the response and are not worded from
    the January 2018 report either (whose words an action may begin in the middle of a
    sentence, so case is not compared)."""
    carried = {commitment.ref for commitment in commitments}
    return [
        ref
        for ref, text in actions.items()
        if ref not in carried and running_text(text).casefold() not in scrutiny.casefold()
    ]


def actions_in_file(document: dict) -> dict[str, str]:
    return {action["ref"]: action["text"] for _path, action, _number in iter_actions(document)}


@pytest.fixture
def fixture_2017() -> dict:
    return parse_review_file(FIXTURE_2017.read_bytes(), file_name=FIXTURE_2017.name).data


class TestCommitments:
    def test_every_commitment_of_the_response_has_an_action_once_loaded(self, southampton, source):
        loaded = dict(Action.objects.filter(review__slug="cpc-2017").values_list("ref", "text"))

        assert commitments_without_action(COMMITMENTS, loaded, source(RESPONSE_2017)) == []

    def test_every_action_comes_from_a_commitment_or_the_january_2018_report(
        self, southampton, source
    ):
        loaded = dict(Action.objects.filter(review__slug="cpc-2017").values_list("ref", "text"))

        assert actions_from_no_document(loaded, COMMITMENTS, source(SCRUTINY_2018)) == []

    def test_the_check_reports_a_commitment_whose_action_is_missing(self, fixture_2017, source):
        for recommendation in fixture_2017["recommendations"]:
            if recommendation["number"] == "7":
                recommendation["actions"] = [
                    action for action in recommendation["actions"] if action["ref"] != "7-i"
                ]
        actions = actions_in_file(fixture_2017)

        assert commitments_without_action(COMMITMENTS, actions, source(RESPONSE_2017)) == [
            "no action 7-i for: 'review of all the savings proposals and associated risk "
            "(similar to that carried out at the last budget setting)'",
            "no action 7-i for: 'being taken into account in determining the appropriate "
            "level of reserves and balances'",
        ]

    def test_the_check_reports_an_action_that_does_not_carry_its_commitment(
        self, fixture_2017, source
    ):
        actions = actions_in_file(fixture_2017) | {"1-b": "Four yearly elections"}

        assert commitments_without_action(COMMITMENTS, actions, source(RESPONSE_2017)) == [
            "action 1-b does not carry: 'The move to 4 yearly elections is a political issue "
            "which will need consideration by elected Members'"
        ]

    def test_the_check_reports_words_the_response_does_not_say(self, fixture_2017, source):
        invented = Commitment("A review of elections will report by May 2018", "1-b")

        assert commitments_without_action(
            [invented], actions_in_file(fixture_2017), source(RESPONSE_2017)
        ) == [
            "not in the response: 'A review of elections will report by May 2018'",
            "action 1-b does not carry: 'A review of elections will report by May 2018'",
        ]

    def test_the_check_reports_an_action_no_document_commits_to(self, fixture_2017, source):
        actions = actions_in_file(fixture_2017) | {"8.7-b": "Review the restructure in 2019"}

        assert actions_from_no_document(actions, COMMITMENTS, source(SCRUTINY_2018)) == ["8.7-b"]


# People and statuses ------------------------------------------------------------------------


@pytest.mark.usefixtures("southampton")
class TestPeopleAndStatuses:
    def test_the_city_branding_is_led_by_the_group_the_response_names(self):
        action = Action.objects.get(review__slug="cpc-2017", ref="5-a")

        assert [lead.name for lead in action.leads.all()] == [
            "a city wide group of stakeholders, chaired by Brad Roynon, chair of Culture "
            "Southampton"
        ]
        assert action.leads.get().kind == "body"
        assert not Action.objects.filter(leads__name="Brad Roynon").exists()

    def test_no_action_has_an_owner_no_document_names(self):
        owned = Action.objects.filter(review__slug="cpc-2017", owner__isnull=False)

        assert list(owned.values_list("ref", flat=True)) == []

    def test_actions_the_january_2018_report_adds_have_no_status_of_their_own(self):
        carried = {commitment.ref for commitment in COMMITMENTS}
        added = Action.objects.filter(review__slug="cpc-2017").exclude(ref__in=carried)

        assert sorted(added.values_list("ref", flat=True)) == [
            "6-b",
            "6-c",
            "6-d",
            "6-e",
            "6-f",
            "7-e",
            "7-f",
            "7-g",
            "7-h",
        ]
        # Their position is their January 2018 update's, where its words give one.
        assert [(action.ref, action.status) for action in added if action.status] == []


# The January 2018 report --------------------------------------------------------------------


@pytest.mark.usefixtures("southampton")
class TestJanuary2018Report:
    def test_every_update_names_the_report_it_comes_from(self):
        sources = set(
            ProgressUpdate.objects.filter(action__review__slug="cpc-2017").values_list(
                "source", flat=True
            )
        )

        assert sources == {SCRUTINY_TITLE}

    def test_every_note_marks_what_it_leaves_out(self, source):
        scrutiny = source(SCRUTINY_2018)

        for update in ProgressUpdate.objects.filter(action__review__slug="cpc-2017"):
            assert unmarked_gaps(update.note, scrutiny) == [], update.action.ref

    @pytest.mark.parametrize(
        ("words", "ref"),
        [
            ("the Housing Transformation project was affected by factors outside", "6-d"),
            ("a bid has been submitted to the Government for £8M of funding", "6-e"),
            ("lower-visibility \u2018business as usual\u2019 projects and initiatives", "6-f"),
            ("A dedicated Joint Consultative Group has been established for the LATCO", "7-h"),
            ("The consultation will close on the 10th April 2018.", "7-h"),
            ("The Client relationship is managed through regular HR client meetings", "8-a"),
            ("targeted recruitment to increase the number of suitable and vetted staff", "8-a"),
            ("The PMO is supporting a number of enabling projects", "7-f"),
            ("Focused foster carer recruitment is also underway", "7-g"),
        ],
    )
    def test_items_once_recorded_nowhere_are_updates_on_their_action(self, source, words, ref):
        assert words in source(SCRUTINY_2018)
        update = ProgressUpdate.objects.get(action__review__slug="cpc-2017", action__ref=ref)

        assert words in running_text(update.note)


# Sources ------------------------------------------------------------------------------------


def test_no_file_name_stands_for_a_document_in_any_fixture_or_the_format_page():
    paths = [*sorted(FIXTURES.glob("*.yaml")), settings.BASE_DIR / "docs" / "review-format.md"]
    assert len(paths) == 4
    for path in paths:
        names = SEED_FILE_NAME.findall(Path(path).read_text(encoding="utf-8"))
        assert names == [], path.name


def test_the_file_name_pattern_finds_a_seed_file_name():
    assert SEED_FILE_NAME.findall("source: 004_f3e1f7925f9d24ae.txt") == [
        "004_f3e1f7925f9d24ae.txt"
    ]


def test_review_pages_and_the_2017_actions_name_documents_not_files(signed_in, cmt_viewer):
    client = signed_in(cmt_viewer)
    review = Review.objects.get(slug="cpc-2017")
    base = "/organisations/southampton/reviews/cpc-2017/"
    pages = {
        "review": client.get(base).content.decode(),
        "2013 review": client.get("/organisations/southampton/reviews/cpc-2013/").content.decode(),
        "KPMG review": client.get("/organisations/southampton/reviews/kpmg-2014/").content.decode(),
        "timeline": client.get("/organisations/southampton/timeline/").content.decode(),
    }
    for action in Action.objects.filter(review=review, updates__isnull=False).distinct():
        pages[action.ref] = client.get(f"{base}actions/{action.ref}/").content.decode()

    assert "LGA Corporate Peer Challenge, Southampton City Council" in pages["review"]
    assert len(pages) == 4 + 16
    for name, html in pages.items():
        assert SEED_FILE_NAME.findall(html) == [], name
        if name not in ("review", "2013 review", "KPMG review", "timeline"):
            assert f"Source: {SCRUTINY_TITLE}" in html, name
