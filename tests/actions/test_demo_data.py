"""The generated national-scale dataset: deterministic, realistic in shape, and consistent
with the rules the app keeps (stored current positions equal those computed from history)."""

import pytest
from django.core.management import call_command
from django.db import transaction

from actions import demo_data
from actions.models import Action, ProgressUpdate
from actions.services import position_from_history
from recommendations.models import Recommendation, Review

pytestmark = pytest.mark.django_db


def fingerprint() -> list[tuple]:
    return list(
        ProgressUpdate.objects.order_by(
            "action__review__organisation__slug", "action__ref", "on"
        ).values_list("action__review__organisation__name", "action__ref", "on", "status", "rag")
    )


def generated(seed: int) -> list[tuple]:
    """The fingerprint of two councils generated from `seed`, rolled back afterwards."""
    with transaction.atomic():
        demo_data.generate(2, seed=seed)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    first = generated(7)

    assert first
    assert generated(7) == first
    assert generated(8) != first


def test_each_council_has_reviews_every_few_years_of_the_documented_shape():
    sizes = demo_data.generate(10, seed=3)

    assert sizes.organisations == 10
    for review in Review.objects.all():
        top = Recommendation.objects.filter(review=review, parent__isnull=True)
        assert 6 <= top.count() <= 12
        for recommendation in top:
            assert 3 <= recommendation.actions.count() <= 8
            assert hasattr(recommendation, "response")
        if review.previous_id:
            assert 3 <= review.started_on.year - review.previous.started_on.year <= 5
            assert Recommendation.objects.filter(review=review, follows__isnull=False).exists()
    # About 270 actions and 2,700 updates per council: 400 councils hold the 100,000
    # actions and 1,000,000 updates the benchmark needs.
    assert sizes.actions / 10 >= 250, sizes
    assert sizes.progress_updates / 10 >= 2500, sizes


def test_stored_current_positions_equal_those_computed_from_history():
    demo_data.generate(1, seed=4)

    for action in Action.objects.all():
        status, rag, last_on = position_from_history(action)
        assert (action.current_status, action.current_rag, action.last_update_on) == (
            status,
            rag,
            last_on,
        ), action.ref
        assert action.version == action.updates.count()


def test_the_command_prints_its_sizes(capsys):
    call_command("generate_demo_data", organisations=1, seed=5)

    output = capsys.readouterr().out
    assert "actions: " in output
    assert "progress updates: " in output


def test_a_review_of_a_hundred_actions_is_made_once_for_the_pdf_benchmark():
    demo_data.generate(1, seed=6)
    organisation = Review.objects.first().organisation

    review = demo_data.review_with_actions(organisation, 100)
    again = demo_data.review_with_actions(organisation, 100)

    assert again == review
    assert review.actions.count() == 100
    assert Recommendation.objects.filter(review=review, parent__isnull=True).count() == 10
    for action in review.actions.all():
        assert action.current_status == position_from_history(action)[0]
