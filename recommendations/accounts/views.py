"""The users pages: a council admin manages their council's users here, never in the
Django admin. Every view asks tracker.access (through the selectors' visible_to and
can), and every service asks again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from recommendations.models import Membership
from tracker.access import Verb, can, can_at_all
from tracker.forms import NewPasswordForm
from tracker.pagination import paginate
from tracker.two_factor import has_two_factor

from . import selectors, services
from .forms import CouncilForm, InviteForm, RoleForm
from .invitations import INVITATION_VALID_FOR, invited_user


def _require_user_manager(request: HttpRequest) -> None:
    if not can_at_all(request.user, Verb.MANAGE_USERS):
        raise PermissionDenied


def _member(request: HttpRequest, user_id: int) -> Membership:
    """A user the admin may manage: another council's is a 404, a non-admin gets a 403."""
    _require_user_manager(request)
    membership = selectors.member_for(request.user, user_id)
    if not can(request.user, Verb.MANAGE_USERS, membership):
        raise PermissionDenied
    return membership


def user_list(request: HttpRequest) -> HttpResponse:
    _require_user_manager(request)
    councils = selectors.councils_for(request.user)
    council = selectors.council_named(request.user, request.GET.get("council", ""))
    page = paginate(request, selectors.members_for(request.user, organisation=council), per_page=50)
    locked = selectors.locked_out_usernames(m.user.username for m in page.object_list)
    return render(
        request,
        "recommendations/accounts/user_list.html",
        {
            "page": page,
            "locked": locked,
            "council": council,
            # Only LGA-wide admins see several councils, so only they are offered a filter.
            "councils": councils if councils[1:2] else None,
            "can_add_council": can(request.user, Verb.LOAD_REVIEWS, None),
            "query": urlencode({"council": council.slug}) if council else "",
        },
    )


def user_invite(request: HttpRequest) -> HttpResponse:
    _require_user_manager(request)
    councils = selectors.councils_for(request.user)
    form = InviteForm(request.POST if request.method == "POST" else None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.invite_user(
                by=request.user,
                organisation=data["organisation"],
                name=data["name"],
                email=data["email"],
                role=data["role"],
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"An invitation has been sent to {membership.user.email}")
            return redirect("accounts:user-detail", user_id=membership.user_id)
    return render(
        request,
        "recommendations/accounts/user_invite.html",
        {"form": form, "valid_days": INVITATION_VALID_FOR.days},
    )


def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    membership = _member(request, user_id)
    return render(
        request,
        "recommendations/accounts/user_detail.html",
        {
            "membership": membership,
            "member": membership.user,
            "is_self": membership.user_id == request.user.pk,
            "locked": membership.user.username
            in selectors.locked_out_usernames([membership.user.username]),
            # By the relation's name: the actions app builds on this one, never the reverse.
            "leads": membership.user.leads.order_by("name"),
            "role_form": RoleForm(initial={"role": membership.role}),
            "has_two_factor": has_two_factor(membership.user),
        },
    )


@require_POST
def user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    membership = _member(request, user_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            changed = services.change_role(
                membership=membership, by=request.user, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Role changed to {changed.get_role_display()}")
    else:
        messages.error(request, "Select a role from the list")
    return redirect("accounts:user-detail", user_id=user_id)


@require_POST
def user_active(request: HttpRequest, user_id: int, active: bool) -> HttpResponse:
    membership = _member(request, user_id)
    try:
        services.set_active(membership=membership, by=request.user, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = membership.user.get_full_name() or membership.user.username
        messages.success(request, f"{name} has been {'reactivated' if active else 'deactivated'}")
    return redirect("accounts:user-detail", user_id=user_id)


@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    membership = _member(request, user_id)
    services.unlock(membership=membership, by=request.user)
    messages.success(request, "Unlocked: they can sign in again now")
    return redirect("accounts:user-detail", user_id=user_id)


@require_POST
def user_reset_two_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    membership = _member(request, user_id)
    try:
        services.reset_two_factor(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Two-factor sign-in reset: they set it up again at sign-in")
    return redirect("accounts:user-detail", user_id=user_id)


@require_POST
def user_reinvite(request: HttpRequest, user_id: int) -> HttpResponse:
    membership = _member(request, user_id)
    try:
        services.resend_invitation(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"A new invitation has been sent to {membership.user.email}")
    return redirect("accounts:user-detail", user_id=user_id)


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited user chooses their password (the service's password rules)."""
    user = invited_user(token)
    if user is None:
        return _invitation_invalid(request)
    form = NewPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(token=token, password=form.cleaned_data["new_password1"])
        except services.InvitationInvalid:
            return _invitation_invalid(request)
        messages.success(request, f"Your password has been set. Sign in as {user.username}")
        return redirect("sign-in")
    return render(
        request,
        "recommendations/accounts/invitation_accept.html",
        {"form": form, "invited": user, "valid_days": INVITATION_VALID_FOR.days},
    )


def _invitation_invalid(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "recommendations/accounts/invitation_invalid.html",
        {"valid_days": INVITATION_VALID_FOR.days},
        # The link leads nowhere (any longer); the page says what to do instead.
        status=404,
    )


def council_new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Verb.LOAD_REVIEWS, None):
        raise PermissionDenied
    form = CouncilForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            council = services.create_council(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("slug", error)
        else:
            messages.success(
                request, f"{council.name} has been added. Now load its first review file."
            )
            return redirect("recommendations:import-new")
    return render(request, "recommendations/accounts/council_new.html", {"form": form})
