"""The Django admin is registered for every model, with search and list_select_related, and
each changelist's search finds a row of its model."""

import re

import pytest
from django.apps import apps
from django.contrib.admin.sites import site

from tests.helpers import shows
from tracker.admin import ReadOnlyAdmin

TRACKER_MODELS = [
    model
    for label in ("recommendations", "actions")
    for model in apps.get_app_config(label).get_models()
    if not model._meta.auto_created
]


@pytest.mark.parametrize("model", TRACKER_MODELS, ids=lambda model: model._meta.label)
def test_every_model_is_in_the_admin_with_search(model):
    model_admin = site._registry.get(model)

    assert model_admin is not None, f"{model._meta.label} is not registered"
    assert model_admin.search_fields


@pytest.mark.parametrize("model", TRACKER_MODELS, ids=lambda model: model._meta.label)
def test_admin_lists_join_their_foreign_keys(model):
    model_admin = site._registry[model]
    foreign_keys = [field for field in model._meta.fields if field.many_to_one]

    if foreign_keys:
        assert model_admin.list_select_related


@pytest.fixture
def every_model_has_rows(southampton, admin_user):
    """Southampton as loaded, and the rows only use makes (an update with evidence, a
    correction, an invitation, an upload), each made through its service by an operator."""
    from actions.models import Action
    from actions.reminders import send_reminders
    from actions.services import Evidence, record_progress
    from actions.user_leads.services import link_leads
    from recommendations.accounts.services import invite_user
    from recommendations.imports.services import preview_upload
    from recommendations.models import Organisation, Recommendation
    from recommendations.services import correct_transcription
    from tests.conftest import SOUTHAMPTON_FILES

    action = Action.objects.get(review__slug="cpc-2017", ref="6.3-a")
    record_progress(
        action=action,
        by=admin_user,
        status="in-progress",
        rag="green",
        note="Cut-over rehearsed.",
        seen_version=action.version,
        evidence=[Evidence("Rehearsal minutes", "https://example.org/minutes")],
    )
    correct_transcription(
        recommendation=Recommendation.objects.get(review__slug="cpc-2017", number="6.3"),
        by=admin_user,
        field="text",
        text="Continue to prioritise the Agresso upgrade and HR integration.",
        reason="The full stop was missed.",
    )
    invited = invite_user(
        by=admin_user,
        organisation=Organisation.objects.get(slug="southampton"),
        name="Nia Jones",
        email="nia.jones@example.org",
        role="officer",
    )
    # Linked to the lead of an open action with a due date, she is reminded of it.
    due = Action.objects.open().exclude(due=None).order_by("due").first()
    link_leads(membership=invited, by=admin_user, leads=[due.action_leads.first().lead])
    assert send_reminders(due.due) == 1
    preview_upload(
        by=admin_user, file_name="cpc-2017.yaml", content=SOUTHAMPTON_FILES[2].read_bytes()
    )


def searched_word(row, search_fields: list[str]) -> str:
    """The longest word of the first search field that has words: searching for it finds
    `row` whatever else it finds."""
    for path in search_fields:
        value = row
        for name in path.split("__"):
            value = getattr(value, name, None)
        words = re.findall(r"[A-Za-z]{3,}", str(value or ""))
        if words:
            return max(words, key=len)
    raise AssertionError(f"{row!r} has no words in {search_fields}")


@pytest.mark.django_db
@pytest.mark.parametrize("model", TRACKER_MODELS, ids=lambda model: model._meta.label)
def test_admin_changelists_find_a_row_by_search(admin_client, every_model_has_rows, model):
    meta = model._meta
    row = model._default_manager.order_by("pk").first()
    assert row is not None, f"no {meta.verbose_name} to look for"
    word = searched_word(row, site._registry[model].search_fields)

    response = admin_client.get(f"/django-admin/{meta.app_label}/{meta.model_name}/", {"q": word})

    # History is read-only in the admin: its rows are there to view.
    verb = "view" if isinstance(site._registry[model], ReadOnlyAdmin) else "change"
    shows(response, f"Select {meta.verbose_name} to {verb}")
    assert row in response.context["cl"].result_list
    assert f'href="/django-admin/{meta.app_label}/{meta.model_name}/{row.pk}/change/' in (
        response.content.decode()
    )
