import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from actions.models import Action, AppendOnlyError, Lead, ProgressUpdate
from tests.factories import ActionFactory, LeadFactory, ProgressUpdateFactory
from tests.helpers import refused_by_database


@pytest.mark.django_db
def test_action_ref_is_unique_per_review():
    action = ActionFactory(ref="6.3-a")

    assert refused_by_database(
        lambda: ActionFactory(recommendation=action.recommendation, ref="6.3-a")
    )
    assert not refused_by_database(lambda: ActionFactory(ref="6.3-a"))


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("status", "started"), ("rag", "blue")])
def test_action_enumerations_are_database_constraints(field, value):
    action = ActionFactory()

    assert refused_by_database(lambda: Action.objects.filter(pk=action.pk).update(**{field: value}))


@pytest.mark.django_db
def test_lead_name_is_unique_per_organisation_and_kind_is_known():
    lead = LeadFactory(name="Cabinet")

    assert refused_by_database(lambda: LeadFactory(organisation=lead.organisation, name="Cabinet"))
    assert refused_by_database(lambda: Lead.objects.filter(pk=lead.pk).update(kind="committee"))


@pytest.mark.django_db
def test_progress_update_status_is_a_database_constraint():
    action = ActionFactory()

    assert refused_by_database(lambda: ProgressUpdateFactory(action=action, status="half-done"))


@pytest.mark.django_db
def test_recorded_progress_cannot_be_edited_or_deleted_in_code():
    update = ProgressUpdateFactory(note="Original")

    update.note = "Rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    with pytest.raises(AppendOnlyError):
        ProgressUpdate.objects.filter(pk=update.pk).update(note="Rewritten")
    with pytest.raises(AppendOnlyError):
        ProgressUpdate.objects.all().delete()
    assert ProgressUpdate.objects.get(pk=update.pk).note == "Original"


@pytest.mark.django_db
def test_deleting_an_action_cannot_take_its_history_with_it():
    update = ProgressUpdateFactory()

    with pytest.raises(Exception, match="protected"):
        update.action.delete()
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


@pytest.mark.django_db
def test_django_admin_cannot_add_change_or_delete_progress(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = site._registry[ProgressUpdate]
    update = ProgressUpdateFactory()

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, update)
    assert not model_admin.has_delete_permission(request, update)
    assert model_admin.has_view_permission(request, update)
