from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction

from actions.models import Lead
from recommendations.models import Membership, Organisation, Review
from recommendations.services import publish_review
from tracker.access import Role
from tracker.management.actor import AuditedCommand

ADMIN, OFFICER, PROGRAMME_OFFICE, VIEWER = (
    Role.ADMIN,
    Role.OFFICER,
    Role.PROGRAMME_OFFICE,
    Role.VIEWER,
)

# Known sign-ins for a developer's own machine. Never created unless DEBUG is on.
DEMO_PASSWORD = "demo-tracker-2026"  # noqa: S105
ORGANISATION = "southampton"
PUBLISHED_REVIEW = "cpc-2017"

# (username, first name, last name, role, leads linked to the account, what to try)
DEMO_USERS = [
    (
        "officer",
        "Olivia",
        "Officer",
        OFFICER,
        ["Service Director for Digital and Business Operations", "Suki Sitaram"],
        "leads several 2013 and 2017 actions, some overdue: try My actions",
    ),
    (
        "officer2",
        "Oscar",
        "Officer",
        OFFICER,
        ["Mike Watts"],
        "a second officer, for trying two people editing at once",
    ),
    ("cmt", "Chris", "Viewer", VIEWER, [], "a CMT member: reads everything, changes nothing"),
    (
        "programme",
        "Priya",
        "Programme",
        PROGRAMME_OFFICE,
        [],
        "the programme office: updates any action of the council",
    ),
    (
        "admin",
        "Ada",
        "Admin",
        ADMIN,
        [],
        "the council's administrator: loads reviews, manages users",
    ),
    (
        "lga-admin",
        "Lena",
        "LGA",
        ADMIN,
        [],
        "an LGA-wide administrator: adds a council, loads its first review",
    ),
]
# The demo users with no organisation: they see and administer every council.
LGA_WIDE_USERS = {"lga-admin"}


class Command(AuditedCommand):
    help = "Create the demo users for local development and print their sign-ins (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Demo users are only for development: set DEBUG=true to create them."
            )
        organisation = Organisation.objects.filter(slug=ORGANISATION).first()
        if organisation is None:
            raise CommandError("Load the Southampton reviews first (scripts/run does).")
        with transaction.atomic():
            for username, first, last, role, lead_names, _ in DEMO_USERS:
                home = None if username in LGA_WIDE_USERS else organisation
                self._create(home, username, first, last, role, lead_names)
            # Southampton published its response to the 2017 peer challenge; so does the demo,
            # so that the public action plan can be seen without signing in.
            review = Review.objects.filter(organisation=organisation, slug=PUBLISHED_REVIEW).first()
            if review and not review.is_published:
                publish_review(
                    review=review,
                    by=get_user_model().objects.get(username="programme"),
                    published=True,
                )
        self.stdout.write(
            "Demo sign-ins (development only), all with the password " + DEMO_PASSWORD
        )
        for username, _, _, role, _, purpose in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role.label:<17} {purpose}")

    def _create(self, organisation, username, first, last, role, lead_names) -> None:
        user, _ = get_user_model().objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                # Council administrators work in the app's own pages; the Django admin
                # is for the service's operators.
                "is_staff": False,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": organisation, "role": role}
        )
        if organisation is not None:
            Lead.objects.filter(organisation=organisation, name__in=lead_names).update(user=user)
