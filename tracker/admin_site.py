"""The Django admin, for the service's operators only (LGA platform staff).

Only an active superuser who has signed in with two factors may use it. Council
administrators are not staff: what they need day to day (their council's users, their
uploads) the app gives them on its own pages, scoped to their council. Anyone else signed
in is refused with the service's 403 page, never sent round the sign-in page (which would
send them straight back here: a redirect loop); a signed-out visitor is sent to sign in.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def is_operator(user) -> bool:
    """An active superuser past two-factor sign-in. `is_staff` alone grants nothing."""
    is_verified = getattr(user, "is_verified", None)
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_superuser
        and is_verified is not None
        and is_verified()
    )


class OperatorAdminSite(admin.AdminSite):
    site_header = "Peer challenge tracker: operators"
    site_title = "Peer challenge tracker operators"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def refuse_non_operators(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return guarded(request, *args, **kwargs)

        return update_wrapper(refuse_non_operators, guarded)

    @login_not_required
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # People sign in through the service's own sign-in (lockouts, two factors), never
        # through a second form here. (Imported here: auth's views load its models.)
        from django.contrib.auth.views import redirect_to_login

        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or "/django-admin/")
        if not self.has_permission(request):
            raise PermissionDenied
        return redirect("admin:index")


class OperatorAdminConfig(AdminConfig):
    default_site = "tracker.admin_site.OperatorAdminSite"
