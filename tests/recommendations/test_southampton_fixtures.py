"""The Southampton fixtures say what the source documents say: counts, dates and wording."""

import datetime
import re

import pytest

from actions.models import Action, Lead, ProgressUpdate
from recommendations.models import Recommendation, RecommendationLink, Review

# The source documents as text (fixtures/southampton/sources/README.md says what each is).
PLAN_2013 = "2013-council-action-plan.txt"
REPORT_2017 = "2017-peer-challenge-feedback-report.txt"
KPMG_2014 = "2014-kpmg-target-operating-model.txt"
RESPONSE_2017 = "2017-council-response.txt"
SCRUTINY_2018 = "2018-01-scrutiny-update-on-key-projects.txt"


def normalise(text: str) -> str:
    """Read an extraction as a person would: no HTML, no line breaks inside sentences."""
    text = re.sub(r"<[^>]+>", " ", text).replace("**", "")
    text = text.replace("\uf0b7", " ").replace("•", " ")
    text = re.sub(r"-\s*\n\s*", "-", text)  # words hyphenated across a line break
    return re.sub(r"\s+", " ", text).strip().casefold()


# Where a table row breaks across a page, the extraction puts the rest of a cell after the
# next page's header (the fixtures say so in a comment at each place). The two sides of each
# such join are checked separately.
PAGE_BREAK_JOINS = [
    ("work on", "budget is underway"),
    ("which is also being", "emphasised through induction plus"),
    ("the recommendations", "have been incorporated into the implementation"),
    ("since april 2017 and has", "gathered pace since the appointment"),
    ("monitoring and reporting of", "achievement of individual savings"),
    ("carried out at the last budget setting) with this", "being taken into account"),
]


def fragments(text: str) -> list[str]:
    """The verbatim pieces of a field: lines, bullets and the sides of a "[…]" gap."""
    pieces = []
    for piece in re.split(r"\n|•|\[…\]", text):
        piece = normalise(piece)
        for left, right in PAGE_BREAK_JOINS:
            piece = piece.replace(f"{left} {right}", f"{left}\0{right}")
        pieces.extend(part for part in piece.split("\0") if part)
    return pieces


@pytest.fixture
def seed(sources_dir):
    cache = {}

    def read(name: str) -> str:
        if name not in cache:
            cache[name] = normalise((sources_dir / name).read_text(encoding="utf-8"))
        return cache[name]

    return read


def assert_verbatim(text: str, *sources: str) -> None:
    for piece in fragments(text):
        assert any(piece in source for source in sources), f"not in the seeds: {piece!r}"


