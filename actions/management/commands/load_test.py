"""`python manage.py load_test prepare|check`: the Django ends of the bounded load test
(benchmarks/load.py); benchmarks/load_test runs the whole thing."""

import json
from pathlib import Path

from django.core.management.base import CommandError

from benchmarks import load
from tracker.management.actor import AuditedCommand


class Command(AuditedCommand):
    help = "Prepare officers for the load test, or check its updates were stored exactly once."

    def add_arguments(self, parser):
        parser.add_argument("step", choices=["prepare", "check"])
        parser.add_argument("--plan", required=True, help="The plan file (JSON) to write/read.")
        parser.add_argument("--officers", type=int, default=20)
        parser.add_argument("--base-url", default="http://127.0.0.1:8765")
        parser.add_argument("--submitted", help="What the locustfile sent (JSON).")
        parser.add_argument("--stats", help="Locust's --csv stats file.")

    def handle(self, *args, step, plan, officers, base_url, submitted, stats, **options):
        if step == "prepare":
            Path(plan).write_text(json.dumps(load.prepare(officers, base_url), indent=2))
            self.stdout.write(f"{officers} officers ready; plan in {plan}")
            return
        if not (submitted and stats):
            raise CommandError("check needs --submitted and --stats")
        lines, passed = load.check(load.read_json(plan), load.read_json(submitted), Path(stats))
        self.stdout.write("\n".join(lines))
        if not passed:
            raise CommandError("The load test failed: errors, or updates lost or duplicated.")
