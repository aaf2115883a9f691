"""On PostgreSQL, progress updates and their evidence refuse UPDATE and DELETE at the
database itself, through the trigger function tracker 0002 creates (hence the dependency).
SQLite, for development and tests, relies on the application alone.

These triggers used to be created by tracker 0002, which made the shared base depend on this
app. Every statement here may be repeated, so a database that ran the old tracker 0002 (and
already has these triggers) ends in the same state as a new one.
"""

from django.db import migrations

HISTORY_TABLES = ["actions_progressupdate", "actions_evidencelink"]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
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


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0009_progress_update_on_index"),
        ("tracker", "0002_refuse_history_rewrites"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
