"""Linking a user to the leads they are (names in their council's action plans), which is
what makes their "My actions" list. Here rather than in recommendations.accounts because
it writes Lead rows: actions builds on recommendations, never the reverse."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from actions.models import Lead
from recommendations.models import Membership
from tracker.access import Verb, can
from tracker.audit import acting_as


def link_leads(*, membership: Membership, by, leads) -> list[Lead]:
    """Make `leads` exactly the leads linked to the membership's user.

    Side effects, in one transaction, each audited as `by`: refuses anyone who may not
    manage the council's users, and any lead not of the user's council; unlinks the user
    from leads not chosen; links each chosen lead to them (a lead is one person, so one
    linked to someone else moves to this user). Returns the leads now linked.
    """
    if not can(by, Verb.MANAGE_USERS, membership):
        raise PermissionDenied("Only an administrator of the council may link leads.")
    if membership.user.is_superuser and not by.is_superuser:
        raise PermissionDenied("Operators' accounts are not managed here.")
    chosen = {lead.pk for lead in leads}
    council_leads = Lead.objects.visible_to(by).filter(organisation_id=membership.organisation_id)
    if membership.organisation_id is None or chosen - set(
        council_leads.filter(pk__in=chosen).values_list("pk", flat=True)
    ):
        raise ValidationError("Choose leads of the user's own council.")
    user = membership.user
    with transaction.atomic(), acting_as(by):
        # Row by row, not update(): each link and unlink is an audit entry of its own.
        for lead in council_leads.select_for_update().filter(user=user).exclude(pk__in=chosen):
            lead.user = None
            lead.save(update_fields=["user"])
        for lead in council_leads.select_for_update().filter(pk__in=chosen).exclude(user=user):
            lead.user = user
            lead.save(update_fields=["user"])
    return list(council_leads.filter(user=user).order_by("name"))
