"""The page benchmark: every page type, as each role, through Django's test client and
through gunicorn, on the generated dataset (actions.demo_data). Reports per page p50 and
p95 time, queries and bytes. Run by `python manage.py benchmark`; see benchmarks/README.md.
"""

import platform
import statistics
import subprocess
import time
import tracemalloc
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from actions.models import Action, Lead
from recommendations.models import Membership, Organisation, Review
from tracker.access import Role

HOST = "127.0.0.1"
ROLES = [Role.VIEWER, Role.OFFICER, Role.PROGRAMME_OFFICE, Role.ADMIN]


@dataclass
class Measure:
    page: str
    role: str
    via: str
    p50_ms: float
    p95_ms: float
    queries: int | None  # None where they cannot be counted (another process's)
    size: int

    def row(self) -> str:
        queries = "n/a" if self.queries is None else self.queries
        return (
            f"| {self.page} | {self.role} | {self.via} | {self.p50_ms:.0f} | {self.p95_ms:.0f} "
            f"| {queries} | {self.size:,} |"
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def subject_pages() -> tuple[dict[str, str], Organisation]:
    """The URL of every page type, for the first generated council's latest review."""
    organisation = Organisation.objects.filter(slug__startswith="demo-").order_by("slug").first()
    if organisation is None:
        raise RuntimeError("No generated data: run generate_demo_data first.")
    review = Review.objects.filter(organisation=organisation).order_by("-started_on").first()
    action = Action.objects.filter(review=review).order_by("position").first()
    base = f"/organisations/{organisation.slug}/reviews/{review.slug}/"
    return {
        "reviews (home)": "/",
        "review": base,
        "recommendation": f"{base}recommendations/{action.recommendation.number}/",
        "action": f"{base}actions/{action.ref}/",
        "my actions": "/my-actions/",
        "dashboard": "/dashboard/",
        "review dashboard": f"{base}dashboard/",
        "action list": "/actions/",
        "action list, filtered": "/actions/?overdue=true&sort=-due",
        "search": "/search/?q=budget+pressure",
        "search, one kind": "/search/?q=housing&kind=updates",
        "gap between reviews": f"/organisations/{organisation.slug}/gap/",
        "timeline": f"/organisations/{organisation.slug}/timeline/",
        "scrutiny report": f"{base}report/",
    }, organisation


def users_by_role(organisation: Organisation) -> dict[str, object]:
    """A benchmark user per role, in the first generated council; officers lead its
    first lead's actions; the admin has passed two-factor sign-in."""
    users = {}
    for role in ROLES:
        user, _ = get_user_model().objects.get_or_create(username=f"benchmark-{role}")
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": organisation, "role": role}
        )
        users[role.label] = user
    lead = Lead.objects.filter(organisation=organisation).order_by("pk").first()
    Lead.objects.filter(pk=lead.pk).update(user=users[Role.OFFICER.label])
    TOTPDevice.objects.get_or_create(user=users[Role.ADMIN.label], name="benchmark", confirmed=True)
    return users


def signed_in_client(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def time_in_client(client: Client, url: str, repeats: int) -> tuple[list[float], int, int]:
    client.get(url)  # warm: templates compiled, connection open
    times, queries, size = [], 0, 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries, size = len(captured), len(body)
    return times, queries, size


def time_over_http(base: str, cookie: str, url: str, repeats: int) -> tuple[list[float], int]:
    request = urllib.request.Request(f"{base}{url}", headers={"Cookie": cookie})  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
        answer.read()
    times, size = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
            size = len(answer.read())
        times.append((time.perf_counter() - started) * 1000)
    return times, size


def measure(times: list[float], **fields) -> Measure:
    return Measure(p50_ms=statistics.median(times), p95_ms=percentile(times, 0.95), **fields)


def export_memory(client: Client, *, first: int = 10_000) -> list[tuple[int, float, float]]:
    """(rows, seconds, peak Python memory in MB) streaming the CSV export of every action an
    LGA-wide user sees: once the first `first` rows are out, and at the end. Memory is flat
    when the two peaks are about the same although the rows are many times more."""
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/actions/export.csv")
    rows, marks = -1, []  # the header line is not a row
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        if rows == first:
            marks.append((rows, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]))
    marks.append((rows, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]))
    tracemalloc.stop()
    return [(count, seconds, peak / 1024 / 1024) for count, seconds, peak in marks]


def machine() -> str:
    server = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            server = str(cursor.connection.info.server_version)
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607
    with open("/proc/meminfo") as meminfo:
        memory = meminfo.readline().split()[1]
    return (
        f"{platform.platform()}, {cores} cores, {int(memory) // 1024 // 1024} GB RAM, "
        f"Python {platform.python_version()}, {connection.vendor} "
        f"{server}, "
        f"DEBUG={settings.DEBUG}"
    )
