"""Every page needs sign-in unless it is deliberately public. The test walks the URL
configuration, so a new view cannot forget."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.helpers import answered

# Deliberately public: signing in, getting back into an account, published action plans.
# Each with what an anonymous visitor gets from its sample URL (below): the status and the
# page's main heading (the health check's body, which is not a page).
PUBLIC = {
    "healthz": (200, "ok"),
    "accessibility": (200, "Accessibility statement for the Peer challenge tracker"),
    "public-action-plan": (404, "Page not found"),  # the sample review is not published
    "sign-in": (200, "Sign in"),
    "password_reset": (200, "Reset your password"),
    "password_reset_done": (200, "Check your email"),
    "password_reset_confirm": (200, "This link has expired or been used"),  # a sample token
    "password_reset_complete": (200, "Password saved"),
    "invitation-accept": (404, "This link has expired or has been used"),
}

SAMPLE_KWARGS = {
    "organisation_slug": "southampton",
    "review_slug": "cpc-2017",
    "number": "6",
    "ref": "6.3-a",
    "uidb64": "MQ",
    "token": "set-password",
}


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def concrete(route: str) -> str:
    """Fill a route's converters (<slug:review_slug>) and regex groups with sample values."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_KWARGS.get(m.group(1), "1"), route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + route.lstrip("^").rstrip("$").replace("\\", "")


TRACKER_ROUTES = [
    (route, pattern)
    for route, pattern in walk(get_resolver().url_patterns)
    if not route.startswith("django-admin/")
]
ADMIN_ROUTES = [
    route for route, _ in walk(get_resolver().url_patterns) if route.startswith("django-admin/")
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "pattern"), TRACKER_ROUTES, ids=[r for r, _ in TRACKER_ROUTES])
def test_every_page_sends_anonymous_visitors_to_sign_in(client, southampton, route, pattern):
    url = concrete(route)

    get = client.get(url)
    post = client.post(url, {"note": "anonymous"})

    if pattern.name in PUBLIC:
        status, heading = PUBLIC[pattern.name]
        if pattern.name == "healthz":
            assert (get.status_code, get.content.decode()) == (status, heading)
        else:
            assert answered(get) == (status, heading), url
    else:
        for response in (get, post):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/sign-in/?next="), url


@pytest.mark.django_db
@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_django_admin_pages_need_a_sign_in(client, route):
    response = client.get(concrete(route))

    # The admin's own login form is replaced by the service's sign-in (lockouts, two factors).
    assert response.status_code == 302
    assert response["Location"].startswith(("/sign-in/", "/django-admin/login/"))


def test_the_public_allow_list_names_real_urls():
    names = {pattern.name for _, pattern in walk(get_resolver().url_patterns)}

    assert names >= PUBLIC.keys()
