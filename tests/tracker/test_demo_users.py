import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from actions.models import Action
from recommendations.models import Review


def test_demo_users_need_debug(southampton, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only for development"):
        call_command("create_demo_users")


def test_demo_users_cover_every_role_and_are_safe_to_recreate(southampton, settings, capsys):
    settings.DEBUG = True

    call_command("create_demo_users")
    call_command("create_demo_users")

    users = {u.username: u for u in get_user_model().objects.select_related("membership")}
    roles = {
        name: (
            getattr(user.membership.organisation, "slug", None),
            user.membership.get_role_display(),
        )
        for name, user in users.items()
    }
    assert roles == {
        "officer": ("southampton", "Officer"),
        "officer2": ("southampton", "Officer"),
        "cmt": ("southampton", "Viewer"),
        "programme": ("southampton", "Programme office"),
        "admin": ("southampton", "Admin"),
        # LGA-wide (no organisation): adds a council and loads its first review.
        "lga-admin": (None, "Admin"),
    }
    # Council administrators work in the app, never in the Django admin.
    assert not any(user.is_staff or user.is_superuser for user in users.values())
    officer_actions = Action.objects.led_by(users["officer"])
    assert officer_actions.count() >= 5
    assert officer_actions.filter(due__isnull=False, review__slug="cpc-2013").exists()
    assert Review.objects.get(slug="cpc-2017").is_published
    assert "demo-tracker-2026" in capsys.readouterr().out
