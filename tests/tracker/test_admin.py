"""The Django admin is registered for every model, with search and list_select_related."""

import pytest
from django.apps import apps
from django.contrib.admin.sites import site

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


@pytest.mark.django_db
@pytest.mark.parametrize("model", TRACKER_MODELS, ids=lambda model: model._meta.label)
def test_admin_changelists_render(admin_client, southampton, model):
    url = f"/django-admin/{model._meta.app_label}/{model._meta.model_name}/"

    response = admin_client.get(url, {"q": "a"})

    assert response.status_code == 200
