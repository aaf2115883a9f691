"""The Django admin is for the service's operators only: active superusers past two-factor
sign-in. Council admins are not staff; `is_staff` alone grants nothing; nobody else is
sent round a redirect loop."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from tests.helpers import refused
from tracker.admin_site import OperatorAdminSite, is_operator

OPERATORS_HEADER = "Peer challenge tracker: operators"  # on every page of the admin
ADMIN_URLS = [
    "/django-admin/",
    "/django-admin/auth/user/",
    "/django-admin/recommendations/membership/",
    "/django-admin/actions/lead/",
    "/django-admin/tracker/auditentry/",
    "/django-admin/password_change/",
]


def test_the_default_admin_site_is_for_operators():
    from django.contrib import admin

    assert isinstance(admin.site, OperatorAdminSite)


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_refuses_a_council_admin_with_the_403_page(signed_in, admin_member, url):
    client = signed_in(admin_member)

    response = client.get(url)

    assert response.status_code == 403
    assert "You cannot see this page" in response.text
    assert "<title>You cannot see this page" in response.text


@pytest.mark.parametrize("url", ["/django-admin/", "/django-admin/recommendations/review/"])
def test_admin_refuses_an_lga_admin_and_the_programme_office(
    signed_in, lga_admin, programme_office, url
):
    for user in (lga_admin, programme_office):
        response = signed_in(user).get(url)

        refused(response, 403, OPERATORS_HEADER)


def test_admin_login_page_refuses_a_signed_in_non_operator_without_a_loop(signed_in, admin_member):
    client = signed_in(admin_member)

    response = client.get("/django-admin/login/?next=/django-admin/", follow=True)

    # No redirect at all: the sign-in page would send a signed-in user straight back.
    assert response.redirect_chain == []
    assert response.status_code == 403
    assert "You cannot see this page" in response.text


def test_admin_sends_a_signed_out_visitor_to_the_sign_in_page(client, southampton):
    response = client.get("/django-admin/recommendations/review/", follow=True)

    assert response.redirect_chain == [
        ("/sign-in/?next=/django-admin/recommendations/review/", 302)
    ]
    assert response.status_code == 200
    assert "Sign in" in response.text


def test_admin_login_page_sends_a_signed_out_visitor_to_sign_in(client, db):
    response = client.get("/django-admin/login/?next=/django-admin/auth/user/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/django-admin/auth/user/"


def test_admin_login_page_takes_an_operator_to_the_index(admin_client):
    response = admin_client.get("/django-admin/login/")

    assert response.status_code == 302
    assert response["Location"] == "/django-admin/"


def test_admin_welcomes_a_verified_superuser(admin_client):
    response = admin_client.get("/django-admin/")

    assert response.status_code == 200
    assert OPERATORS_HEADER in response.text


def test_a_council_admin_made_staff_still_cannot_reach_the_user_change_page(
    signed_in, admin_member, programme_office
):
    # A leftover `is_staff` from before (admins used to be staff) grants nothing.
    get_user_model().objects.filter(pk=admin_member.pk).update(is_staff=True)
    admin_member.refresh_from_db()
    client = signed_in(admin_member)
    url = f"/django-admin/auth/user/{admin_member.pk}/change/"

    page = client.get(url)
    escalation = client.post(url, {"username": "admin_member", "is_superuser": "on"})

    refused(page, 403, OPERATORS_HEADER, "admin_member@example.org")
    refused(escalation, 403, OPERATORS_HEADER)
    admin_member.refresh_from_db()
    assert admin_member.is_superuser is False
    other = client.post(
        f"/django-admin/auth/user/{programme_office.pk}/password/",
        {"password1": "a-new-long-password-1", "password2": "a-new-long-password-1"},
    )
    refused(other, 403, OPERATORS_HEADER)
    programme_office.refresh_from_db()
    assert programme_office.check_password("a-long-test-password")


def test_is_operator_needs_an_active_verified_superuser(db):
    User = get_user_model()
    superuser = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    superuser.is_verified = lambda: True
    unverified = User(username="root2", is_superuser=True, is_active=True)
    unverified.is_verified = lambda: False
    inactive = User(username="root3", is_superuser=True, is_active=False)
    inactive.is_verified = lambda: True
    staff = User(username="staff", is_staff=True, is_active=True)
    staff.is_verified = lambda: True

    answers = [is_operator(u) for u in (superuser, unverified, inactive, staff, AnonymousUser())]

    assert answers == [True, False, False, False, False]


def test_admin_has_permission_is_the_operator_rule(admin_user):
    request = RequestFactory().get("/django-admin/")
    request.user = admin_user
    admin_user.is_verified = lambda: False

    assert OperatorAdminSite().has_permission(request) is False
