from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from tracker import security_log, two_factor
from tracker.forms import OneTimeCodeForm


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 "ok" when the database answers, 503 when it does not. Says
    nothing else about the service."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means this instance cannot serve
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


WRONG_CODE = (
    "The code is not correct or has expired. Enter the latest code from your authenticator app"
)


@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for anyone with an authenticator."""
    if request.user.is_verified():
        return redirect(safe_next(request))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify_second_factor(request, form.cleaned_data["code"]):
            security_log.event("two_factor_verified", request)
            return redirect(safe_next(request))
        security_log.event("two_factor_failed", request)
        form.add_error("code", WRONG_CODE)
    return render(request, "registration/two_factor_verify.html", {"form": form})


@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Connect an authenticator app: scan the QR code (or type the key), then prove it works
    by entering a code from it. Recovery codes are shown once, on success."""
    user = request.user
    if two_factor.has_two_factor(user) and not user.is_verified():
        return redirect("two-factor-verify")
    device = two_factor.pending_authenticator(user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recovery_codes = two_factor.confirm_authenticator(
            request, device, form.cleaned_data["code"]
        )
        if recovery_codes is not None:
            security_log.event("two_factor_set_up", request)
            return render(
                request,
                "registration/two_factor_recovery_codes.html",
                {"recovery_codes": recovery_codes, "next": safe_next(request)},
            )
        form.add_error("code", WRONG_CODE)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "setup_key": two_factor.setup_key(device),
            "required": two_factor.requires_two_factor(user),
            "already_on": two_factor.has_two_factor(user),
        },
    )


@never_cache
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes (POST), for someone already signed in with two factors."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not (request.user.is_verified() and two_factor.has_two_factor(request.user)):
        return redirect("two-factor-setup")
    codes = two_factor.replace_recovery_codes(request.user)
    security_log.event("recovery_codes_replaced", request)
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"recovery_codes": codes, "next": reverse("recommendations:home")},
    )


def safe_next(request: HttpRequest) -> str:
    """Where to go after a sign-in step: the page asked for, if it is a path on this site.
    Only a path: `redirect()` would take any other word for the name of a view."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_not_required
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")