@pytest.mark.usefixtures("southampton")
class TestCounts:
    def test_both_reviews_are_loaded_with_their_dates(self):
        reviews = {r.slug: r for r in Review.objects.all()}

        assert set(reviews) == {"cpc-2013", "kpmg-2014", "cpc-2017"}
        assert reviews["cpc-2017"].started_on == datetime.date(2017, 9, 11)
        assert reviews["cpc-2017"].ended_on == datetime.date(2017, 9, 14)
        assert reviews["cpc-2017"].previous == reviews["cpc-2013"]
        assert reviews["cpc-2013"].started_on.strftime("%B %Y") == "July 2013"
        assert reviews["cpc-2013"].ended_on is None

    def test_2013_plan_has_ten_issues_in_table_order(self):
        titles = list(
            Recommendation.objects.filter(review__slug="cpc-2013")
            .order_by("position")
            .values_list("number", "title")
        )

        assert titles == [
            ("1", "Responding to the Peer Review recommendations"),
            ("2", "Strategic Planning and priority-led 3 year Medium Term Financial Strategy"),
            ("3", "Gain political consensus on the long-term big issues"),
            ("4", "Transformation programme (including HR and IT)"),
            ("5", "Intelligence and performance management"),
            ("6", "Decision making"),
            ("7", "Communications"),
            ("8", "Member development : Strong visible leadership"),
            ("9", "Officer development"),
            ("10", "HR and OD"),
        ]
        assert Action.objects.filter(review__slug="cpc-2013").count() == 23

    def test_2017_has_eight_recommendations_and_seven_parts_for_6_and_8(self):
        review = Review.objects.get(slug="cpc-2017")
        top = review.recommendations.filter(parent__isnull=True).order_by("position")

        assert list(top.values_list("number", flat=True)) == [str(n) for n in range(1, 9)]
        parts = {r.number: list(r.parts.values_list("number", flat=True)) for r in top}
        assert parts["6"] == [f"6.{n}" for n in range(1, 8)]
        assert parts["8"] == [f"8.{n}" for n in range(1, 8)]
        assert all(parts[str(n)] == [] for n in (1, 2, 3, 4, 5, 7))
        assert review.peer_team.count() == 6
        assert list(review.themes.values_list("key", flat=True)) == [
            "place",
            "leadership-of-place",
            "finance",
            "governance",
            "capacity",
        ]
        # Every recommendation and part is tagged with at least one theme.
        assert not review.recommendations.filter(themes__isnull=True).exists()
        # Each of the 8 has the council's response.
        assert review.recommendations.filter(response__isnull=False).count() == 8

    def test_2017_milestone_is_the_follow_up_visit_the_report_suggests(self):
        milestones = [
            (m.title, m.due, m.done_on)
            for m in Review.objects.get(slug="cpc-2017").milestones.all()
        ]

        # From the report: "within the next 2 years". The LGA's other expected milestones
        # are shown beside it, not stored (tests/recommendations/test_milestones.py).
        assert milestones == [("Follow-up visit", datetime.date(2019, 9, 14), None)]

    def test_2017_links_to_the_2013_areas_it_assesses(self):
        links = {
            (link.later.number, link.earlier.number, link.relation)
            for link in RecommendationLink.objects.select_related("later", "earlier").filter(
                later__review__slug="cpc-2017", earlier__review__slug="cpc-2013"
            )
        }

        assert links == {
            ("1", "2", "builds-on"),  # four year council plan and budget
            ("2", "2", "builds-on"),  # outcome-focused priorities
            ("3", "4", "builds-on"),  # transformation joined up with the plan and MTFS
            ("6", "4", "builds-on"),  # digital transformation: a better grip needed
            ("7", "2", "builds-on"),  # financial planning
            ("8.3", "7", "addresses"),  # staff engagement and communications
            ("8.6", "5", "addresses"),  # performance management
        }

    def test_2017_links_its_operating_model_and_restructuring_points_to_kpmg(self):
        links = {
            link.later.number
            for link in RecommendationLink.objects.filter(
                earlier__review__slug="kpmg-2014", earlier__number="1"
            ).select_related("later")
        }

        assert links == {"3", "8.7"}

    def test_kpmg_review_has_its_risk_matrix_roadmap_milestones_and_appendix_5(self):
        review = Review.objects.get(slug="kpmg-2014")

        assert (review.kind, review.previous.slug) == ("external-review", "cpc-2013")
        risks = [(r.title, r.likelihood, r.impact) for r in review.risks.all()]
        assert len(risks) == 12
        assert risks[0] == ("Business cases inadequate", "high", "high")
        assert risks[4] == ("Skills gap", "medium", "high")
        assert risks[-1] == ("Duplication of effort", "low", "medium")
        # The roadmaps' stages, each with its date (test_fixture_fidelity_2013_kpmg.py).
        assert review.milestones.count() == 21
        assert review.milestones.filter(due__isnull=False).count() == 7
        numbers = list(review.recommendations.values_list("number", flat=True))
        assert numbers == ["1", *[f"A5.{n}" for n in range(1, 13)], "A5.12.1", "A5.12.2", "A5.12.3"]

    def test_january_2018_scrutiny_updates_are_dated_and_sourced(self):
        updates = ProgressUpdate.objects.filter(action__review__slug="cpc-2017")
        refs = set(updates.values_list("action__ref", flat=True))

        assert {(u.on, u.source) for u in updates} == {
            (
                datetime.date(2018, 1, 31),
                "Update on key projects, report to the Overview and Scrutiny Management "
                "Committee, as at January 2018",
            )
        }
        # The Agresso upgrade, client case management, CRM options, desktop refresh, phase 3
        # restructures, Business Academy and procurement compliance, among the rest.
        assert {"6.3-a", "6.6-a", "6.5-a", "6-b", "8.7-a", "8.4-a", "7-e"} <= refs
        assert updates.count() == 16


