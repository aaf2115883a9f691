"""No write path bypasses the audit log: for every audited model, save, queryset update,
bulk_update and queryset delete each leave an entry per row, in the same transaction, or
are refused; bulk_create is refused outside a load that records its own entry."""

import datetime
import hashlib

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, models, transaction

from actions.models import Action, ActionLead, Lead
from recommendations.models import (
    Organisation,
    Recommendation,
    ReviewImport,
    TranscriptionCorrection,
)
from tracker import audit
from tracker.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db

AUDITED_MODELS = [apps.get_model(label) for label in audit.AUDITED]


@pytest.fixture
def one_of_each(southampton, officer, admin_user):
    """A stored row of every audited model."""
    recommendation = Recommendation.objects.get(review__slug="cpc-2017", number="1")
    TranscriptionCorrection.objects.create(
        recommendation=recommendation,
        field="title",
        before=recommendation.title,
        after="Corrected title",
        reason="Typo",
        corrected_by=admin_user,
    )
    ReviewImport.objects.create(
        uploaded_by=admin_user,
        file_name="cpc-2017.yaml",
        file_kind="yaml",
        content=b"x",
        content_hash=hashlib.sha256(b"x").hexdigest(),
    )
    rows = {}
    for model in AUDITED_MODELS:
        rows[model] = model._default_manager.order_by("pk").last()
        assert rows[model] is not None, model
    # A lead that leads an action other than through the action lead deleted below, whichever
    # lead the fixtures happen to name last.
    rows[Lead] = ActionLead.objects.order_by("pk").first().lead
    return rows


def changed_value(model: type[models.Model]) -> tuple[str, object, object]:
    """An audited field of `model` that can take another valid value: (name, attname,
    function of the current value giving the new one)."""
    rule = audit.AUDITED[model._meta.label]
    for name in audit._field_names(model, rule):
        field = model._meta.get_field(name)
        if field.choices or field.primary_key or field.unique:
            continue
        if isinstance(field, models.BooleanField):
            return name, field.attname, lambda value: not value
        if isinstance(field, models.CharField | models.TextField):
            return name, field.attname, lambda value: f"{value} (changed)"[-100:]
        if isinstance(field, models.PositiveIntegerField):
            return name, field.attname, lambda value: value + 1000
        if isinstance(field, models.ForeignKey) and field.null:
            return name, field.attname, lambda value: None
    raise AssertionError(f"no field to change on {model._meta.label}")


def new_entries(since: int) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(pk__gt=since)
        .order_by("pk")
        .values_list("verb", "object_type", "object_id", "changes", "actor_name")
    )


def last_entry_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def expected_change(model, name, before, after) -> dict:
    return {name: [audit._display(model, name, before), audit._display(model, name, after)]}


@pytest.mark.parametrize("bulk", [False, True], ids=["update", "bulk_update"])
def test_every_audited_model_logs_each_row_a_queryset_update_changes(one_of_each, bulk):
    for model, row in one_of_each.items():
        name, attname, change = changed_value(model)
        before = getattr(row, attname)
        after = change(before)
        since = last_entry_pk()

        if bulk:
            setattr(row, attname, after)
            count = model._default_manager.bulk_update([row], [name])
        else:
            count = model._default_manager.filter(pk=row.pk).update(**{name: after})

        assert count == 1, model
        assert new_entries(since) == [
            (
                "changed",
                model._meta.label_lower,
                str(row.pk),
                expected_change(model, name, before, after),
                "test suite",
            )
        ], model


def test_an_update_of_unaudited_fields_or_no_change_writes_no_entry(southampton):
    since = last_entry_pk()
    actions = Action.objects.filter(review__slug="cpc-2017")
    text = actions.values_list("text", flat=True).first()

    Action.objects.filter(review__slug="cpc-2017").update(version=models.F("version") + 1)
    Action.objects.filter(text=text).update(text=text)

    assert new_entries(since) == []


def test_an_update_of_many_rows_logs_each_with_its_own_before(southampton):
    actions = Action.objects.filter(review__slug="cpc-2017")
    before = dict(actions.values_list("pk", "timescale"))
    since = last_entry_pk()

    count = actions.update(timescale="By March 2027")

    changed = {pk: old for pk, old in before.items() if old != "By March 2027"}
    assert count == len(before) >= 2
    assert sorted(new_entries(since)) == sorted(
        (
            "changed",
            "actions.action",
            str(pk),
            {"timescale": [old, "By March 2027"]},
            "test suite",
        )
        for pk, old in changed.items()
    )


