"""The audit log (ASVS 16.2): one entry per change that is not a progress update, with who,
when, what, before and after, in the same transaction, append-only, and shown where the
change happened."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction

from actions.models import Action, ProgressUpdate
from recommendations import services
from recommendations.models import Membership, Organisation, Recommendation, Response, Review
from tracker import audit
from tracker.access import Role
from tracker.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(southampton):
    return Recommendation.objects.get(review__slug="cpc-2017", number="1")


@pytest.fixture
def action(southampton):
    return Action.objects.get(review__slug="cpc-2017", ref="6.3-a")


def test_loading_files_writes_one_imported_entry_per_review_not_one_per_row(southampton):
    entries = AuditEntry.objects.all()

    assert sorted(entries.values_list("verb", "object_repr")) == sorted(
        ("imported", str(review)) for review in Review.objects.all()
    )
    summary = entries.get(subject_id=str(Review.objects.get(slug="cpc-2017").pk)).change_lines()
    assert any(line.startswith("recommendation: ") for line in summary)


def test_a_response_changed_in_the_admin_is_logged_with_before_after_and_who(
    admin_client, admin_user, recommendation
):
    response = Response.objects.get(recommendation=recommendation)
    old_text = response.text

    answer = admin_client.post(
        f"/django-admin/recommendations/response/{response.pk}/change/",
        {
            "recommendation": recommendation.pk,
            "stance": "accepted",
            "text": "We accept this <script>alert(1)</script> recommendation.",
            "incorporated": "",
            "responded_on": "2017-10-02",
        },
    )

    assert answer.status_code == 302
    entry = AuditEntry.objects.get(verb="changed", object_type="recommendations.response")
    assert entry.actor_id == admin_user.pk
    assert entry.request_id
    assert entry.changes["text"] == [
        old_text,
        "We accept this <script>alert(1)</script> recommendation.",
    ]
    assert entry.changes["responded_on"] == [None, "2017-10-02"]
    assert (entry.subject_type, entry.subject_id) == (
        "recommendations.recommendation",
        str(recommendation.pk),
    )

    page = admin_client.get(recommendation.get_absolute_url()).content.decode()
    assert "Change history" in page
    assert "Council response changed" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_due_date_and_owner_changes_appear_on_the_action_page(
    signed_in, officer, admin_user, action
):
    from actions.models import Lead

    new_owner = Lead.objects.filter(organisation=action.review.organisation).exclude(
        pk=action.owner_id
    )[0]
    with audit.acting_as(admin_user):
        action.due = datetime.date(2027, 3, 31)
        action.owner = new_owner
        action.save()

    entry = AuditEntry.objects.about(action).get()
    assert entry.changes["due"][1] == "2027-03-31"
    assert entry.changes["owner"][1] == str(new_owner)
    page = signed_in(officer).get(action.get_absolute_url()).content.decode()
    assert "due: " in page
    assert f"owner: {action.owner} → {new_owner}".replace("'", "&#x27;") in page or (
        "owner: " in page
    )


def test_progress_updates_are_not_duplicated_in_the_audit_log(action, officer):
    from actions.services import append_update

    before = AuditEntry.objects.count()
    append_update(
        action,
        on=datetime.date(2026, 11, 1),
        status="in-progress",
        note="On track",
        recorded_by=officer,
        revised_due=datetime.date(2027, 6, 30),
        due_change_reason="Waiting for the restructure",
    )

    assert AuditEntry.objects.count() == before


def test_a_transcription_correction_is_logged(recommendation, admin_user):
    services.correct_transcription(
        recommendation=recommendation,
        by=admin_user,
        field="title",
        text="Corrected title",
        reason="Typo in the transcription",
    )

    entry = AuditEntry.objects.get(object_type="recommendations.transcriptioncorrection")
    assert entry.changes["after"] == "Corrected title"
    assert entry.subject_id == str(recommendation.pk)


def test_publishing_is_logged_on_the_review(southampton, programme_office):
    review = Review.objects.get(slug="cpc-2017")

    with audit.acting_as(programme_office):
        services.publish_review(review=review, by=programme_office, published=True)

    entry = AuditEntry.objects.about(review).get(verb="changed")
    assert entry.changes["is_published"] == [False, True]
    assert entry.actor_id == programme_office.pk


def test_users_and_their_django_groups_are_logged(django_user_model, admin_user):
    # Roles are on memberships (below); Django's groups are the operators' to use in the
    # Django admin, and changes to them are logged all the same.
    with audit.acting_as(admin_user):
        user = django_user_model.objects.create_user("newbie", email="n@example.org")
        user.groups.add(Group.objects.create(name="Officer"))
        user.groups.set([Group.objects.create(name="Viewer")])
        user.is_active = False
        user.save()

    entries = AuditEntry.objects.about(user).order_by("pk")
    assert [entry.verb for entry in entries] == [
        "created",
        "roles changed",
        "roles changed",
        "roles changed",
        "changed",
    ]
    # set() removes, then adds: two changes, each logged.
    assert [entry.changes["roles"] for entry in entries[1:4]] == [
        [[], ["Officer"]],
        [["Officer"], []],
        [[], ["Viewer"]],
    ]
    assert entries[4].changes == {"is_active": [True, False]}
    assert "password" not in str(entries[0].changes)


def test_a_change_of_role_or_council_is_logged_on_the_user(
    django_user_model, admin_user, southampton
):
    with audit.acting_as(admin_user):
        user = django_user_model.objects.create_user("newbie", email="n@example.org")
        membership = Membership.objects.create(
            user=user, organisation=Organisation.objects.get(slug="southampton")
        )
        membership.role = Role.PROGRAMME_OFFICE
        membership.save()
        membership.organisation = None
        membership.save()

    entries = AuditEntry.objects.about(user).order_by("pk")
    assert [(entry.verb, entry.changes) for entry in entries[1:]] == [
        ("created", {"organisation": "Southampton City Council", "role": "viewer"}),
        ("changed", {"role": ["viewer", "programme-office"]}),
        ("changed", {"organisation": ["Southampton City Council", None]}),
    ]
    assert {entry.actor_id for entry in entries} == {admin_user.pk}


def test_signing_in_does_not_write_an_audit_entry(client, officer):
    before = AuditEntry.objects.count()

    client.post("/sign-in/", {"username": "officer", "password": "a-long-test-password"})

    assert AuditEntry.objects.count() == before


def test_the_entry_is_written_in_the_same_transaction_as_the_change(recommendation):
    response = Response.objects.get(recommendation=recommendation)
    before = AuditEntry.objects.count()

    def change_then_fail():
        with transaction.atomic():
            response.text = "Changed, then rolled back"
            response.save()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert AuditEntry.objects.count() == before


def test_no_change_is_kept_when_its_entry_cannot_be_written(recommendation, monkeypatch):
    response = Response.objects.get(recommendation=recommendation)
    old_text = response.text

    def fail(*args, **kwargs):
        raise DatabaseError("audit table unavailable")

    def change():
        # Every writer of audited rows (services, the admin, the loader) holds a transaction.
        with transaction.atomic():
            response.text = "Unaudited change"
            response.save()

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(DatabaseError):
        change()

    response.refresh_from_db()
    assert response.text == old_text


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(southampton):
    entry = AuditEntry.objects.first()

    for attempt in (
        lambda: AuditEntry.objects.update(actor_name="someone else"),
        lambda: AuditEntry.objects.all().delete(),
        entry.delete,
        lambda: entry.save(),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("tracker_auditentry", "UPDATE {table} SET actor_name = 'forged'"),
        ("tracker_auditentry", "DELETE FROM {table}"),
        ("actions_progressupdate", "UPDATE {table} SET note = 'forged'"),
        ("actions_progressupdate", "DELETE FROM {table}"),
    ],
)
def test_the_database_itself_refuses_rewriting_history_on_postgresql(southampton, table, statement):
    """PostgreSQL, the production database, refuses at the database (a trigger). SQLite, for
    development only, has no such trigger: there the models refuse (tests above)."""
    assert ProgressUpdate.objects.exists()
    refused = False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(table=table))
    except DatabaseError as error:
        refused = "append-only" in str(error)

    assert refused == (connection.vendor == "postgresql")


def test_the_admin_lists_the_audit_log_read_only(admin_client, southampton):
    listing = admin_client.get("/django-admin/tracker/auditentry/")
    entry = AuditEntry.objects.first()
    recorded_actor = entry.actor_name
    change = admin_client.post(
        f"/django-admin/tracker/auditentry/{entry.pk}/change/", {"actor_name": "forged"}
    )
    delete = admin_client.post(
        f"/django-admin/tracker/auditentry/{entry.pk}/delete/", {"post": "yes"}
    )

    assert listing.status_code == 200
    assert "Corporate Peer Challenge" in listing.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    assert recorded_actor.endswith("(OS user, manage.py load_review)")
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == recorded_actor


def test_each_entry_belongs_to_the_council_whose_data_changed(
    southampton, programme_office, other_council_users, lga_admin
):
    review = Review.objects.get(organisation__slug="southampton", slug="cpc-2017")
    services.publish_review(review=review, by=programme_office, published=True)
    testshire_review = Review.objects.get(organisation__slug="testshire")
    services.publish_review(
        review=testshire_review, by=other_council_users["Programme office"], published=True
    )

    southampton_entry = AuditEntry.objects.about(review).get(verb="changed")
    testshire_entry = AuditEntry.objects.about(testshire_review).get(verb="changed")
    assert southampton_entry.organisation_id == review.organisation_id
    assert testshire_entry.organisation_id == testshire_review.organisation_id
    # Each council's people see their own entries (a user's entries go with their council).
    testshire_admin = other_council_users["Admin"]
    seen_by_testshire = set(AuditEntry.objects.visible_to(testshire_admin))
    assert testshire_entry in seen_by_testshire
    assert southampton_entry not in seen_by_testshire
    assert {entry.organisation_id for entry in seen_by_testshire} == {
        testshire_review.organisation_id
    }
    assert {southampton_entry, testshire_entry} <= set(AuditEntry.objects.visible_to(lga_admin))
