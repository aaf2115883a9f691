"""Loading valid review files: what is created, what a reload changes, and what it never
touches (recorded progress, rows the file no longer has)."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from actions.models import Action, Lead, ProgressUpdate
from actions.services import append_update
from recommendations.models import Recommendation, RecommendationLink, Review
from recommendations.review_files.changes import CREATED, NOT_IN_FILE, UNCHANGED
from recommendations.review_files.loading import ReviewFile, load_review_files

from .samples import LATER, VALID, line_of, replace_line


def load(*texts: str, dry_run: bool = False):
    files = [ReviewFile(f"file-{n}.yaml", text.encode()) for n, text in enumerate(texts, 1)]
    return load_review_files(files, dry_run=dry_run)


def outcomes(changes, kind: str) -> dict[str, str]:
    return {change.label: change.outcome for change in changes.items if change.kind == kind}


@pytest.mark.django_db
def test_valid_file_creates_everything_it_describes():
    load(VALID)

    review = Review.objects.get(organisation__slug="testshire", slug="cpc-2015")
    assert review.organisation.name == "Testshire County Council"
    assert (review.started_on, review.ended_on) == (
        datetime.date(2015, 3, 2),
        datetime.date(2015, 3, 5),
    )
    assert (
        review.summary == "A good council with a clear vision.\nIt needs to plan further ahead.\n"
    )
    assert [m.name for m in review.peer_team.all()] == ["Pat Example"]
    assert [t.key for t in review.themes.all()] == ["finance", "capacity"]
    # The file's milestone only: the LGA's expected ones are shown, not stored.
    assert [(m.title, m.due) for m in review.milestones.all()] == [
        ("Follow-up visit", datetime.date(2017, 3, 5)),
    ]
    risk = review.risks.get()
    assert (risk.likelihood, risk.impact) == ("high", "medium")
    part = Recommendation.objects.get(review=review, number="2.1")
    assert part.parent.number == "2"
    assert list(part.parent.themes.values_list("key", flat=True)) == ["finance", "capacity"]
    response = Recommendation.objects.get(review=review, number="1").response
    assert (response.stance, response.responded_on) == ("accepted", datetime.date(2015, 6, 1))
    action = Action.objects.get(review=review, ref="1-a")
    assert [al.lead.name for al in action.action_leads.all()] == ["Jo Bloggs", "Finance Board"]
    assert action.owner.name == "Jo Bloggs"
    assert (action.timescale, action.due, action.status, action.rag) == (
        "By March 2016",
        datetime.date(2016, 3, 31),
        "in-progress",
        "amber",
    )
    update = action.updates.get()
    assert (update.on, update.rag, update.author, update.source) == (
        datetime.date(2015, 9, 30),
        "green",
        "Jo Bloggs",
        "Cabinet report",
    )
    # A lead outside the directory becomes a person; the directory's kinds are kept.
    assert Lead.objects.get(name="Sam Newname").kind == "person"
    assert Lead.objects.get(name="Finance Board").kind == "body"


@pytest.mark.django_db
def test_loading_the_same_file_twice_changes_nothing():
    load(VALID, LATER)
    before = ProgressUpdate.objects.count()

    changes = load(VALID, LATER)

    assert not changes.changed
    assert {change.outcome for change in changes.items} == {UNCHANGED}
    assert ProgressUpdate.objects.count() == before


@pytest.mark.django_db
def test_dry_run_reports_exactly_and_writes_nothing():
    changes = load(VALID, dry_run=True)

    assert outcomes(changes, "action") == {"1-a": CREATED, "2.1-a": CREATED}
    assert not Review.objects.exists()
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_changed_file_updates_only_what_changed():
    load(VALID)
    changed = replace_line(VALID, "timescale: By March 2016", "timescale: By April 2016")
    changed = replace_line(changed, "due: 2016-03-31", "due: 2016-04-30")

    changes = load(changed)

    assert [str(c) for c in changes.noteworthy()] == ["updated: action 1-a (timescale, due)"]
    action = Action.objects.get(ref="1-a")
    assert (action.timescale, action.due) == ("By April 2016", datetime.date(2016, 4, 30))


@pytest.mark.django_db
def test_reload_appends_new_updates_and_never_rewrites_recorded_ones():
    load(VALID)
    first = ProgressUpdate.objects.get()
    with_second = VALID.replace(
        "            source: Cabinet report\n",
        "            source: Cabinet report\n"
        "          - on: 2016-01-31\n"
        "            status: complete\n"
        "            note: Strategy approved.\n",
    )
    edited_first = with_second.replace("note: Draft written.", "note: Draft written and shared.")

    changes = load(edited_first)

    # The edited note is a new statement: appended; the recorded one is kept as it was.
    assert outcomes(changes, "progress update") == {
        "1-a on 2016-01-31": CREATED,
        "1-a on 2015-09-30": CREATED,
    }
    notes = list(ProgressUpdate.objects.order_by("pk").values_list("note", flat=True))
    assert notes == ["Draft written.", "Draft written and shared.", "Strategy approved."]
    assert ProgressUpdate.objects.get(pk=first.pk).note == "Draft written."


@pytest.mark.django_db
def test_rows_missing_from_the_file_are_reported_not_deleted():
    load(VALID)
    without_part = VALID.split("    parts:\n")[0]

    changes = load(without_part)

    assert outcomes(changes, "recommendation")["2.1"] == NOT_IN_FILE
    assert outcomes(changes, "action")["2.1-a"] == NOT_IN_FILE
    assert Action.objects.filter(ref="2.1-a").exists()


@pytest.mark.django_db
def test_current_position_is_the_latest_updates_and_reload_never_overrides_it():
    load(VALID)
    action = Action.objects.get(ref="1-a")
    append_update(
        action, on=datetime.date(2016, 2, 1), status="complete", rag="green", note="Done."
    )

    load(VALID)

    current = Action.objects.with_position_from_history().get(pk=action.pk)
    assert (current.status, current.current_status, current.current_rag) == (
        "in-progress",
        "complete",
        "green",
    )
    assert (current.status_from_history, current.rag_from_history) == ("complete", "green")


@pytest.mark.django_db
def test_plan_position_is_current_until_an_update_records_one():
    load(VALID)

    actions = {a.ref: a for a in Action.objects.all()}

    assert (actions["1-a"].current_status, actions["1-a"].current_rag) == ("in-progress", "green")
    assert (actions["2.1-a"].current_status, actions["2.1-a"].current_rag) == ("", "")


@pytest.mark.django_db
def test_links_between_reviews_are_loaded():
    load(VALID, LATER)

    link = RecommendationLink.objects.get()
    assert (link.later.review.slug, link.later.number) == ("cpc-2019", "1")
    assert (link.earlier.review.slug, link.earlier.number) == ("cpc-2015", "1")
    assert (link.relation, link.quote) == ("recurs", "Progress was slow.")
    assert Review.objects.get(slug="cpc-2019").previous.slug == "cpc-2015"


@pytest.mark.django_db
def test_load_review_command_prints_a_summary_and_no_change_on_reload(tmp_path, capsys):
    path = tmp_path / "testshire.yaml"
    path.write_text(VALID)

    call_command("load_review", str(path))
    first = capsys.readouterr().out
    call_command("load_review", str(path))
    second = capsys.readouterr().out

    assert "action: 2 created" in first
    assert "No changes: everything was already loaded." in second


@pytest.mark.django_db
def test_load_review_command_refuses_a_broken_file_naming_the_place(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(replace_line(VALID, "rag: amber", "rag: orange"))

    line = line_of(path.read_text(), "rag: orange")
    with pytest.raises(
        CommandError, match=rf"line {line}: recommendations\[0\]\.actions\[0\]\.rag"
    ):
        call_command("load_review", str(path))
    assert not Review.objects.exists()
