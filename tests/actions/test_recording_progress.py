"""Recording progress in the browser: one submission, one appended update; clear errors;
and no update ever lost when two people edit at once."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from actions import services
from actions.models import Action, ProgressUpdate

ACTION = "/organisations/southampton/reviews/cpc-2017/actions/6.3-a/"
RECORD = f"{ACTION}record-progress/"


def action() -> Action:
    return Action.objects.get(review__slug="cpc-2017", ref="6.3-a")


def form_data(**changes) -> dict:
    data = {
        "seen_version": str(action().version),
        "status": "complete",
        "rag": "green",
        "note": "Agresso upgraded; HR and payroll live.",
    }
    return {**data, **changes}


def test_one_submission_appends_exactly_one_update_with_old_and_new_values(signed_in, officer):
    client = signed_in(officer)
    before = action()

    response = client.post(
        RECORD,
        form_data(
            revised_due_0="31",
            revised_due_1="3",
            revised_due_2="2019",
            due_change_reason="Payroll moved to the new year.",
            evidence_title_1="Cabinet report",
            evidence_url_1="https://example.org/cabinet/2019-03",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == f"{ACTION}#timeline"
    update = ProgressUpdate.objects.get(action=before, recorded_by=officer)
    # 6.3-a had no status before: neither the plan nor the January 2018 update gives one.
    assert (update.status_before, update.status) == ("", "complete")
    assert (update.rag_before, update.rag) == ("", "green")
    assert (update.due_before, update.due_after) == (None, datetime.date(2019, 3, 31))
    assert update.due_change_reason == "Payroll moved to the new year."
    assert update.on == timezone.localdate()
    assert [(e.title, e.url) for e in update.evidence.all()] == [
        ("Cabinet report", "https://example.org/cabinet/2019-03")
    ]
    after = action()
    assert (after.current_status, after.current_rag, after.due) == (
        "complete",
        "green",
        datetime.date(2019, 3, 31),
    )
    assert after.version == before.version + 1
    # The plan's own position is never rewritten.
    assert (after.status, after.rag) == (before.status, before.rag)


def test_success_banner_confirms_what_was_recorded(signed_in, officer):
    response = signed_in(officer).post(RECORD, form_data(), follow=True)

    content = response.content.decode()
    assert "govuk-notification-banner--success" in content
    assert "Update recorded: Complete, RAG green" in content
    # The new update heads the timeline.
    timeline = content[content.index('id="timeline"') :]
    assert timeline.index("Agresso upgraded; HR and payroll live.") < timeline.index(
        "In December 2017, Cabinet approved"
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"note": ""}, "note", "Enter what was delivered to complete the action"),
        ({"note": "", "status": "in-progress"}, "note", "Enter a note that says what has changed"),
        ({"status": ""}, "status", "Select the status of the action"),
        ({"status": "finished"}, "status", "Select a valid choice"),
        (
            {"revised_due_0": "31", "revised_due_1": "3", "revised_due_2": "2019"},
            "due_change_reason",
            "Enter why the due date is changing",
        ),
        (
            {"due_change_reason": "Slipped"},
            "revised_due",
            "Enter the new due date, or remove the reason",
        ),
        (
            {"evidence_title_1": "Report", "evidence_url_1": "javascript:alert(1)"},
            "evidence_url_1",
            "Enter a web address that starts with http:// or https://",
        ),
        (
            {"evidence_url_1": "https://example.org/report"},
            "evidence_title_1",
            "Enter a title for the evidence link",
        ),
    ],
)
def test_invalid_update_shows_errors_and_saves_nothing(signed_in, officer, changes, field, message):
    before = ProgressUpdate.objects.count()

    response = signed_in(officer).post(RECORD, form_data(**changes))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "<title>Error: " in content
    assert ProgressUpdate.objects.count() == before


def test_second_editor_is_told_of_the_conflict_and_loses_nothing(officer, programme_office):
    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(programme_office)
    # Both open the form on the same version of the action.
    seen = first.get(ACTION).context["form"]["seen_version"].value()
    assert second.get(ACTION).context["form"]["seen_version"].value() == seen

    saved = first.post(RECORD, form_data(seen_version=str(seen), note="First: upgrade done."))
    conflict = second.post(
        RECORD, form_data(seen_version=str(seen), status="in-progress", note="Second: my notes.")
    )

    assert saved.status_code == 302
    assert conflict.status_code == 409
    content = conflict.content.decode()
    assert "Someone else recorded an update while you were writing yours" in content
    assert "First: upgrade done." in content  # what changed
    assert "Second: my notes." in content  # their own input, kept in the form
    assert [u.note for u in conflict.context["newer_updates"]] == ["First: upgrade done."]
    assert list(
        ProgressUpdate.objects.filter(recorded_by__isnull=False).values_list("note", flat=True)
    ) == ["First: upgrade done."]

    # The re-shown form carries the new version: resubmitting saves.
    resubmit = {
        key: conflict.context["form"][key].value()
        for key in ("seen_version", "status", "rag", "note")
    }
    assert second.post(RECORD, resubmit).status_code == 302
    notes = ProgressUpdate.objects.filter(recorded_by__isnull=False).order_by("pk")
    assert [u.note for u in notes] == ["First: upgrade done.", "Second: my notes."]


def test_service_refuses_a_stale_version_and_writes_nothing(officer):
    current = action()

    with pytest.raises(services.StaleVersion):
        services.record_progress(
            action=current,
            by=officer,
            status="complete",
            rag="",
            note="Done",
            seen_version=current.version - 1,
        )

    assert action().version == current.version
    assert not ProgressUpdate.objects.filter(recorded_by=officer).exists()


def test_stored_position_equals_the_position_computed_from_history(officer):
    services.record_progress(
        action=action(), by=officer, status="deferred", rag="red", note="Paused", seen_version=1
    )

    for stored in Action.objects.with_position_from_history():
        assert (stored.current_status, stored.current_rag) == (
            stored.status_from_history,
            stored.rag_from_history,
        ), stored.ref


@pytest.mark.parametrize("text", ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>'])
def test_notes_and_evidence_titles_are_escaped_everywhere(signed_in, officer, text):
    client = signed_in(officer)
    client.post(
        RECORD,
        form_data(
            status="in-progress",
            note=text,
            evidence_title_1=text,
            evidence_url_1="https://example.org/evidence",
        ),
    )

    for url in (ACTION, "/my-actions/"):
        content = client.get(url).content.decode()
        assert text not in content, url
    assert client.get(ACTION).content.decode().count("&lt;") >= 2
