import os
import subprocess
import sys

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone


def import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import tracker.settings"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_refuses_to_start_without_a_secret_key_unless_debug():
    refused = import_settings(DEBUG="false")
    allowed = import_settings(DEBUG="true")
    production = import_settings(DEBUG="false", SECRET_KEY="x" * 50)

    assert refused.returncode == 1
    assert "SECRET_KEY is not set" in refused.stderr
    assert allowed.returncode == 0
    assert production.returncode == 0


def test_database_defaults_to_sqlite_under_var_and_reads_database_url():
    probe = (
        "import tracker.settings as s; print(s.DATABASES['default']['ENGINE']); "
        "print(s.DATABASES['default']['NAME'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    default = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={**env, "DEBUG": "true"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    postgres = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={**env, "DEBUG": "true", "DATABASE_URL": "postgres://u@db.example:5432/tracker"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert default == [
        "django.db.backends.sqlite3",
        str(settings.BASE_DIR / "var" / "tracker.sqlite3"),
    ]
    assert postgres == ["django.db.backends.postgresql", "tracker"]


def test_dates_are_shown_the_uk_way_in_london_time():
    assert (settings.TIME_ZONE, settings.LANGUAGE_CODE) == ("Europe/London", "en-gb")
    rendered = Template("{{ day|date }}").render(
        Context({"day": timezone.datetime(2017, 9, 14).date()})
    )
    assert rendered == "14 September 2017"


def test_built_stylesheet_uses_arial_and_no_web_fonts():
    css = (settings.BASE_DIR / "frontend" / "dist" / "css" / "application.css").read_text()

    assert "govuk-template" in css
    assert "arial" in css.lower()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
