"""Two-factor sign-in: a time-based one-time code (TOTP) from an authenticator app, with
single-use recovery codes for when the phone is lost.

Required for anyone who can administer the service (the Admin role, staff and superusers);
anyone else may turn it on. The rules live here; the middleware and views only ask.
"""

from base64 import b32encode

import segno
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp import login as mark_verified
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker import access

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def requires_two_factor(user: AbstractBaseUser) -> bool:
    """Operators, and anyone who may do what only an Admin may (load reviews, manage users,
    correct transcriptions), must use two factors: tracker.access decides who that is."""
    return access.requires_two_factor(user)


def has_two_factor(user: AbstractBaseUser) -> bool:
    # Signed-in users come with the answer (tracker.auth.AccountBackend.get_user).
    if hasattr(user, "authenticator_id"):
        return user.authenticator_id is not None
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def step_needed(user: AbstractBaseUser) -> str | None:
    """The sign-in step a signed-in user still has to take: the URL name of the page that
    asks for their code, or of the page that sets up a required authenticator."""
    if not user.is_authenticated or user.is_verified():
        return None
    if has_two_factor(user):
        return "two-factor-verify"
    if requires_two_factor(user):
        return "two-factor-setup"
    return None


def pending_authenticator(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so reloading
    the page does not invalidate the QR code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_authenticator(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it. Returns fresh recovery codes,
    to be shown once, or None when the code is wrong."""
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    mark_verified(request, device)
    return replace_recovery_codes(device.user)


@transaction.atomic
def replace_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """Issue a new set of recovery codes; any earlier set stops working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify_second_factor(request, code: str) -> bool:
    """Check a code from the authenticator, or a recovery code (used up once accepted).
    Each device throttles repeated failures itself."""
    user = request.user
    cleaned = code.strip().replace(" ", "").replace("-", "")
    candidates = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    for device in candidates:
        token = _digits(cleaned) if isinstance(device, TOTPDevice) else cleaned.lower()
        if token and device.verify_token(token):
            mark_verified(request, device)
            return True
    return False


def remaining_recovery_codes(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _digits(code: str) -> str:
    return "".join(character for character in code if character.isdigit())


def setup_key(device: TOTPDevice) -> str:
    """The secret in the form authenticator apps accept when typed, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The authenticator's set-up link as an inline SVG QR code (no image request, so nothing
    leaves the page and the content security policy needs no exception)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code for your authenticator app", svgclass="app-qr-code"
    )
