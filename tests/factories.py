import datetime

import factory

from actions.models import Action, ActionLead, Lead, ProgressUpdate
from recommendations.models import Organisation, Recommendation, Review, ReviewKind


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"council-{n}")
    name = factory.Sequence(lambda n: f"Council {n}")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"review-{n}")
    kind = ReviewKind.CORPORATE_PEER_CHALLENGE
    title = factory.Sequence(lambda n: f"Corporate Peer Challenge {n}")
    started_on = datetime.date(2017, 9, 11)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    review = factory.SubFactory(ReviewFactory)
    position = factory.Sequence(lambda n: n)
    number = factory.Sequence(lambda n: str(n + 1))
    title = "Improve performance management"
    text = "Improve performance management across the council."


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Lead {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    recommendation = factory.SubFactory(RecommendationFactory)
    review = factory.SelfAttribute("recommendation.review")
    position = factory.Sequence(lambda n: n)
    ref = factory.Sequence(lambda n: f"a-{n}")
    text = "Agree a council-wide performance framework"


class ActionLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLead

    action = factory.SubFactory(ActionFactory)
    lead = factory.SubFactory(
        LeadFactory, organisation=factory.SelfAttribute("..action.review.organisation")
    )
    position = 0


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    on = datetime.date(2018, 1, 31)
    status = "in-progress"
    note = "Work has started."
