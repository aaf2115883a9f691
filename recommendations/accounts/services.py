"""Changes to a council's users, made by its administrators on the app's own pages.

Each service checks the acting user itself (tracker.access: Verb.MANAGE_USERS on the
membership or council), so the rule holds whoever calls it, and runs inside
`acting_as(by)` so the audit log records the user and membership changes as theirs.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from recommendations.models import Membership, Organisation
from tracker import audit, security_log
from tracker.access import Role, Verb, can
from tracker.audit import acting_as

from .invitations import INVITATION_VALID_FOR, invitation_token, invited_user


class InvitationInvalid(Exception):
    """The invitation link has expired, been used, or was never issued."""


def _require_manager(by, obj) -> None:
    if not can(by, Verb.MANAGE_USERS, obj):
        raise PermissionDenied("Only an administrator of the council may manage its users.")


def _require_manageable(membership: Membership, by) -> None:
    _require_manager(by, membership)
    # The service's operators are managed in the Django admin, by operators only.
    if membership.user.is_superuser and not by.is_superuser:
        raise PermissionDenied("Operators' accounts are not managed here.")


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first, last.strip()


def invite_user(*, by, organisation: Organisation, name: str, email: str, role: str) -> Membership:
    """Create an account for a new user of `organisation` and email them a one-time link
    to choose their password.

    Side effects, in order: refuses anyone who may not manage the council's users, and an
    email address or username already in use; creates the user (username: the email
    address; no usable password until they choose one) and their membership with `role`,
    audited as `by`, in one transaction; then emails the link, valid for
    INVITATION_VALID_FOR.
    """
    _require_manager(by, organisation)
    if role not in Role.values:
        raise ValidationError("Select a role from the list.")
    email = email.strip().lower()
    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists() or (
        User.objects.filter(username__iexact=email).exists()
    ):
        raise ValidationError("There is already a user with this email address.")
    first_name, last_name = _split_name(name)
    try:
        with transaction.atomic(), acting_as(by):
            user = User(username=email, email=email, first_name=first_name, last_name=last_name)
            user.set_unusable_password()
            user.save()
            membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    except IntegrityError:
        # Another admin invited the same address a moment ago (the check above passed for
        # both): the database's unique username decides, and this one is told plainly.
        raise ValidationError("There is already a user with this email address.") from None
    _send_invitation(user, organisation, by)
    return membership


def resend_invitation(*, membership: Membership, by) -> None:
    """Email a fresh link to someone who has not yet chosen a password (their earlier link
    keeps working until it expires: both name the same account as it still is)."""
    _require_manageable(membership, by)
    user = membership.user
    if user.has_usable_password():
        raise ValidationError("This user has already chosen a password.")
    if not user.is_active:
        raise ValidationError("Reactivate this user before inviting them again.")
    _send_invitation(user, membership.organisation, by)


def _send_invitation(user, organisation: Organisation | None, by) -> None:
    # The address people use (SITE_URL), never a request's Host header: a link in an email
    # must not be steered by whoever sent the request.
    link = settings.SITE_URL + reverse(
        "accounts:invitation-accept", kwargs={"token": invitation_token(user)}
    )
    context = {
        "user": user,
        "organisation": organisation,
        "invited_by": by.get_full_name() or by.get_username(),
        "link": link,
        "valid_days": INVITATION_VALID_FOR.days,
        "service_name": settings.SERVICE_NAME,
    }
    send_mail(
        subject=f"You have been invited to the {settings.SERVICE_NAME}",
        message=render_to_string("recommendations/accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def accept_invitation(*, token: str, password: str):
    """Set the invited user's password from their link; the link then stops working.

    The password must already have passed NewPasswordForm (the service's password rules).
    """
    user = invited_user(token)
    if user is None:
        raise InvitationInvalid
    with transaction.atomic(), acting_as(user):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def change_role(*, membership: Membership, by, role: str) -> Membership:
    """Give a user another role in their council.

    Refuses anyone who may not manage the council's users, and an admin demoting
    themselves: a council would otherwise lose its last admin by one slip, and nobody
    could put it right but an operator.
    """
    _require_manageable(membership, by)
    if role not in Role.values:
        raise ValidationError("Select a role from the list.")
    if membership.user_id == by.pk and role != membership.role:
        raise ValidationError("You cannot change your own role. Ask another administrator.")
    with transaction.atomic(), acting_as(by):
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        locked.role = role
        locked.save(update_fields=["role"])
    return locked


def set_active(*, membership: Membership, by, active: bool) -> Membership:
    """Deactivate a user (they are signed out at their next request and cannot sign in)
    or reactivate them. Refuses an admin deactivating themselves, for the same reason as
    change_role."""
    _require_manageable(membership, by)
    if membership.user_id == by.pk and not active:
        raise ValidationError("You cannot deactivate yourself. Ask another administrator.")
    User = get_user_model()
    with transaction.atomic(), acting_as(by):
        user = User.objects.select_for_update().get(pk=membership.user_id)
        user.is_active = active
        user.save(update_fields=["is_active"])
    membership.user = user
    return membership


def unlock(*, membership: Membership, by) -> int:
    """Clear a user's failed sign-ins, so a lockout ends now rather than after its
    cool-off. Audited and written to the security log. Returns how many records of failed
    sign-ins were removed."""
    from axes.utils import reset

    _require_manageable(membership, by)
    user = membership.user
    with transaction.atomic(), acting_as(by):
        removed = reset(username=user.get_username())
        audit.record("changed", user, user, {"sign-in": ["locked out", "unlocked"]})
    security_log.event("unlocked", username=user.get_username(), by=by.get_username())
    return removed


def reset_two_factor(*, membership: Membership, by) -> None:
    """For someone who lost both their phone and their recovery codes: remove their
    authenticator and recovery codes, so at their next sign-in (with their password) they
    set up a new authenticator if their role needs one. Audited and written to the
    security log. Refuses an admin resetting their own: they do that on their Two-factor
    sign-in page, signed in with their codes."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_manageable(membership, by)
    user = membership.user
    if user.pk == by.pk:
        raise ValidationError("You cannot reset your own two-factor sign-in here.")
    with transaction.atomic(), acting_as(by):
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record("changed", user, user, {"two-factor sign-in": ["set up", "reset"]})
    security_log.event("two_factor_reset", username=user.get_username(), by=by.get_username())


def create_council(*, by, name: str, slug: str) -> Organisation:
    """Add a council to the tracker, ready for its first review to be loaded.

    Only LGA-wide admins may (can(..., None): a council not yet in the tracker). Refuses a
    short name already in use.
    """
    if not can(by, Verb.LOAD_REVIEWS, None):
        raise PermissionDenied("Only an LGA-wide administrator may add a council.")
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError("There is already a council with this short name.")
    try:
        with transaction.atomic(), acting_as(by):
            return Organisation.objects.create(name=name.strip(), slug=slug)
    except IntegrityError:
        # Added by someone else since the check above.
        raise ValidationError("There is already a council with this short name.") from None
