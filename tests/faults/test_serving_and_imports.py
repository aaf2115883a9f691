"""Faults survived, on real processes: two gunicorn instances sharing one database, and an
import killed part-way (kill -9) leaving the database entirely before or entirely after."""

import contextlib
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

from benchmarks.serving import gunicorn
from tests.helpers import child_environment, manage

from .serving import ACTION, Visitor, prepare_database
from .stopping_load import COUNTED_TABLES

pytestmark = pytest.mark.django_db(transaction=True)

STATEMENT_KILLS = 5  # kill moments spread over the load's transaction, beside the commit's two


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


def start_load(database_url: str, point: str) -> subprocess.Popen:
    """`manage.py load_review` of the Southampton files, to stop at `point` (see
    stopping_load)."""
    from tests.conftest import SOUTHAMPTON_FILES

    return subprocess.Popen(  # noqa: S603 - our own module with fixed arguments
        [sys.executable, "-m", "tests.faults.stopping_load", point, *SOUTHAMPTON_FILES],
        cwd=settings.BASE_DIR,
        env=child_environment(DATABASE_URL=database_url, DEBUG="true"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def report_of(load: subprocess.Popen, word: str) -> dict:
    """The child's report line starting with `word` ("stopped POINT {...}" or "ran {...}"),
    waiting for it to be written; the command's own output before it is skipped. The
    timeout only turns a hung child into a failure."""
    while True:
        ready, _, _ = select.select([load.stdout], [], [], 300)
        assert ready, "the load neither reported nor ended"
        line = load.stdout.readline()
        if not line:
            load.wait()
            raise AssertionError(f"the load ended without {word!r}: {load.stderr.read()}")
        if line.startswith(word):
            return json.loads(line.removeprefix(word))


def killed_at(database_url: str, point: str) -> tuple[dict, dict]:
    """Load into an emptied database, kill -9 the load at `point`: (the row counts the
    load's own transaction saw there, the row counts the database holds after the kill)."""
    manage(database_url, "flush", "--noinput")
    load = start_load(database_url, point)
    seen = report_of(load, f"stopped {point} ")
    os.kill(load.pid, signal.SIGKILL)
    load.wait()
    load.stdin.close()
    load.stdout.close()
    load.stderr.close()
    return seen, row_counts(database_url)


def test_an_import_killed_before_its_commit_leaves_nothing_and_after_it_everything(
    empty_database_url,
):
    """kill -9 at chosen moments, not at timed ones: the load is stopped (tests/faults/
    stopping_load.py) before statements spread over its transaction, just before its commit
    and just after it, and killed there. Before the commit nothing is left, however much
    the transaction had written; after it, everything is."""
    manage(empty_database_url, "migrate", "--noinput", "--verbosity", "0")
    manage(empty_database_url, "flush", "--noinput")
    empty = row_counts(empty_database_url)
    load = start_load(empty_database_url, "count")
    run = report_of(load, "ran ")
    assert load.wait() == 0, load.stderr.read()
    load.stdin.close()
    load.stderr.close()
    full = row_counts(empty_database_url)
    assert full["actions_progressupdate"] > 0
    first, commit = run["first_in_transaction"], run["at_commit"]
    assert 0 < first < commit, run

    # Statement N is killed before it runs: spread over the transaction's statements.
    span = commit - first
    points = [first + span * (k + 1) // (STATEMENT_KILLS + 1) for k in range(STATEMENT_KILLS)]
    for point in [f"statement:{n}" for n in points]:
        seen, left = killed_at(empty_database_url, point)
        # The transaction had written part of the files when it was killed.
        assert seen not in (empty, full), f"at {point} the load had written {seen}"
        assert left == empty, f"killed at {point}: {left}"
    seen, left = killed_at(empty_database_url, "commit:before")
    assert (seen, left) == (full, empty)
    seen, left = killed_at(empty_database_url, "commit:after")
    assert (seen, left) == (full, full)


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
