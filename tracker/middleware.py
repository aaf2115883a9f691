import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

SIGNED_IN_AT = "signed_in_at"


class AbsoluteSessionTimeoutMiddleware:
    """End a session a fixed time after sign-in, however active it has been.

    The idle timeout is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST);
    this adds the upper bound, so a stolen session cannot be kept alive for ever.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Switch off browser features the service never uses (camera, microphone, location...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
