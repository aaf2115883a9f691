"""PostgreSQL restarted under load: requests in the gap get a short 503 (never a 500), no
write is partial or doubled, and the app recovers by itself within 30 s."""

import threading
import time
import urllib.parse
from collections import Counter

import pytest

from benchmarks.serving import gunicorn, wait_until_healthy

from .proxy import RestartableProxy
from .serving import Visitor, prepare_database
from .test_serving_and_imports import query

pytestmark = pytest.mark.django_db(transaction=True)

REVIEW = "/organisations/southampton/reviews/cpc-2017"
EDITORS = 4
LOAD_SECONDS = 14
OUTAGES = [(4.0, 3.0), (9.0, 2.0)]  # (start after, lasting) in seconds


def test_requests_during_a_database_restart_get_503s_and_nothing_is_lost(empty_database_url):
    prepare_database(empty_database_url)
    refs = [row[0] for row in query(empty_database_url, ACTION_REFS)][:EDITORS]
    target = urllib.parse.urlsplit(empty_database_url)
    proxy = RestartableProxy(target.port or 5432).start()
    through_proxy = target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()

    statuses: Counter = Counter()
    saved, unsure = [], []
    with gunicorn(through_proxy, workers=2) as base:
        editors = [Visitor() for _ in refs]
        for editor in editors:
            editor.sign_in(base, "programme")
        stop = time.monotonic() + LOAD_SECONDS
        lock = threading.Lock()

        def work(editor: Visitor, ref: str) -> None:
            action = f"{REVIEW}/actions/{ref}/"
            number = 0
            while time.monotonic() < stop:
                number += 1
                note = f"load {ref} #{number}"
                try:
                    status = editor.record_progress(base, note, action=action)
                    page_status, _ = editor.request(f"{base}/dashboard/")
                except AssertionError:
                    status = page_status = 503  # the form page itself was a 503
                with lock:
                    statuses.update([status, page_status])
                    (saved if status == 302 else unsure).append(note)

        threads = [
            threading.Thread(target=work, args=(editor, ref))
            for editor, ref in zip(editors, refs, strict=True)
        ]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        for start_after, lasting in OUTAGES:
            time.sleep(max(0.0, started + start_after - time.monotonic()))
            proxy.outage(lasting)
        recovered_in = wait_until_healthy(base, within=30)
        for thread in threads:
            thread.join(timeout=60)
        status, _ = editors[0].request(f"{base}/dashboard/")
        assert status == 200  # the same session works again: nothing restarted
    proxy.stop()

    assert set(statuses) <= {200, 302, 409, 503}, statuses
    assert statuses[503] > 0, "no request fell in an outage: the test proved nothing"
    assert statuses[302] > 0
    assert recovered_in <= 30

    stored = Counter(row[0] for row in query(empty_database_url, NOTES))
    assert all(stored[note] == 1 for note in saved), "a saved update is missing or doubled"
    assert all(count == 1 for count in stored.values()), "an update was stored twice"
    assert all(stored[note] <= 1 for note in unsure)
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
