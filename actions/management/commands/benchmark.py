"""`python manage.py benchmark`: time every page type on the generated dataset.

Run on a database filled by `generate_demo_data`; prints a Markdown section for
benchmarks/RESULTS.md (benchmarks/run does both, at two sizes)."""

import datetime
import statistics

from django.conf import settings
from django.contrib.auth import get_user_model

from actions import demo_data
from benchmarks import pages as bench
from recommendations.models import Membership, Organisation
from tracker.access import Role
from tracker.management.actor import AuditedCommand


class Command(AuditedCommand):
    help = "Time every page type, as each role, on the generated dataset (benchmarks/)."

    def add_arguments(self, parser):
        parser.add_argument("--repeats", type=int, default=20)
        parser.add_argument("--no-gunicorn", action="store_true")

    def handle(self, *args, repeats: int, no_gunicorn: bool, **options):
        urls, organisation = bench.subject_pages()
        users = bench.users_by_role(organisation)
        councils = Organisation.objects.filter(slug__startswith="demo-").count()
        from actions.models import Action, ProgressUpdate

        out = self.stdout.write
        out(f"## {councils} councils\n")
        out(
            f"{Action.objects.count():,} actions, {ProgressUpdate.objects.count():,} progress "
            f"updates. {repeats} timed requests per page after one warm-up.\n"
        )
        out("| page | role | via | p50 ms | p95 ms | queries | bytes |")
        out("| --- | --- | --- | ---: | ---: | ---: | ---: |")
        results = {}
        for role, user in users.items():
            client = bench.signed_in_client(user)
            for page, url in urls.items():
                times, queries, size = bench.time_in_client(client, url, repeats)
                result = bench.measure(
                    times, page=page, role=role, via="test client", queries=queries, size=size
                )
                results[(page, role)] = result
                out(result.row())

        superuser = self.superuser(organisation)
        admin_client = bench.signed_in_client(superuser)
        times, queries, size = bench.time_in_client(
            admin_client, "/django-admin/actions/action/", repeats
        )
        baseline = bench.measure(
            times,
            page="Django admin action changelist",
            role="superuser",
            via="test client",
            queries=queries,
            size=size,
        )
        out(baseline.row())

        if not no_gunicorn:
            self.over_gunicorn(users, urls, repeats)

        out("\n### Against the Django admin changelist (p50, programme office)\n")
        for page in ("action list, filtered", "action list", "dashboard"):
            ours = results[(page, Role.PROGRAMME_OFFICE.label)]
            out(
                f"- {page}: {ours.p50_ms:.0f} ms, {baseline.p50_ms / ours.p50_ms:.1f} times as fast"
            )

        # Council users search their own council (above); an LGA-wide user searches them all.
        out("\n### Search across every council (LGA-wide viewer, test client)\n")
        out("| search | p50 ms | p95 ms | queries | bytes |")
        out("| --- | ---: | ---: | ---: | ---: |")
        wide = bench.signed_in_client(self.lga_wide_viewer())
        for url in (urls["search"], urls["search, one kind"]):
            times, queries, size = bench.time_in_client(wide, url, repeats)
            result = bench.measure(
                times,
                page=url,
                role=Role.VIEWER.label,
                via="test client",
                queries=queries,
                size=size,
            )
            out(f"| `{url}` | {result.p50_ms:.0f} | {result.p95_ms:.0f} | {queries} | {size:,} |")

        out("\n### CSV export (streamed)\n")
        for rows, seconds, peak in bench.export_memory(
            bench.signed_in_client(self.lga_wide_viewer())
        ):
            out(f"- {rows:,} actions out after {seconds:.1f} s; peak Python memory {peak:.1f} MB")

        # A generated peer challenge has at most 96 actions: time a review of 100 as well.
        self.pdf(demo_data.review_with_actions(organisation, 100), repeats=3)
        out(f"\nMachine: {bench.machine()}. Measured {datetime.date.today():%-d %B %Y}.\n")

    def pdf(self, review, repeats: int) -> None:
        viewer = self.lga_wide_viewer()
        client = bench.signed_in_client(viewer)
        url = f"/organisations/{review.organisation.slug}/reviews/{review.slug}/report.pdf"
        times, _, size = bench.time_in_client(client, url, repeats)
        self.stdout.write(
            f"\n### Scrutiny PDF\n\n{review.title} ({review.actions.count()} actions): median "
            f"{statistics.median(times) / 1000:.2f} s, slowest {max(times) / 1000:.2f} s, "
            f"{size:,} bytes ({repeats} timed)."
        )

    def over_gunicorn(self, users: dict[str, object], urls: dict[str, str], repeats: int) -> None:
        """The same pages as each role through gunicorn (two workers, DEBUG off), as served."""
        from benchmarks.serving import gunicorn

        with gunicorn(settings.DATABASE_URL, workers=2, secret_key=settings.SECRET_KEY) as base:
            for role, user in users.items():
                client = bench.signed_in_client(user)
                session = client.cookies[settings.SESSION_COOKIE_NAME].value
                cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
                for page, url in urls.items():
                    times, size = bench.time_over_http(base, cookie, url, repeats)
                    result = bench.measure(
                        times, page=page, role=role, via="gunicorn", queries=None, size=size
                    )
                    self.stdout.write(result.row())

    def superuser(self, organisation):
        user, _ = get_user_model().objects.get_or_create(
            username="benchmark-superuser", defaults={"is_superuser": True, "is_staff": True}
        )
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.get_or_create(user=user, name="benchmark", confirmed=True)
        return user

    def lga_wide_viewer(self):
        user, _ = get_user_model().objects.get_or_create(username="benchmark-lga-viewer")
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": None, "role": Role.VIEWER}
        )
        return user
