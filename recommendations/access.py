"""Who may see and change what, for organisations, reviews and recommendations.

Every view and every POST goes through these rules. Another organisation's objects are
filtered out of every queryset (so they answer 404, their existence not revealed); what is
visible but not yours to change is refused with 403 by the view.

This module imports no models: the models' `visible_to` querysets call into it.
"""

from django.db.models import QuerySet


def _membership(user):
    # A missing one-to-one row raises an AttributeError subclass, as does AnonymousUser.
    return getattr(user, "membership", None)


def sees_all_organisations(user) -> bool:
    """LGA-wide users (a membership with no organisation) and superusers see everything."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    membership = _membership(user)
    return membership is not None and membership.organisation_id is None


def organisation_id_of(user) -> int | None:
    membership = _membership(user)
    return membership.organisation_id if membership else None


def filter_by_organisation[Q: QuerySet](queryset: Q, user, path: str) -> Q:
    """Narrow `queryset` to the rows the user may see; `path` leads to the organisation."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    if sees_all_organisations(user):
        return queryset
    organisation_id = organisation_id_of(user)
    if organisation_id is None:
        return queryset.none()
    lookup = f"{path}__pk" if path else "pk"
    return queryset.filter(**{lookup: organisation_id})


def can_correct_transcription(user) -> bool:
    """Only an administrator may correct how the peer team's words were typed up."""
    return user.has_perm("recommendations.correct_transcription")
