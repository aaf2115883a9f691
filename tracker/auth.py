"""Authentication backend: Django's ModelBackend, with the queries every page makes folded
together. Every signed-in request loads the user; this loads their organisation membership
and their authenticator's id in the same query, and all their permissions (their
own and their roles') in one more, instead of four."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import OuterRef, Q, Subquery
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

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).distinct()
            }
        return user_obj._perm_cache
