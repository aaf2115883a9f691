"""PostgreSQL restarted under load: requests in the gap get a short 503 (never a 500), no
write is partial or doubled, and the app recovers by itself, with nothing restarted.

The test waits on what the editors are answered, never on time: the database goes down
once every editor has saved through it, comes back once every editor has been answered 503,
and counts as recovered once every editor has saved and read a page again. How fast it
recovers is the benchmark's to measure; the timeouts here only turn a hang into a failure."""

import html
import re
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable

import pytest

from benchmarks.serving import gunicorn

from .proxy import RestartableProxy
from .serving import HIDDEN_FIELDS, Visitor, prepare_database
from .test_serving_and_imports import query

pytestmark = pytest.mark.django_db(transaction=True)

REVIEW = "/organisations/southampton/reviews/cpc-2017"
EDITORS = 4
OUTAGES = 2
HANG = 120  # seconds: only a hang takes this long


class Tally:
    """What each editor has been answered, shared by their threads and the test, which
    waits on it. `since` counts answers from the last mark() on."""

    def __init__(self):
        self.changed = threading.Condition()
        self.statuses: Counter = Counter()
        self.saved: list[str] = []
        self.unsure: list[str] = []
        self.since = [Counter() for _ in range(EDITORS)]

    def record(self, editor: int, status: int, note: str | None = None) -> None:
        with self.changed:
            self.statuses[status] += 1
            self.since[editor][status] += 1
            if note is not None:
                (self.saved if status == 302 else self.unsure).append(note)
            self.changed.notify_all()

    def mark(self) -> None:
        with self.changed:
            self.since = [Counter() for _ in range(EDITORS)]

    def wait_until(self, every_editor: Callable[[Counter], bool], what: str) -> None:
        with self.changed:
            reached = self.changed.wait_for(
                lambda: all(every_editor(answers) for answers in self.since), timeout=HANG
            )
        assert reached, f"not every editor {what}: {self.since}"


NO_ANSWER = 0  # the connection failed or timed out: never expected


def ask(editor: Visitor, url: str, data: dict | None = None) -> tuple[int, str]:
    try:
        return editor.request(url, data)
    except OSError:
        return NO_ANSWER, ""


def work(editor: Visitor, number: int, base: str, ref: str, tally: Tally, stop) -> None:
    """One editor, until stopped: open the action, record an update, read the dashboard."""
    action = f"{base}{REVIEW}/actions/{ref}/"
    attempt = 0
    while not stop.is_set():
        attempt += 1
        note = f"load {ref} #{attempt}"
        status, page = ask(editor, action)
        if status == 200:
            fields = {name: html.unescape(value) for name, value in re.findall(HIDDEN_FIELDS, page)}
            update = {**fields, "status": "in-progress", "rag": "amber", "note": note}
            saved, _ = ask(editor, f"{action}record-progress/", update)
            tally.record(number, saved, note)
        else:
            tally.record(number, status)
        status, _ = ask(editor, f"{base}/dashboard/")
        tally.record(number, status)


def test_requests_during_a_database_restart_get_503s_and_nothing_is_lost(empty_database_url):
    prepare_database(empty_database_url)
    refs = [row[0] for row in query(empty_database_url, ACTION_REFS)][:EDITORS]
    target = urllib.parse.urlsplit(empty_database_url)
    proxy = RestartableProxy(target.port or 5432).start()
    through_proxy = target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()

    tally, stop = Tally(), threading.Event()
    with gunicorn(through_proxy, workers=2) as base:
        editors = [Visitor() for _ in refs]
        for editor in editors:
            editor.sign_in(base, "programme")
        threads = [
            threading.Thread(target=work, args=(editor, number, base, ref, tally, stop))
            for number, (editor, ref) in enumerate(zip(editors, refs, strict=True))
        ]
        for thread in threads:
            thread.start()
        try:
            tally.wait_until(lambda answers: answers[302] > 0, "saved before the restart")
            for _ in range(OUTAGES):
                tally.mark()
                proxy.down()
                tally.wait_until(lambda answers: answers[503] > 0, "was answered 503")
                tally.mark()
                proxy.up()
                tally.wait_until(
                    lambda answers: answers[302] > 0 and answers[200] > 0,
                    "saved and read a page again after the restart",
                )
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=HANG)
        assert not any(thread.is_alive() for thread in threads)
        # The same session works again: nothing restarted, nobody signed in again.
        status, page = editors[0].request(f"{base}/dashboard/")
        assert status == 200
        assert '<h1 class="govuk-heading-xl">Dashboard</h1>' in page
    proxy.stop()

    statuses = tally.statuses
    assert set(statuses) <= {200, 302, 409, 503}, statuses
    stored = Counter(row[0] for row in query(empty_database_url, NOTES))
    assert all(stored[note] == 1 for note in tally.saved), "a saved update is missing or doubled"
    assert all(count == 1 for count in stored.values()), "an update was stored twice"
    assert all(stored[note] <= 1 for note in tally.unsure)
    # Nothing partial: each action's version and current position are those of its last
    # stored update (the same transaction writes all three).
    for ref, version, newest_version, current_status in query(empty_database_url, POSITIONS):
        assert version == newest_version, f"action {ref}: version {version}, {newest_version}"
        assert current_status == "in-progress", ref


ACTION_REFS = """
    SELECT action.ref FROM actions_action action
    JOIN recommendations_review review ON review.id = action.review_id
    WHERE review.slug = 'cpc-2017' ORDER BY action.id
"""
NOTES = "SELECT note FROM actions_progressupdate WHERE note LIKE 'load %'"
POSITIONS = """
    SELECT action.ref, action.version, MAX(update_row.action_version), action.current_status
    FROM actions_action action
    JOIN actions_progressupdate update_row ON update_row.action_id = action.id
    WHERE update_row.note LIKE 'load %'
    GROUP BY action.id, action.ref, action.version, action.current_status
"""
