"""The PostgreSQL role the app runs as, and what it may do (docs/deployment.md).

Two roles: an owner that owns every table and runs `migrate`, and the app's role, which
owns nothing. Because only a table's owner may TRUNCATE it (unless granted), ALTER it or
DISABLE its triggers, the app cannot wipe or unprotect history, whatever code runs in it.
On the history tables the app may only read and add: UPDATE and DELETE are not granted,
and the triggers of migrations tracker 0002 and actions 0010 refuse them for every
role as well.
"""

import re

from django.db import connection

# History: appended to, never changed (the tables whose triggers migrations tracker 0002
# and actions 0010 create; a PostgreSQL test checks the two lists agree).
HISTORY_TABLES = ("actions_progressupdate", "actions_evidencelink", "tracker_auditentry")
# Written by `migrate` alone, run as the owner.
OWNER_ONLY_WRITES = ("django_migrations",)

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def app_role_sql(role: str, database: str) -> list[str]:
    """The statements the owner runs (after every `migrate`) to give `role` what the app
    needs and no more. Idempotent."""
    if not ROLE_NAME.match(role):
        raise ValueError(f"{role!r} is not a plain PostgreSQL role name")
    quote = connection.ops.quote_name
    history = ", ".join(HISTORY_TABLES)
    return [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {history} FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {', '.join(OWNER_ONLY_WRITES)} FROM {role}",
        # Tables and sequences the owner creates in later migrations.
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
