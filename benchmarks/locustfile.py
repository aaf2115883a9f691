"""The bounded load test (issue "Fast at national scale"): officers who read the dashboards
and lists and record progress on their own action, on loopback only.

Run by benchmarks/load_test in its own virtualenv (locust brings gevent, which the app does
not need); it imports nothing from the app. LOAD_PLAN names the plan `manage.py load_test
prepare` wrote; LOAD_SUBMITTED is where the notes this run sent are written at the end, for
`manage.py load_test check` to find in the database.
"""

import itertools
import json
import os
import random
import re
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
if urlsplit(PLAN["base_url"]).hostname != "127.0.0.1":
    raise SystemExit("The load test only ever runs against 127.0.0.1.")

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="seen_version" value="(\d+)"')
officers = iter(PLAN["officers"])
sequence = itertools.count(1)
attempted: list[str] = []
succeeded: list[str] = []


def form_value(pattern: re.Pattern, html: str) -> str:
    found = pattern.search(html)
    if found is None:
        raise ValueError(f"no {pattern.pattern} on the page")
    return found.group(1)


class Officer(HttpUser):
    """Reads three pages for every update it records, with a second or so between."""

    host = PLAN["base_url"]
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.me = next(officers)
        page = self.client.get("/sign-in/", name="sign in form")
        answer = self.client.post(
            "/sign-in/",
            {
                "username": self.me["username"],
                "password": self.me["password"],
                "csrfmiddlewaretoken": form_value(TOKEN, page.text),
            },
            name="sign in",
        )
        if "/sign-in/" in answer.url:
            raise RuntimeError(f"{self.me['username']} could not sign in")

    @task(3)
    def read(self):
        name, url = random.choice(list(PLAN["pages"].items()))  # noqa: S311 - not secrets
        self.client.get(url, name=name)

    @task(1)
    def record_progress(self):
        page = self.client.get(self.me["action"], name="action")
        note = f"{PLAN['note_prefix']} {self.me['username']} {next(sequence)}"
        attempted.append(note)
        with self.client.post(
            f"{self.me['action']}record-progress/",
            {
                "csrfmiddlewaretoken": form_value(TOKEN, page.text),
                "seen_version": form_value(VERSION, page.text),
                "status": "in-progress",
                "rag": "amber",
                "note": note,
            },
            name="record progress",
            catch_response=True,
        ) as answer:
            # Recorded means redirected back to the action page, which says so.
            if answer.history and "Update recorded" in answer.text:
                succeeded.append(note)
                answer.success()
            else:
                answer.failure(f"not recorded: {answer.status_code}")


@events.quitting.add_listener
def write_submitted(environment, **kwargs):
    with open(os.environ["LOAD_SUBMITTED"], "w") as out:
        json.dump({"attempted": attempted, "succeeded": succeeded}, out)
