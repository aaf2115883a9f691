from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from tracker.access import Verb, can_at_all

# (text, URL name, the URL names or namespaces that make the item current, the permission
# the user must be able to do to see it)
NAVIGATION = [
    ("Reviews", "recommendations:home", ("recommendations:home",), None),
    ("Dashboard", "actions:dashboard", ("actions:dashboard", "actions:review-dashboard"), None),
    ("Actions", "actions:action-list", ("actions:action-list",), None),
    ("My actions", "actions:my-actions", ("actions:my-actions",), None),
    ("Search", "actions:search", ("actions:search",), None),
    (
        "Load a review",
        "recommendations:import-new",
        ("recommendations:import-new", "recommendations:import-list"),
        Verb.LOAD_REVIEWS,
    ),
    ("Users", "accounts:user-list", ("accounts", "user-leads"), Verb.MANAGE_USERS),
    ("Change password", "password_change", ("password_change", "password_change_done"), None),
    ("Two-factor sign-in", "two-factor-setup", ("two-factor-setup",), None),
]


def service(request: HttpRequest) -> dict[str, object]:
    return {"service_name": settings.SERVICE_NAME, "navigation": _navigation(request)}


def _navigation(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    if getattr(request, "two_factor_step", None):
        # Half signed in: nothing to navigate to until the second step is done.
        return []
    match = request.resolver_match
    here = {match.view_name, match.namespace} if match else set()
    return [
        {"text": text, "href": reverse(name), "active": bool(here & set(current))}
        for text, name, current, verb in NAVIGATION
        if verb is None or can_at_all(user, verb)
    ]
