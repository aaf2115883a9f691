from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from actions.models import Lead
from recommendations.accounts import selectors as accounts
from tracker.access import Verb, can, can_at_all

from . import services
from .forms import LinkLeadsForm


def user_leads(request: HttpRequest, user_id: int) -> HttpResponse:
    if not can_at_all(request.user, Verb.MANAGE_USERS):
        raise PermissionDenied
    membership = accounts.member_for(request.user, user_id)
    if not can(request.user, Verb.MANAGE_USERS, membership):
        raise PermissionDenied
    leads = (
        Lead.objects.visible_to(request.user)
        .filter(organisation_id=membership.organisation_id)
        .select_related("user")
        .order_by("name")
    )
    form = LinkLeadsForm(
        request.POST if request.method == "POST" else None,
        leads=leads,
        for_user_id=membership.user_id,
        initial={"leads": [lead for lead in leads if lead.user_id == membership.user_id]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            linked = services.link_leads(
                membership=membership, by=request.user, leads=form.cleaned_data["leads"]
            )
        except ValidationError as error:
            form.add_error("leads", error)
        else:
            messages.success(request, f"{len(linked)} leads linked")
            return redirect("accounts:user-detail", user_id=user_id)
    return render(request, "actions/user_leads.html", {"membership": membership, "form": form})
