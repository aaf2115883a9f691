"""Progress updates keep their search document in a stored column on PostgreSQL.

A million updates at national scale: recomputing to_tsvector for each candidate row, to
filter a council's updates and then rank them, was most of a search's time. A generated
column is computed once, as each update is inserted (the table is append-only, so never
again), and Django never writes it: it does not know the column (actions/search.py reads it
by name). The GIN index moves from the expression to the column. SQLite: nothing to do.

Indexes are built and dropped CONCURRENTLY (so the migration is not atomic), and each
statement may be repeated, so a run that stopped halfway can be run again (after dropping
the invalid index a failed concurrent build leaves behind, if that is where it stopped).
"""

from django.db import migrations

from tracker.migration_operations import concurrently

COLUMN = """
ALTER TABLE actions_progressupdate ADD COLUMN IF NOT EXISTS search_document tsvector
GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, COALESCE(note, '')), 'A'))
STORED
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(COLUMN)
    schema_editor.execute(
        f"CREATE INDEX {concurrently(schema_editor)} IF NOT EXISTS progress_update_document "
        "ON actions_progressupdate USING gin (search_document)"
    )
    schema_editor.execute(
        f"DROP INDEX {concurrently(schema_editor)} IF EXISTS progress_update_search"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX {concurrently(schema_editor)} IF NOT EXISTS progress_update_search "
        "ON actions_progressupdate USING gin "
        "((setweight(to_tsvector('english'::regconfig, COALESCE(note, '')), 'A')))"
    )
    schema_editor.execute(
        "ALTER TABLE actions_progressupdate DROP COLUMN IF EXISTS search_document"
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("actions", "0007_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
