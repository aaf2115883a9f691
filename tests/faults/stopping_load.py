"""`manage.py load_review`, stopped at a chosen moment so that a test can kill it there.

Run from the project folder as a child process of a test:

    python -m tests.faults.stopping_load POINT FILE...

POINT is one of:

- `statement:N`: just before the run's N-th SQL statement;
- `commit:before`: every row written, just before the load's transaction commits;
- `commit:after`: just after it committed;
- `count`: do not stop; at the end, report how many statements the run made and which of
  them were inside the load's transaction.

At the point the child writes one line to stdout, `stopped POINT {row counts}` (the row
counts its own transaction sees, as JSON), and waits for its stdin to close: the test
kills it (kill -9) instead, so nothing after the point runs. The hooks patch Django's
database wrapper in the child alone (statements through an execute wrapper, the commit
through BaseDatabaseWrapper._commit): the command itself carries no test code.
"""

import json
import os
import runpy
import sys

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

# What a test counts to tell "nothing written" from "everything written".
COUNTED_TABLES = [
    "recommendations_organisation",
    "recommendations_review",
    "recommendations_recommendation",
    "recommendations_response",
    "actions_lead",
    "actions_action",
    "actions_progressupdate",
    "tracker_auditentry",
]


class Run:
    point = ""
    statements = 0
    began = 0  # the first statement of the open transaction
    wrote = False  # whether the open transaction has written
    first_in_transaction = 0  # of the load's transaction
    at_commit = 0
    reporting = False


WRITES = ("INSERT", "UPDATE", "DELETE")


def row_counts(connection) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in COUNTED_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cursor.fetchone()[0]
    return counts


def stop_here(connection) -> None:
    """Report the point and what this process's transaction sees, then wait to be killed."""
    Run.reporting = True
    print(f"stopped {Run.point} {json.dumps(row_counts(connection))}", flush=True)
    sys.stdin.read()  # returns only if the test closes stdin rather than killing
    os._exit(3)  # leave without committing or closing anything


def count_statements(execute, sql, params, many, context):
    if not Run.reporting:
        Run.statements += 1
        connection = context["connection"]
        if connection.in_atomic_block:
            Run.began = Run.began or Run.statements
            Run.wrote = Run.wrote or sql.lstrip().upper().startswith(WRITES)
        if Run.point == f"statement:{Run.statements}":
            stop_here(connection)
    return execute(sql, params, many, context)


def watch(sender, connection, **kwargs) -> None:
    if count_statements not in connection.execute_wrappers:
        connection.execute_wrappers.append(count_statements)


real_commit = BaseDatabaseWrapper._commit


def commit(self):
    if not Run.wrote:
        # A transaction that wrote nothing: Django's own (SQLite's JSON probe in the system
        # checks), not the load's.
        Run.began = 0
        real_commit(self)
        return
    Run.first_in_transaction, Run.at_commit = Run.began, Run.statements
    if Run.point == "commit:before":
        stop_here(self)
    real_commit(self)
    if Run.point == "commit:after":
        stop_here(self)
    Run.began, Run.wrote = 0, False


def main(point: str, files: list[str]) -> None:
    Run.point = point
    connection_created.connect(watch)
    BaseDatabaseWrapper._commit = commit
    sys.argv = ["manage.py", "load_review", *files]
    try:
        runpy.run_path("manage.py", run_name="__main__")
    finally:
        if point == "count":
            report = {
                "statements": Run.statements,
                "first_in_transaction": Run.first_in_transaction,
                "at_commit": Run.at_commit,
            }
            print(f"ran {json.dumps(report)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
