"""Reads for the users pages: who belongs to which council, as the admin may see them."""

from django.conf import settings
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from recommendations.models import Membership, Organisation


def members_for(viewer, *, organisation: Organisation | None = None) -> QuerySet[Membership]:
    """The memberships the viewer may see (their council's; every council's for LGA-wide
    admins), optionally one council's, by council then name."""
    members = Membership.objects.visible_to(viewer).select_related("user", "organisation")
    if organisation is not None:
        members = members.filter(organisation=organisation)
    return members.order_by(
        # LGA-wide users first, on every database (PostgreSQL sorts NULL last by default).
        F("organisation__name").asc(nulls_first=True),
        "user__first_name",
        "user__last_name",
        "user__username",
    )


def member_for(viewer, user_id: int) -> Membership:
    """One user's membership, or 404 when the viewer may not see it (another council's)."""
    return get_object_or_404(
        Membership.objects.visible_to(viewer).select_related("user", "organisation"),
        user_id=user_id,
    )


def councils_for(viewer) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(viewer).order_by("name")


def locked_out_usernames(usernames) -> set[str]:
    """Which of these usernames are locked out now by too many failed sign-ins (django-axes
    counts failures per username; a lock lasts AXES_COOLOFF_TIME)."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames),
            attempt_time__gte=since,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        ).values_list("username", flat=True)
    )
