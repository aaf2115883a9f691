"""The 2013 action plan and KPMG's 2014 report, as careful readers of the documents find them:
rows split across pages stay separate commitments, the roadmaps' dated stages are milestones,
Appendix 5's recommendations are all there, the report's references back to 2013 are links,
and a source is named as a reader would find it, never by an extraction's file name."""

import datetime
import re

import pytest

from actions.models import Action, ProgressUpdate
from recommendations.models import Recommendation, RecommendationLink, Review
from tests.conftest import FIXTURES
from tests.recommendations.test_southampton_fixtures import (
    KPMG_2014,
    SCRUTINY_2018,
    assert_verbatim,
    normalise,
)

SCRUTINY_SOURCE = (
    "Update on key projects, report to the Overview and Scrutiny Management Committee, "
    "as at January 2018"
)


def action(ref: str) -> Action:
    return Action.objects.prefetch_related("action_leads__lead").get(
        review__slug="cpc-2013", ref=ref
    )


def leads(of: Action) -> list[str]:
    return [link.lead.name for link in of.action_leads.all()]


@pytest.mark.usefixtures("southampton")
class TestRowsSplitAcrossPages:
    def test_each_row_of_the_2013_plan_is_one_action_with_its_own_timescale(self):
        rows = list(
            Action.objects.filter(review__slug="cpc-2013")
            .order_by("position")
            .values_list("ref", "timescale")
        )

        # The plan's rows in table order; a row split over a page break with a second
        # commitment and timescale on the next page is two rows here (2-f/2-h, 7-a/7-b).
        assert rows == [
            ("1-a", "Agreed LGA input \u2013 work is underway"),
            ("1-b", "Decision by October 2013"),
            ("1-c", "Has started"),
            ("2-a", "Completed in September"),
            ("2-b", "Work is ongoing"),
            ("2-c", "Priorities agreed Ongoing challenge to achieve"),
            ("2-d", "Ongoing"),
            ("2-e", "2014"),
            ("2-f", "Started and ongoing"),
            ("2-h", "By September 2014"),
            ("2-g", "TBC"),
            ("3-a", "November 2014"),
            ("4-a", "January 2014 (Transformation and Improvement Board)"),
            ("4-b", "Agreed \u2013 work underway"),
            ("5-a", "By April 2014"),
            ("6-a", "October 2014 and ongoing"),
            ("7-a", "Plan to be agreed in Oct/Nov"),
            ("7-b", "Work on budget is underway\nOther work is ongoing"),
            ("8-a", "TBA"),
            ("8-b", ""),
            ("9-a", "Work has started - ongoing"),
            ("9-b", "Work has started and ongoing"),
            ("10-a", "October 2013 and ongoing"),
        ]

    def test_council_plan_review_and_policy_framework_stay_two_actions(self):
        review, framework = action("2-f"), action("2-h")

        assert review.text == (
            "Regular review of the Council Plan priorities to reflect resident feedback "
            "and link to budget process"
        )
        assert (review.timescale, review.due, review.status) == (
            "Started and ongoing",
            None,
            "in-progress",
        )
        assert framework.text == "Streamlined policy and performance framework"
        assert (framework.timescale, framework.due, framework.status) == (
            "By September 2014",
            datetime.date(2014, 9, 30),
            "",
        )
        # One Lead cell runs over the page break and covers both halves of the row.
        row_leads = ["Cabinet", "CMT", "Cllr Barnes-Andrews", "Andy Lowe", "Suki Sitaram"]
        assert leads(review) == leads(framework) == row_leads

    def test_communications_plan_and_the_bullets_over_the_page_stay_two_actions(self):
        plan, rest = action("7-a"), action("7-b")

        assert plan.text.splitlines()[0] == (
            "Develop and deliver an overall Communications Plan which will include:"
        )
        assert len(plan.text.splitlines()) == 2
        assert (plan.timescale, plan.due, plan.status) == (
            "Plan to be agreed in Oct/Nov",
            datetime.date(2013, 11, 30),
            "",
        )
        assert plan.support == "LGA Communications Director to assist"
        assert leads(plan) == ["Suki Sitaram", "Mike Watts", "Rosanna Coppen"]

        assert rest.text.splitlines()[0].startswith("\u2022 present a better narrative")
        assert len(rest.text.splitlines()) == 3
        assert (rest.due, rest.status) == (None, "in-progress")
        assert rest.support == "LGA workforce team to give examples on staff engagement"
        # The second row's Lead cell is empty on both pages.
        assert leads(rest) == []


