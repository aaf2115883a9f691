"""GIN indexes for full-text search on PostgreSQL (actions/search.py).

Expression indexes over exactly the tsvector that search filters on, so nothing has to be
kept up to date as rows arrive (progress updates are append-only at the database anyway).
The recommendation index lives here, with the search that uses it, rather than in the
recommendations app, which knows nothing of search. SQLite has no GIN: nothing to do there.

Built CONCURRENTLY on PostgreSQL (so not atomic): the tables may already hold a nation's
actions and updates, and a plain build would block their inserts while it runs.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

from tracker.migration_operations import add_index, remove_index

# (app, model, index name, ((field, weight), ...)): written out rather than imported from
# actions.search so this migration means the same thing forever; a test checks the two agree.
INDEXES = [
    ("recommendations", "Recommendation", "recommendation_search", (("title", "A"), ("text", "B"))),
    ("actions", "Action", "action_search", (("text", "A"),)),
    ("actions", "ProgressUpdate", "progress_update_search", (("note", "A"),)),
]


def _index(name, fields):
    vectors = [SearchVector(field, weight=weight, config="english") for field, weight in fields]
    document = vectors[0]
    for vector in vectors[1:]:
        document = document + vector
    return GinIndex(document, name=name)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, name, fields in INDEXES:
        add_index(schema_editor, apps.get_model(app, model), _index(name, fields))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, name, fields in INDEXES:
        remove_index(schema_editor, apps.get_model(app, model), _index(name, fields))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("actions", "0006_publishing_role_and_last_update"),
        ("recommendations", "0004_review_import"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
