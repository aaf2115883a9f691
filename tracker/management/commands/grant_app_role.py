from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from tracker.database_roles import app_role_sql


class Command(BaseCommand):
    help = (
        "PostgreSQL: give the app's role (which must exist) what the app needs and no more: "
        "read and write every table except history, which it may only read and add to. "
        "Run as the owner role, after every migrate (docs/deployment.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the app connects as, e.g. tracker_app")
        parser.add_argument(
            "--print",
            action="store_true",
            dest="print_only",
            help="print the SQL instead of running it",
        )

    def handle(self, *args, role: str, print_only: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Roles and grants are for PostgreSQL only.")
        try:
            statements = app_role_sql(role, connection.settings_dict["NAME"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        if print_only:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Granted {role} the app's privileges.")
