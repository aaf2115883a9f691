import time

from django.core.management.base import CommandError
from django.db import connection

from actions import demo_data
from recommendations.models import Organisation
from tracker.management.actor import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Generate synthetic councils with reviews, actions and progress history, for "
        "benchmarks and load tests (actions/demo_data.py). Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, organisations: int, seed: int, **options):
        if Organisation.objects.filter(slug__startswith="demo-").exists():
            raise CommandError(
                "This database already has generated councils: use an empty database."
            )
        started = time.monotonic()
        sizes = demo_data.generate(organisations, seed)
        # What autovacuum would do within minutes of a bulk load: statistics (without them
        # the planner takes a million new rows for an empty table and picks slow plans) and,
        # on PostgreSQL, the visibility map that index-only scans rely on.
        # (VACUUM cannot run inside a transaction, as the command does in a test.)
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(f"Generated in {time.monotonic() - started:.1f} s:")
        for line in sizes.lines():
            self.stdout.write(f"  {line}")
