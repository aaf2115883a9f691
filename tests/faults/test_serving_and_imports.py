"""Faults survived, on real processes: two gunicorn instances sharing one database, and an
import killed part-way (kill -9) leaving the database entirely before or entirely after."""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings

from benchmarks.serving import gunicorn
from tests.helpers import child_environment, manage

from .serving import ACTION, Visitor, prepare_database

pytestmark = pytest.mark.django_db(transaction=True)

COUNTED_TABLES = [
    "recommendations_organisation",
    "recommendations_review",
    "recommendations_recommendation",
    "recommendations_response",
    "actions_lead",
    "actions_action",
    "actions_progressupdate",
    "tracker_auditentry",
]
KILL_TRIES = 20


def query(database_url: str, sql: str) -> list[tuple]:
    """Rows read directly from the database, not through the app."""
    if database_url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url) as database:
        return database.execute(sql).fetchall()


def row_counts(database_url: str) -> dict[str, int]:
    return {
        table: query(database_url, f"SELECT COUNT(*) FROM {table}")[0][0]  # noqa: S608
        for table in COUNTED_TABLES
    }


def start_load(database_url: str) -> subprocess.Popen:
    from tests.conftest import SOUTHAMPTON_FILES

    return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "load_review", *SOUTHAMPTON_FILES],
        cwd=settings.BASE_DIR,
        env=child_environment(DATABASE_URL=database_url, DEBUG="true"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_an_import_killed_at_any_moment_leaves_all_or_nothing(empty_database_url):
    manage(empty_database_url, "migrate", "--noinput", "--verbosity", "0")
    empty = row_counts(empty_database_url)
    started = time.monotonic()
    assert start_load(empty_database_url).wait(timeout=120) == 0
    duration = time.monotonic() - started
    full = row_counts(empty_database_url)
    assert full["actions_progressupdate"] > 0

    outcomes = []
    for attempt in range(KILL_TRIES):
        manage(empty_database_url, "flush", "--noinput")
        assert row_counts(empty_database_url) == empty
        load = start_load(empty_database_url)
        # Kill moments spread evenly over the whole run: start-up, parsing, writing, commit.
        time.sleep(duration * (attempt + 0.5) / KILL_TRIES)
        os.kill(load.pid, signal.SIGKILL)
        load.wait(timeout=30)
        counts = row_counts(empty_database_url)
        assert counts in (empty, full), f"partial write after a kill at try {attempt}: {counts}"
        outcomes.append("after" if counts == full else "before")

    # The kills really did land both before and after the commit.
    assert "before" in outcomes


def test_two_instances_serve_one_database_consistently(empty_database_url):
    prepare_database(empty_database_url)
    with gunicorn(empty_database_url) as first, gunicorn(empty_database_url) as second:
        officer = Visitor()
        officer.sign_in(first, "programme")

        assert officer.record_progress(first, "Recorded through the first instance") == 302

        # The session is in the database too: the same browser is signed in on the second.
        status, page = officer.request(f"{second}{ACTION}")
        assert status == 200
        assert "Recorded through the first instance" in page

        colleague = Visitor()
        colleague.sign_in(second, "cmt")
        status, page = colleague.request(f"{second}{ACTION}")
        assert "Recorded through the first instance" in page
        status, page = colleague.request(f"{first}{ACTION}")
        assert "Recorded through the first instance" in page


def test_two_editors_saving_from_the_same_version_on_two_instances(empty_database_url):
    """Both saw version N: the first save wins, the second is told and its note is kept
    on the page for them; nothing is lost or saved twice."""
    prepare_database(empty_database_url)
    with gunicorn(empty_database_url) as first, gunicorn(empty_database_url) as second:
        one, two = Visitor(), Visitor()
        one.sign_in(first, "programme")
        two.sign_in(second, "officer")
        form_one = one.form_fields(f"{first}{ACTION}")
        form_two = two.form_fields(f"{second}{ACTION}")
        assert form_one["seen_version"] == form_two["seen_version"]

        saved, _ = one.request(
            f"{first}{ACTION}record-progress/",
            {**form_one, "status": "in-progress", "rag": "amber", "note": "First editor"},
        )
        refused, page = two.request(
            f"{second}{ACTION}record-progress/",
            {**form_two, "status": "complete", "rag": "green", "note": "Second editor"},
        )

    assert saved == 302
    assert refused == 409
    assert "Second editor" in page  # their words are still in the form
    assert "First editor" in page  # and they are shown what changed
    counts = row_counts(empty_database_url)
    notes = _notes(empty_database_url)
    assert notes.count("First editor") == 1
    assert "Second editor" not in notes
    assert counts["actions_progressupdate"] == len(notes)


def _notes(database_url: str) -> list[str]:
    return [row[0] for row in query(database_url, "SELECT note FROM actions_progressupdate")]