@pytest.mark.usefixtures("southampton")
class TestPeopleAndUpdates2013:
    def test_the_plan_names_leads_and_no_owner(self):
        actions = Action.objects.filter(review__slug="cpc-2013")

        assert not actions.filter(owner__isnull=False).exists()
        assert leads(action("4-b")) == ["Adrian Richardson"]

    def test_the_january_2018_pmo_paragraphs_are_dated_updates_without_a_status(self, sources_dir):
        scrutiny = normalise((sources_dir / SCRUTINY_2018).read_text(encoding="utf-8"))
        updates = ProgressUpdate.objects.filter(action__review__slug="cpc-2013")

        assert sorted(
            (u.action.ref, u.on, u.status, u.source) for u in updates.select_related("action")
        ) == [
            ("4-a", datetime.date(2018, 1, 31), "", SCRUTINY_SOURCE),
            ("4-b", datetime.date(2018, 1, 31), "", SCRUTINY_SOURCE),
        ]
        for update in updates:
            assert_verbatim(update.note, scrutiny)
            # Paragraphs 1 and 3 are not contiguous: the note marks the gap.
            assert "[\u2026]" in update.note
            assert "programme management office" in normalise(update.note)


@pytest.mark.usefixtures("southampton")
class TestKpmgRoadmapsAndAppendix5:
    @pytest.fixture
    def report(self, sources_dir) -> str:
        return normalise((sources_dir / KPMG_2014).read_text(encoding="utf-8"))

    def test_the_roadmaps_stages_are_milestones_with_the_dates_the_text_gives(self):
        review = Review.objects.get(slug="kpmg-2014")

        assert [(m.title, m.due) for m in review.milestones.all()] == [
            ("New transitional organisation structure put in place", datetime.date(2015, 3, 31)),
            ("Intelligence Hub roadmap: Strategy unit rollout and operation", None),
            ("Intelligence Hub roadmap: Business Case starts", datetime.date(2015, 1, 31)),
            (
                "Intelligence Hub roadmap: Procurement and Design completed",
                datetime.date(2015, 12, 31),
            ),
            ("Intelligence Hub roadmap: Establishment", None),
            ("Intelligence Hub roadmap: Go-Live", datetime.date(2016, 6, 30)),
            ("Intelligence Hub roadmap: Ongoing Continuous Improvement", None),
            ("Customer Hub roadmap: Business Case starts", datetime.date(2015, 1, 31)),
            (
                "Customer Hub roadmap: Procurement and Design completed",
                datetime.date(2015, 12, 31),
            ),
            ("Customer Hub roadmap: Establishment", None),
            ("Customer Hub roadmap: Go-Live starts", datetime.date(2016, 9, 30)),
            ("Customer Hub roadmap: Ongoing Continuous Improvement", None),
            ("Commissioning roadmap: Design interim commissioning model & processes", None),
            ("Commissioning roadmap: Appoint interim commissioners", None),
            ("Commissioning roadmap: Ongoing service reviews G1 - G2", None),
            ("Commissioning roadmap: Oversight of ongoing service reviews", None),
            ("Commissioning roadmap: Operation of interim commissioning model", None),
            ("Commissioning roadmap: Ongoing service reviews G2 \u2013G4", None),
            ("Commissioning roadmap: Further development of commissioning model", None),
            ("Commissioning roadmap: Zero based commissioning", None),
            # "by 2017/18": a year alone gives no date.
            (
                "Commissioning roadmap: Transition to steady state model, followed by full "
                "operation",
                None,
            ),
        ]

    # What in the report's text dates each dated milestone (the period's last day).
    DATED_BY = {
        "New transitional organisation structure put in place": (
            "the new transitional organisation structure will need to be put in place quickly "
            "(i.e. in last quarter of 2014/15)"
        ),
        "Intelligence Hub roadmap: Business Case starts": (
            "the business case activity for the intelligence hub will start in january 2015"
        ),
        "Intelligence Hub roadmap: Procurement and Design completed": (
            "the procurement and design stage is targeted to commence in early summer 2015 and "
            "be completed by the end of 2015. establishment of the intelligence hub"
        ),
        "Intelligence Hub roadmap: Go-Live": "go-live is targeted for q1 2016/17",
        "Customer Hub roadmap: Business Case starts": (
            "customer hub roadmap above starts with a business case phase which commences in "
            "january 2015"
        ),
        "Customer Hub roadmap: Procurement and Design completed": (
            "the procurement and design stage is targeted to commence in early summer 2015 and "
            "be completed by the end of 2015. establishment of the customer hub"
        ),
        "Customer Hub roadmap: Go-Live starts": (
            "with the main hub implementations commencing in q2 2016/17"
        ),
    }

    # The three charts of section 7.1, as their figure captions name them.
    CHARTS = {
        "Intelligence Hub roadmap": "figure 7.1-1: intelligence hub roadmap",
        "Customer Hub roadmap": "figure 7.1-2: customer hub roadmap",
        "Commissioning roadmap": "figure 7.1-3: commissioning roadmap",
    }
    # A title that joins a chart's row heading to its one item.
    CHART_WORDING = {"Strategy unit rollout and operation": "Strategy unit 1.Rollout and operation"}

    def test_each_milestone_is_a_stage_of_the_charts_and_each_date_comes_from_the_text(
        self, report
    ):
        milestones = Review.objects.get(slug="kpmg-2014").milestones.all()

        for milestone in milestones:
            chart, _, stage = milestone.title.rpartition(": ")
            if not chart:
                continue  # not a chart's stage: its words are checked with its date below
            assert self.CHARTS[chart] in report
            # A stage dated by its start or its end says which in its title.
            stage = re.sub(r" (starts|completed)$", "", stage)
            assert normalise(self.CHART_WORDING.get(stage, stage)) in report, milestone.title
        dated = {m.title for m in milestones if m.due}
        assert dated == set(self.DATED_BY)
        for phrase in self.DATED_BY.values():
            assert phrase in report

    def test_appendix_5_recommendations_are_all_recorded_verbatim(self, report):
        review = Review.objects.get(slug="kpmg-2014")
        appendix = report[
            report.index("appendix 5 service design for social care services") : report.index(
                "appendix 6 economic growth"
            )
        ]
        texts = {r.number: normalise(r.text) for r in review.recommendations.all()}

        assert [n for n in texts if n.startswith("A5.")] == [
            *[f"A5.{n}" for n in range(1, 13)],
            "A5.12.1",
            "A5.12.2",
            "A5.12.3",
        ]
        for number, text in texts.items():
            assert text in report, number
        # Every sentence in which the appendix suggests or recommends is recorded.
        for match in re.finditer(r"we (would also suggest|recommend) that", appendix):
            sentence = appendix[match.start() : match.start() + 120]
            assert any(sentence in text for text in texts.values()), sentence
        assert "(as recommended by the lga peer review team in 2013)" in texts["A5.11"]
        parts = Recommendation.objects.get(review=review, number="A5.12").parts.all()
        assert [normalise(p.text).split()[0] for p in parts] == ["engaging", "inviting", "inviting"]
        assert texts["A5.12"].endswith(
            "instigate a formal process (linked to the new commissioning approach) of:"
        )

    def test_references_back_to_the_2013_peer_challenge_are_links_with_verbatim_quotes(
        self, report
    ):
        links = RecommendationLink.objects.filter(later__review__slug="kpmg-2014").select_related(
            "later", "earlier__review"
        )

        assert {
            (link.later.number, link.earlier.review.slug, link.earlier.number, link.relation)
            for link in links
        } == {
            ("1", "cpc-2013", "5", "recurs"),  # co-ordinated intelligence, section 2.5.2
            ("1", "cpc-2013", "4", "recurs"),  # culture change, sections 5.4.2, 5.5, 6.2
            ("A5.11", "cpc-2013", "5", "builds-on"),  # "as recommended … in 2013"
        }
        for link in links:
            assert_verbatim(link.quote, report)
            assert_verbatim(link.assessment, report)
            # The quote is the report's own reference back to the peer review.
            assert re.search(r"(lga|local government) peer review", normalise(link.quote))


SEED_FILE_NAME = re.compile(r"\b00\d_[0-9a-f]{16}\.txt\b")


@pytest.mark.parametrize("name", ["cpc-2013.yaml", "kpmg-2014.yaml"])
def test_no_extraction_file_name_in_the_fixture(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")

    assert not SEED_FILE_NAME.search(text)


@pytest.mark.usefixtures("southampton")
def test_the_sources_name_the_documents_as_a_reader_finds_them():
    sources = dict(
        Review.objects.filter(slug__in=["cpc-2013", "kpmg-2014"]).values_list("slug", "source")
    )

    assert sources == {
        "cpc-2013": (
            "Southampton City Council Action Plan in response to the LGA Peer Review "
            "Recommendations, Southampton City Council, 2013"
        ),
        "kpmg-2014": (
            "Report on a new Target Operating Model (TOM) for Southampton City Council, "
            "KPMG UK LLP, December 2014, published by the council in early 2015"
        ),
    }
