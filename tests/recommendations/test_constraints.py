"""Uniqueness and enumerations are database constraints: the last guard, whatever the form."""

import datetime

import pytest

from recommendations.models import RecommendationLink, Response, Review
from tests.factories import RecommendationFactory, ReviewFactory
from tests.helpers import refused_by_database


@pytest.mark.django_db
def test_review_slug_is_unique_per_organisation_only():
    review = ReviewFactory(slug="cpc-2017")

    assert refused_by_database(
        lambda: ReviewFactory(organisation=review.organisation, slug="cpc-2017")
    )
    assert not refused_by_database(lambda: ReviewFactory(slug="cpc-2017"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "inspection"), ("ended_on", datetime.date(2017, 9, 1))],
)
def test_review_values_outside_the_rules_are_refused_by_database(field, value):
    review = ReviewFactory(started_on=datetime.date(2017, 9, 11))

    assert refused_by_database(lambda: Review.objects.filter(pk=review.pk).update(**{field: value}))


@pytest.mark.django_db
def test_recommendation_number_is_unique_per_review():
    recommendation = RecommendationFactory(number="6")

    assert refused_by_database(
        lambda: RecommendationFactory(review=recommendation.review, number="6")
    )
    assert not refused_by_database(lambda: RecommendationFactory(number="6"))


@pytest.mark.django_db
def test_response_stance_must_be_a_known_one():
    recommendation = RecommendationFactory()

    assert refused_by_database(
        lambda: Response.objects.create(recommendation=recommendation, stance="maybe")
    )
    assert not refused_by_database(
        lambda: Response.objects.create(recommendation=recommendation, stance="partly-accepted")
    )


@pytest.mark.django_db
def test_link_relation_must_be_known_and_not_to_itself():
    later, earlier = RecommendationFactory(), RecommendationFactory()

    assert refused_by_database(
        lambda: RecommendationLink.objects.create(
            later=later, earlier=earlier, position=0, relation="ignores"
        )
    )
    assert refused_by_database(
        lambda: RecommendationLink.objects.create(
            later=later, earlier=later, position=0, relation="recurs"
        )
    )
    assert not refused_by_database(
        lambda: RecommendationLink.objects.create(
            later=later, earlier=earlier, position=0, relation="recurs"
        )
    )
