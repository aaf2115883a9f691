#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    from django.core.management import execute_from_command_line

    from tracker.acting import run_by_os_user

    # Changes made from the command line (Django's own commands too: createsuperuser,
    # changepassword, shell) are answered for by whoever ran it, in the audit log.
    with run_by_os_user(sys.argv):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