def test_an_update_rolled_back_leaves_no_entry(southampton):
    since = last_entry_pk()

    def update_then_fail():
        with transaction.atomic():
            Action.objects.filter(review__slug="cpc-2017").update(timescale="Rolled back")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        update_then_fail()

    assert new_entries(since) == []
    assert not Action.objects.filter(timescale="Rolled back").exists()


def test_every_audited_model_logs_or_refuses_a_queryset_delete(one_of_each):
    """Each row deleted leaves a 'deleted' entry; a delete that history or a protected
    reference forbids changes nothing and logs nothing."""
    outcomes = {}
    for model, row in one_of_each.items():
        since = last_entry_pk()
        try:
            with transaction.atomic():
                model._default_manager.filter(pk=row.pk).delete()
        except (AppendOnlyError, models.ProtectedError, DatabaseError) as refusal:
            assert new_entries(since) == [], model
            assert model._default_manager.filter(pk=row.pk).exists(), model
            outcomes[model._meta.label] = f"refused: {type(refusal).__name__}"
            continue
        assert not model._default_manager.filter(pk=row.pk).exists(), model
        own = [e for e in new_entries(since) if e[1:3] == (model._meta.label_lower, str(row.pk))]
        assert [e[0] for e in own] == ["deleted"], model
        outcomes[model._meta.label] = "deleted, logged"

    assert outcomes == {
        "recommendations.Response": "deleted, logged",
        "actions.Action": "refused: ProtectedError",  # its progress updates are history
        "actions.ActionLead": "deleted, logged",
        "actions.Lead": "refused: ProtectedError",  # it leads an action
        "recommendations.TranscriptionCorrection": "deleted, logged",
        "recommendations.Review": "refused: ProtectedError",  # the next review refers to it
        "recommendations.ReviewImport": "deleted, logged",
        "recommendations.Membership": "deleted, logged",
        "auth.User": "deleted, logged",  # an officer, with their membership
    }


def test_every_audited_model_refuses_bulk_create_outside_a_load(one_of_each):
    for model, row in one_of_each.items():
        copy = model._default_manager.get(pk=row.pk)
        copy.pk = None
        count = model._default_manager.count()

        with pytest.raises(audit.BulkWriteRefused) as refused:
            model._default_manager.bulk_create([copy])

        assert str(refused.value).startswith(
            f"bulk_create() of {model._meta.label} would leave no audit entry"
        )
        assert model._default_manager.count() == count


def test_a_load_may_bulk_create_and_records_its_own_entry(db):
    """The review-file loader's design: rows in bulk inside suspended(), one entry."""
    organisation = Organisation.objects.create(slug="bulkshire", name="Bulkshire Council")
    from actions.models import Lead

    since = last_entry_pk()
    with transaction.atomic():
        with audit.suspended():
            Lead.objects.bulk_create(
                Lead(organisation=organisation, name=f"Lead {n}", role="") for n in range(3)
            )
        audit.record("imported", organisation, organisation, {"summary": ["lead: 3 created"]})

    assert Lead.objects.filter(organisation=organisation).count() == 3
    assert new_entries(since) == [
        (
            "imported",
            "recommendations.organisation",
            str(organisation.pk),
            {"summary": ["lead: 3 created"]},
            "test suite",
        )
    ]


def test_every_audited_model_has_the_audited_queryset():
    for model in AUDITED_MODELS:
        assert issubclass(model._default_manager._queryset_class, audit.AuditedQuerySet), model


def test_an_audited_model_of_ours_without_the_audited_queryset_stops_the_app():
    with pytest.raises(ImproperlyConfigured) as refused:
        audit._require_audited_queryset(Organisation)

    assert str(refused.value) == (
        "recommendations.Organisation is audited: its queryset must include "
        "tracker.audit.AuditedQuerySet, or update() and bulk writes skip the log."
    )


def test_dates_in_bulk_changes_are_logged_as_iso_text(southampton):
    action = Action.objects.filter(review__slug="cpc-2017", due__isnull=False).first()
    since = last_entry_pk()

    Action.objects.filter(pk=action.pk).update(due=datetime.date(2027, 3, 31))

    assert new_entries(since)[0][3] == {"due": [action.due.isoformat(), "2027-03-31"]}
