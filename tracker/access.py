"""The one access layer: who may see and do what, for every council in the one instance.

Every list, page, export, download, search and service asks here, and nowhere else:

- `visible_to(user)` on every council-scoped model's queryset (RestrictedQuerySet) narrows
  it to the rows of the user's organisation. Views fetch through it, so another council's
  object answers 404 and its existence is not revealed.
- `can(user, verb, obj)` answers the named questions ("may this user record progress on
  this action?"). Views ask it to decide what a page offers (a refusal is a 403: the object
  is visible, the change is not theirs to make); services ask it again themselves, so the
  rule holds whoever calls them.

A user's organisation and role are on their membership (recommendations.Membership); a
membership with no organisation is an LGA-wide user, who sees every council. Superusers
are the service's operators (LGA platform staff): everything, everywhere.

This module is the shared base: it imports no app. Models say how they reach their
organisation (`organisation_path`), and actions say who leads them (`is_led_or_owned_by`).
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    OFFICER = "officer", "Officer"
    PROGRAMME_OFFICE = "programme-office", "Programme office"
    ADMIN = "admin", "Admin"


class Verb(StrEnum):
    """The questions the app asks. Each is granted to roles in ROLE_VERBS below."""

    VIEW = "view"
    # Officers on the actions they lead or own; the programme office on any.
    RECORD_PROGRESS = "record_progress"
    RECORD_PROGRESS_ON_ANY = "record_progress_on_any"
    # Run the council's action plan: today, publishing it on its public page.
    MANAGE_PLAN = "manage_plan"
    CORRECT_TRANSCRIPTION = "correct_transcription"
    LOAD_REVIEWS = "load_reviews"
    MANAGE_USERS = "manage_users"


_VIEWER = frozenset({Verb.VIEW})
_OFFICER = _VIEWER | {Verb.RECORD_PROGRESS}
_PROGRAMME_OFFICE = _OFFICER | {Verb.RECORD_PROGRESS_ON_ANY, Verb.MANAGE_PLAN}
_ADMIN = _PROGRAMME_OFFICE | {Verb.CORRECT_TRANSCRIPTION, Verb.LOAD_REVIEWS, Verb.MANAGE_USERS}

ROLE_VERBS: dict[str, frozenset[Verb]] = {
    Role.VIEWER: _VIEWER,
    Role.OFFICER: _OFFICER,
    Role.PROGRAMME_OFFICE: _PROGRAMME_OFFICE,
    Role.ADMIN: _ADMIN,
}

# What sets the Admin role apart: whoever may do these must use two-factor sign-in.
ADMIN_ONLY_VERBS = _ADMIN - _PROGRAMME_OFFICE


# Who the user is ---------------------------------------------------------------------------


def _membership(user):
    # A missing one-to-one row raises an AttributeError subclass, as does AnonymousUser.
    return getattr(user, "membership", None)


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_of(user) -> str | None:
    """The user's role, or None for someone with no membership (who may do nothing)."""
    if not is_signed_in(user):
        return None
    if user.is_superuser:
        return Role.ADMIN
    membership = _membership(user)
    return membership.role if membership is not None else None


def verbs_of(user) -> frozenset[Verb]:
    return ROLE_VERBS.get(role_of(user), frozenset())


def sees_all_organisations(user) -> bool:
    """LGA-wide users (a membership with no organisation) and superusers see everything."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    membership = _membership(user)
    return membership is not None and membership.organisation_id is None


def organisation_id_of(user) -> int | None:
    """The id of the user's council; None for LGA-wide users and people with no membership."""
    if not is_signed_in(user) or user.is_superuser:
        return None
    membership = _membership(user)
    return membership.organisation_id if membership is not None else None


def requires_two_factor(user) -> bool:
    """Operators and anyone who may do what only an Admin may must sign in with two factors."""
    if not is_signed_in(user):
        return False
    return bool(user.is_superuser or user.is_staff or verbs_of(user) & ADMIN_ONLY_VERBS)


# Which rows ---------------------------------------------------------------------------------


def organisation_id_of_object(obj) -> int | None:
    """The organisation an object belongs to, by its model's `organisation_path`
    ("review__organisation": obj.review.organisation_id). Reads related objects the
    selector loaded; an object with no organisation yet (an upload for a new council)
    gives None."""
    path = type(obj).organisation_path
    if path == "":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


class RestrictedQuerySet(models.QuerySet):
    """The queryset of every model that holds a council's data. The model names the way to
    its organisation in `organisation_path` ("" for Organisation itself)."""

    def visible_to(self, user) -> "RestrictedQuerySet":
        """Only the rows the user may see: their organisation's, or all for LGA-wide users."""
        if role_of(user) is None:
            return self.none()
        if sees_all_organisations(user):
            return self
        organisation_id = organisation_id_of(user)
        if organisation_id is None:
            return self.none()
        path = self.model.organisation_path
        return self.filter(**{f"{path}_id" if path else "pk": organisation_id})

    def restrict(self, user, verb: Verb = Verb.VIEW) -> "RestrictedQuerySet":
        """Only the rows on which the user may do `verb` (NetBox's `restrict`)."""
        visible = self.visible_to(user)
        if verb not in verbs_of(user):
            return visible.none()
        return visible


# The questions ------------------------------------------------------------------------------


def _in_scope(user, obj) -> bool:
    """Whether `obj` (a model instance with an organisation path, an organisation, or None
    for "a council not yet in the tracker") is within the user's reach."""
    if sees_all_organisations(user):
        return True
    if obj is None:
        return False
    own = organisation_id_of(user)
    return own is not None and organisation_id_of_object(obj) == own


def can(user, verb: Verb | str, obj) -> bool:
    """May `user` do `verb` to `obj`?

    `obj` must be in the user's organisation (LGA-wide users: any), and to record progress
    an officer must lead or own the action. `obj` None means "a council not yet in the
    tracker" (loading a new council's first review): only LGA-wide users reach it.
    """
    verb = Verb(verb)
    verbs = verbs_of(user)
    if verb not in verbs:
        return False
    if obj is _ANYTHING:
        return True
    if not _in_scope(user, obj):
        return False
    if verb is Verb.RECORD_PROGRESS:
        return Verb.RECORD_PROGRESS_ON_ANY in verbs or obj.is_led_or_owned_by(user)
    return True


_ANYTHING = object()


def can_at_all(user, verb: Verb | str) -> bool:
    """May the user do `verb` to anything at all (what the navigation offers)."""
    return can(user, verb, _ANYTHING)
