import time

import django_otp.middleware
from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"


class SessionTimeoutMiddleware:
    """End a session after 30 idle minutes, and 12 hours after sign-in however active.

    The idle timeout is the session's own expiry (SESSION_COOKIE_AGE), pushed forward as the
    user keeps working. Rather than rewrite the session row on every request, it is pushed
    forward at most once a minute (SESSION_ACTIVITY_RESOLUTION_SECONDS): the timeout is
    exact to the minute and most pages save three queries. The absolute limit stops a
    stolen session being kept alive for ever.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            signed_in_at = session.get(SIGNED_IN_AT) or now
            if now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
            if now - session.get(LAST_SEEN_AT, 0) > settings.SESSION_ACTIVITY_RESOLUTION_SECONDS:
                session[SIGNED_IN_AT] = signed_in_at
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


def start_session_clock(sender, request, user, **kwargs):
    """At sign-in: the absolute timeout counts from now, and the session is fresh."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


class NoStoreWhenSignedInMiddleware:
    """Pages and exports shown to someone signed in are theirs: `Cache-Control: no-store`
    keeps them out of shared caches and off the disk of a shared computer, so the back
    button after signing out shows nothing. Signed-out pages (sign-in, the public action
    plan, error pages) keep their own caching; static files never reach this middleware
    (WhiteNoise answers them first) and stay cacheable for a year."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated  # before the view: signing out counts
        response = self.get_response(request)
        signed_in = signed_in or request.user.is_authenticated
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response


class PermissionsPolicyMiddleware:
    """Switch off browser features the service never uses (camera, microphone, location...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class TwoFactorMiddleware:
    """Hold a signed-in user at the second step until they give a one-time code.

    Someone with an authenticator must give a code on every sign-in; someone whose role
    requires one but has none must set it up before anything else. The only pages open in
    between are those steps themselves and signing out.
    """

    OPEN_VIEWS = frozenset({"sign-out", "two-factor-verify", "two-factor-setup", "healthz"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from tracker import two_factor

        request.two_factor_step = two_factor.step_needed(request.user)
        if request.two_factor_step is None:
            return None
        if request.resolver_match.url_name in self.OPEN_VIEWS:
            return None
        return redirect_to_step(request.two_factor_step, request)


def redirect_to_step(url_name: str, request):
    from django.utils.http import url_has_allowed_host_and_scheme, urlencode

    target = reverse(url_name)
    wanted = request.get_full_path()
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        target = f"{target}?{urlencode({'next': wanted})}"
    return redirect(target)


class RequestIdMiddleware:
    """Give every request an id, echoed in the X-Request-ID header, in security log lines
    and on error pages, so a user's "reference" leads straight to the log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from tracker.security_log import request_id_for

        request.request_id = request_id_for(request)
        response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request.request_id)
        return response


class OTPMiddleware(django_otp.middleware.OTPMiddleware):
    """django-otp's middleware, without its query per request for someone signed in with
    their authenticator: the user arrives with that device's id (AccountBackend.get_user),
    so a device deleted or replaced still stops counting at the very next request."""

    def _verify_user_sync(self, request, user):
        authenticator_id = getattr(user, "authenticator_id", None)
        if user.is_authenticated and authenticator_id is not None:
            device = TOTPDevice(pk=authenticator_id, user_id=user.pk, confirmed=True)
            if request.session.get(DEVICE_ID_SESSION_KEY) == device.persistent_id:
                self._init_user_fields(user)
                user.otp_device = device
                return user
        return super()._verify_user_sync(request, user)
