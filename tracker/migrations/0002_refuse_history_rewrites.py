"""On PostgreSQL, history tables refuse UPDATE and DELETE at the database itself, so not
even a bug (or a hand-typed SQL statement through the app's own account) can rewrite what
was recorded. SQLite, for development and tests, relies on the application alone.

This migration creates the shared trigger function and guards tracker's own history, the
audit log. The apps above tracker guard theirs with their own migrations (actions 0010 for
progress updates and evidence), which depend on this one for the function: tracker, the
shared base, depends on no app above it. (Until that move, this migration also created the
actions triggers; actions 0010 recreates them, so a database migrated either way ends alike.)
"""

from django.db import migrations

HISTORY_TABLES = ["tracker_auditentry"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_refuse_history_rewrite() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% on %% refused: history is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for table in HISTORY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tracker_refuse_history_rewrite();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in HISTORY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS tracker_refuse_history_rewrite();")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_audit_entry")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
