"""Reads for the users pages: who belongs to which council, as the admin may see them."""

from django.conf import settings
from django.core.validators import slug_re
from django.db.models import F, QuerySet
from django.http import Http404
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


# The largest id a database integer column holds: a larger one in an address is no user.
LARGEST_ID = 2**63 - 1


def member_for(viewer, user_id: int) -> Membership:
    """One user's membership, or 404 when the viewer may not see it (another council's)."""
    if not 0 < user_id <= LARGEST_ID:
        raise Http404
    return get_object_or_404(
        Membership.objects.visible_to(viewer).select_related("user", "organisation"),
        user_id=user_id,
    )


def councils_for(viewer) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(viewer).order_by("name")


def council_named(viewer, slug: str) -> Organisation | None:
    """The council with this short name that the viewer may see; None for any other value
    (an unknown name, or one no short name could be, such as one with a NUL byte)."""
    if not slug_re.fullmatch(slug):
        return None
    return councils_for(viewer).filter(slug=slug).first()


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
