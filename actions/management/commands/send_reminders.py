from django.utils import timezone

from actions.reminders import send_reminders
from tracker.management.actor import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Email each lead with an account a digest of their overdue actions and those due in "
        "the next 14 days. Safe to run more than once a day: each person gets one a day."
    )

    def handle(self, *args, **options):
        count = send_reminders(timezone.localdate())
        self.stdout.write(f"Sent {count} reminder{'s' if count != 1 else ''}.")
