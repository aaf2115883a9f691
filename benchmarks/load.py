"""The bounded load test's two ends inside Django: preparing officers who each own one open
action of the first generated council, and checking afterwards, from the database, that
every update the load test submitted is stored exactly once. benchmarks/locustfile.py is the
load in between; benchmarks/load_test runs the three. See benchmarks/README.md."""

import csv
import json
import secrets
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model

from actions.models import Action, ActionLead, Lead, ProgressUpdate
from recommendations.models import Membership, Organisation
from tracker.access import Role

NOTE_PREFIX = "Load test"


def prepare(officers: int, base_url: str) -> dict:
    """Officer accounts with a fresh password, one open action each, and the pages the
    simulated users read. Returns the plan the locustfile reads."""
    organisation = Organisation.objects.filter(slug__startswith="demo-").order_by("slug").first()
    if organisation is None:
        raise RuntimeError("No generated data: run generate_demo_data first.")
    actions = list(
        Action.objects.filter(review__organisation=organisation)
        .open()
        .select_related("review__organisation")
        .order_by("-review__started_on", "position")[:officers]
    )
    if len(actions) < officers:
        raise RuntimeError(f"Only {len(actions)} open actions to share among {officers} officers.")
    run = secrets.token_hex(4)
    password = secrets.token_urlsafe(16)
    people = []
    for number, action in enumerate(actions):
        user, _ = get_user_model().objects.get_or_create(username=f"load-officer-{number:02d}")
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": organisation, "role": Role.OFFICER}
        )
        lead, _ = Lead.objects.get_or_create(
            organisation=organisation, name=f"Load test officer {number:02d}", user=user
        )
        ActionLead.objects.get_or_create(action=action, lead=lead, defaults={"position": 9})
        people.append(
            {
                "username": user.username,
                "password": password,
                "action": action.get_absolute_url(),
                "action_id": action.pk,
            }
        )
    review = actions[0].review
    base = f"/organisations/{organisation.slug}/reviews/{review.slug}/"
    return {
        "run": run,
        "note_prefix": f"{NOTE_PREFIX} {run}",
        "base_url": base_url,
        "officers": people,
        "pages": {
            "dashboard": "/dashboard/",
            "review dashboard": f"{base}dashboard/",
            "action list": "/actions/",
            "action list, overdue": "/actions/?overdue=true&sort=-due",
            "my actions": "/my-actions/",
        },
    }


def check(plan: dict, submitted: dict, stats_csv: Path) -> tuple[list[str], bool]:
    """Markdown lines reporting the run, and whether it passed: no request failed, every
    note whose submission succeeded is stored exactly once, no note is stored twice, and
    nothing is stored that the load test did not send."""
    prefix = plan["note_prefix"]
    stored = Counter(
        ProgressUpdate.objects.filter(note__startswith=prefix).values_list("note", flat=True)
    )
    succeeded, attempted = Counter(submitted["succeeded"]), set(submitted["attempted"])
    lost = [note for note in succeeded if stored[note] == 0]
    duplicated = [note for note, count in stored.items() if count > 1]
    unexpected = [note for note in stored if note not in attempted]
    resent = [note for note, count in succeeded.items() if count > 1]

    with open(stats_csv, newline="") as stats:
        rows = list(csv.DictReader(stats))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"])

    lines = [
        "| request | count | failures | requests/s | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        name = f"{row['Type']} {row['Name']}".strip() if row["Name"] != "Aggregated" else "all"
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count'])} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} |"
        )
    lines += [
        "",
        f"- Requests: {int(total['Request Count']):,}, {float(total['Requests/s']):.1f} per "
        f"second; p95 {total['95%']} ms over all requests, including the "
        f"{len(plan['officers'])} sign-ins at the start (Argon2 checks all at once on two "
        f"workers; each request type's p95 is in the table); errors: {failures}.",
        f"- Updates submitted: {len(attempted):,}; answered as recorded: "
        f"{sum(succeeded.values()):,}; stored: {sum(stored.values()):,} "
        f"({len(stored):,} distinct notes).",
        f"- Lost: {len(lost)}; stored twice or more: {len(duplicated)}; stored but never "
        f"sent: {len(unexpected)}; sent twice: {len(resent)}.",
    ]
    passed = failures == 0 and not (lost or duplicated or unexpected or resent) and succeeded
    return lines, bool(passed)


def read_json(path: str) -> dict:
    return json.loads(Path(path).read_text())
