"""Migration operations that build indexes without locking out writers on PostgreSQL.

A plain CREATE INDEX on PostgreSQL blocks every insert into the table until it ends; on the
progress updates of every council in England that is minutes of refused writes during a
deploy. CREATE INDEX CONCURRENTLY lets writes go on, but PostgreSQL runs it only outside a
transaction, and Django's own AddIndexConcurrently runs only on PostgreSQL, while this project
also runs on SQLite. These operations build concurrently on PostgreSQL and plainly elsewhere;
a migration that uses them sets `atomic = False`.

Migrations import this module, so it imports Django alone: never the project's models or
services, which change while migrations must not.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Index


def can_build_concurrently(schema_editor: BaseDatabaseSchemaEditor) -> bool:
    """PostgreSQL refuses CONCURRENTLY inside a transaction block: a migration left atomic,
    or one applied inside a test's transaction, builds the index plainly instead."""
    connection = schema_editor.connection
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def add_index(schema_editor: BaseDatabaseSchemaEditor, model, index: Index) -> None:
    """Build `index` on `model`'s table, concurrently where the database allows it."""
    if can_build_concurrently(schema_editor):
        schema_editor.add_index(model, index, concurrently=True)
    else:
        schema_editor.add_index(model, index)


def remove_index(schema_editor: BaseDatabaseSchemaEditor, model, index: Index) -> None:
    """Drop `index` from `model`'s table, concurrently where the database allows it."""
    if can_build_concurrently(schema_editor):
        schema_editor.remove_index(model, index, concurrently=True)
    else:
        schema_editor.remove_index(model, index)


def concurrently(schema_editor: BaseDatabaseSchemaEditor) -> str:
    """The keyword to put after CREATE INDEX or DROP INDEX in hand-written SQL."""
    return "CONCURRENTLY" if can_build_concurrently(schema_editor) else ""


class AddIndexConcurrently(migrations.AddIndex):
    """AddIndex that builds concurrently on PostgreSQL and plainly elsewhere. The project state
    it records is AddIndex's, so the autodetector sees the same schema."""

    atomic = False

    def describe(self) -> str:
        return f"{super().describe()} (concurrently on PostgreSQL)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            add_index(schema_editor, model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            remove_index(schema_editor, model, self.index)