@pytest.mark.usefixtures("southampton")
class TestTimescalesDatesAndStatuses:
    @pytest.mark.parametrize(
        ("ref", "timescale", "due", "status"),
        [
            ("1-a", "Agreed LGA input \u2013 work is underway", None, "in-progress"),
            ("1-b", "Decision by October 2013", datetime.date(2013, 10, 31), ""),
            ("1-c", "Has started", None, "in-progress"),
            ("2-a", "Completed in September", datetime.date(2013, 9, 30), "complete"),
            ("2-d", "Ongoing", None, "ongoing"),
            ("2-e", "2014", None, ""),
            ("2-g", "TBC", None, ""),
            ("3-a", "November 2014", datetime.date(2014, 11, 30), ""),
            (
                "4-a",
                "January 2014 (Transformation and Improvement Board)",
                datetime.date(2014, 1, 31),
                "",
            ),
            ("5-a", "By April 2014", datetime.date(2014, 4, 30), ""),
            ("6-a", "October 2014 and ongoing", datetime.date(2014, 10, 31), ""),
            ("8-a", "TBA", None, ""),
            ("8-b", "", None, ""),
            ("10-a", "October 2013 and ongoing", datetime.date(2013, 10, 31), ""),
        ],
    )
    def test_2013_timescale_is_verbatim_and_gives_a_date_only_when_it_names_a_month(
        self, ref, timescale, due, status
    ):
        action = Action.objects.get(review__slug="cpc-2013", ref=ref)

        assert (action.timescale, action.due, action.status) == (timescale, due, status)

    def test_communications_plan_due_at_the_end_of_oct_nov(self):
        action = Action.objects.get(review__slug="cpc-2013", ref="7-a")

        assert action.timescale.splitlines()[0] == "Plan to be agreed in Oct/Nov"
        assert action.due == datetime.date(2013, 11, 30)

    def test_joint_leads_are_split_into_people_and_bodies(self):
        first = Action.objects.get(review__slug="cpc-2013", ref="1-a")
        visits = Action.objects.get(review__slug="cpc-2013", ref="1-c")

        assert [al.lead.name for al in first.action_leads.all()] == ["Cllr Letts", "Dawn Baxendale"]
        assert first.owner is None
        assert [(al.lead.name, al.lead.kind) for al in visits.action_leads.all()] == [
            ("Cabinet", "body"),
            ("CMT", "body"),
        ]

    def test_no_date_or_status_invented_for_2017_commitments(self):
        masterplan = Action.objects.get(review__slug="cpc-2017", ref="4-a")

        assert (masterplan.timescale, masterplan.due, masterplan.status) == ("", None, "")
        assert not masterplan.leads.exists()
        assert (
            not Review.objects.get(slug="cpc-2017")
            .recommendations.filter(response__stance__gt="")
            .exists()
        )


@pytest.mark.usefixtures("southampton")
class TestVerbatim:
    def test_2013_plan_wording(self, seed):
        plan = seed(PLAN_2013)
        for action in Action.objects.filter(review__slug="cpc-2013"):
            for text in (action.text, action.timescale, action.support):
                assert_verbatim(text, plan)
        for recommendation in Recommendation.objects.filter(review__slug="cpc-2013"):
            assert_verbatim(recommendation.title, plan)
        for name in Lead.objects.filter(actions__review__slug="cpc-2013").values_list(
            "name", flat=True
        ):
            assert_verbatim(name, plan)

    def test_2017_report_wording(self, seed):
        report = seed(REPORT_2017)
        review = Review.objects.get(slug="cpc-2017")
        assert_verbatim(review.summary, report)
        for member in review.peer_team.all():
            # The report puts a dash between name and role (once a hyphen).
            assert re.search(
                re.escape(normalise(member.name))
                + " [-\u2013] "
                + re.escape(normalise(member.role)),
                report,
            )
        for theme in review.themes.all():
            assert normalise(f"{theme.title}: {theme.question}") in report
        for recommendation in review.recommendations.all():
            assert_verbatim(recommendation.title, report)
            assert_verbatim(recommendation.text, report)
        for link in RecommendationLink.objects.filter(later__review=review):
            assert_verbatim(link.assessment, report)
            assert normalise(link.quote) in report

    def test_kpmg_wording(self, seed):
        report = seed(KPMG_2014)
        review = Review.objects.get(slug="kpmg-2014")
        assert_verbatim(review.summary, report)
        for recommendation in review.recommendations.all():
            assert_verbatim(recommendation.text, report)
        for risk in review.risks.all():
            for text in (risk.title, risk.description, risk.mitigation):
                assert_verbatim(text, report)
        for action in Action.objects.filter(review=review):
            assert_verbatim(action.text, report)
            assert_verbatim(action.timescale, report)

    def test_2017_recommendation_6_3_is_the_agresso_point(self):
        part = Recommendation.objects.get(review__slug="cpc-2017", number="6.3")

        assert part.text == "Continue to prioritise the Agresso upgrade and HR integration"
        assert part.parent.title.startswith("Prioritise and focus on digital and ICT")

    def test_2017_response_wording(self, seed):
        response_document = seed(RESPONSE_2017)
        for recommendation in Recommendation.objects.filter(
            review__slug="cpc-2017", response__isnull=False
        ):
            assert_verbatim(recommendation.response.text, response_document)
            assert_verbatim(recommendation.response.incorporated, response_document)

    def test_2017_actions_and_updates_wording(self, seed):
        sources = (seed(RESPONSE_2017), seed(SCRUTINY_2018))
        for action in Action.objects.filter(review__slug="cpc-2017"):
            assert_verbatim(action.text, *sources)
            assert_verbatim(action.timescale, *sources)
            for lead in action.leads.all():
                assert_verbatim(lead.name, *sources)
        for update in ProgressUpdate.objects.filter(action__review__slug="cpc-2017"):
            assert_verbatim(update.note, seed(SCRUTINY_2018))
