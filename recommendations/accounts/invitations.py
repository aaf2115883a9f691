"""The one-time link that lets an invited user choose their password.

A signed, timestamped token naming the user and a fingerprint of their account as it was
when invited: the link stops working once it is INVITATION_VALID_FOR old, once a password
has been set through it (the fingerprint covers the password hash), and once the account
is deactivated.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import salted_hmac

INVITATION_VALID_FOR = datetime.timedelta(days=7)
_SALT = "recommendations.accounts.invitation"


def _fingerprint(user) -> str:
    account = f"{user.pk}|{user.password}|{user.is_active}"
    return salted_hmac(_SALT, account, algorithm="sha256").hexdigest()[:32]


def invitation_token(user) -> str:
    return signing.dumps({"user": user.pk, "account": _fingerprint(user)}, salt=_SALT)


def invited_user(token: str):
    """The user the token invites, or None when it is forged, expired or already used."""
    try:
        claim = signing.loads(token, salt=_SALT, max_age=INVITATION_VALID_FOR)
        user = get_user_model().objects.filter(pk=int(claim["user"])).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or not user.is_active or user.has_usable_password():
        return None
    if claim.get("account") != _fingerprint(user):
        return None
    return user
