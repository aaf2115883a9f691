"""Authentication backend: Django's ModelBackend, with the queries every page makes folded
together. Every signed-in request loads the user; this loads their organisation membership
(which carries their role, all that tracker.access needs) and their authenticator's id in
the same query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        confirmed_authenticator = TOTPDevice.objects.filter(
            user=OuterRef("pk"), confirmed=True
        ).values("pk")[:1]
        user = (
            get_user_model()
            ._default_manager.select_related("membership")
            .annotate(authenticator_id=Subquery(confirmed_authenticator))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
