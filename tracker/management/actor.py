"""Who answers for a management command's changes in the audit log.

Every command of ours that changes rows derives from AuditedCommand: it takes `--by
USERNAME` (an active user of the service, who then appears in the log as they do on its
pages) and, without it, records the operating-system account that ran the command, named
as such ("alice (OS user, manage.py load_review)"). manage.py does the same around every
command, so Django's own (createsuperuser, changepassword, shell) are answered for too. A
change made from a shell always says who made it; cron jobs need no account in the service.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tracker import audit
from tracker.acting import os_actor


def command_actor(username: str | None, command: str):
    """The user named by --by (refused if unknown or deactivated), else the OS account."""
    if username is None:
        return os_actor(command)
    user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"--by {username}: no active user has that username")
    return user


class AuditedCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help=(
                "the user the audit log records for these changes "
                "(default: the operating-system account running the command)"
            ),
        )
        self._command_name = subcommand
        return parser

    def execute(self, *args, **options):
        name = getattr(self, "_command_name", None) or self.__module__.rsplit(".", 1)[-1]
        with audit.acting_as(command_actor(options.get("by"), name)):
            return super().execute(*args, **options)
