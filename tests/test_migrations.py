"""Migrations replay: from an empty database, `migrate` to any migration of our apps works, on
whichever database the suite runs on (CI runs it on SQLite and on PostgreSQL), and so does
going back to zero and forward again.

Each test migrates a throwaway database of its own, beside the test database the other tests
share: a file under the test's tmp_path on SQLite; on PostgreSQL the test database's name
(which pytest-django makes per xdist worker: test_tracker_gw0 ...) plus `_replay`. After every
step the test checks the database holds what the migration state says it should (tables,
indexes, triggers, role groups), so a step that silently did nothing fails.
"""

import datetime
import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

APPS = ("actions", "recommendations", "tracker")
ALIAS = "migration_replay"

# Indexes made by hand-written operations, on PostgreSQL only (the model state knows nothing
# of them), with the migration that adds each and the one that drops it (None: still there).
POSTGRESQL_INDEXES = {
    "recommendation_search": (("actions", "0007_search_indexes"), None),
    "action_search": (("actions", "0007_search_indexes"), None),
    "progress_update_search": (
        ("actions", "0007_search_indexes"),
        ("actions", "0008_progress_update_stored_search_document"),
    ),
    "progress_update_document": (("actions", "0008_progress_update_stored_search_document"), None),
}
# Append-only triggers (PostgreSQL only), with the migration that creates each.
TRIGGERS = {
    "tracker_auditentry_append_only": ("tracker", "0002_refuse_history_rewrites"),
    "actions_progressupdate_append_only": ("actions", "0010_refuse_history_rewrites"),
    "actions_evidencelink_append_only": ("actions", "0010_refuse_history_rewrites"),
}
ROLES_MIGRATION = ("actions", "0003_roles_and_current_position")

# The mark makes pytest-django set up the suite's test database (whose name the replay
# database borrows) before a test runs; the test never queries it.
uses_test_database_name = pytest.mark.django_db
PUBLISHING_MIGRATION = ("actions", "0006_publishing_role_and_last_update")
# Roles leave Django groups for the membership (tracker.access reads them there).
MEMBERSHIP_ROLES_MIGRATION = ("actions", "0011_roles_on_memberships")


def refuse_query(execute, sql, params, many, context):
    raise AssertionError(f"a migration queried the default database, not its own: {sql}")


class ReplayDatabase:
    """A database of the suite's engine that a test may empty and migrate as it likes."""

    def __init__(self, tmp_path: Path):
        default = connections["default"]
        self.vendor = default.vendor
        if self.vendor == "sqlite":
            self.name = str(tmp_path / "replay.sqlite3")
        else:
            # The test database's name is already unique to this worker and this checkout.
            self.name = f"{default.settings_dict['NAME']}_replay"
        connections.settings[ALIAS] = {
            **default.settings_dict,
            "NAME": self.name,
            "OPTIONS": dict(default.settings_dict.get("OPTIONS", {})),
            "CONN_MAX_AGE": 0,
        }

    @property
    def connection(self):
        return connections[ALIAS]

    def empty(self) -> None:
        """Start again from a database with no table at all."""
        self.connection.close()
        if self.vendor == "sqlite":
            Path(self.name).unlink(missing_ok=True)
            return
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            cursor.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self.connection.close()
        if self.vendor != "sqlite":
            with connections["default"]._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
        del connections[ALIAS]
        del connections.settings[ALIAS]

    def migrate(self, targets: list[tuple[str, str | None]]) -> list[str]:
        """Migrate to `targets`; return the SQL it ran. A migration must use the connection
        it is given (`schema_editor.connection.alias`): one that reaches for the default
        database instead fails here."""
        executor = MigrationExecutor(self.connection)
        with (
            connections["default"].execute_wrapper(refuse_query),
            CaptureQueriesContext(self.connection) as queries,
        ):
            executor.migrate(targets)
        return [query["sql"] for query in queries.captured_queries]

    def applied(self) -> set[tuple[str, str]]:
        return set(MigrationExecutor(self.connection).loader.applied_migrations)


@pytest.fixture
def replay(django_db_blocker, tmp_path):
    with django_db_blocker.unblock():
        database = ReplayDatabase(tmp_path)
        database.empty()
        try:
            yield database
        finally:
            database.drop()


def our_nodes(graph) -> list[tuple[str, str]]:
    return sorted(node for node in graph.nodes if node[0] in APPS)


def assert_schema_matches_state(database: ReplayDatabase, nodes) -> None:
    """The database holds exactly the tables of our apps that the migration state at `nodes`
    has, each with its declared indexes, plus the hand-made indexes, triggers and role groups
    of the migrations applied."""
    connection = database.connection
    loader = MigrationExecutor(connection).loader
    applied = set(loader.applied_migrations)
    state = loader.project_state(nodes, at_end=True)
    models = [
        model
        for model in state.apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS and model._meta.managed and not model._meta.proxy
    ]
    introspection = connection.introspection
    with connection.cursor() as cursor:
        tables = {t for t in introspection.table_names(cursor) if t.split("_")[0] in APPS}
        assert tables == {model._meta.db_table for model in models}, nodes
        index_names = set()
        for model in models:
            constraints = introspection.get_constraints(cursor, model._meta.db_table)
            index_names |= set(constraints)
            for index in model._meta.indexes:
                assert index.name in constraints, (nodes, model, index.name)

        if database.vendor == "postgresql":
            expected = {
                name
                for name, (added, dropped) in POSTGRESQL_INDEXES.items()
                if added in applied and dropped not in applied
            }
            assert index_names & set(POSTGRESQL_INDEXES) == expected, nodes
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            triggers = {row[0] for row in cursor.fetchall()}
            assert triggers == {name for name, added in TRIGGERS.items() if added in applied}
        else:
            assert index_names.isdisjoint(POSTGRESQL_INDEXES)

        if "auth_group" in introspection.table_names(cursor):
            cursor.execute(
                "SELECT g.name, COUNT(gp.id) FROM auth_group g "
                "LEFT JOIN auth_group_permissions gp ON gp.group_id = g.id GROUP BY g.name"
            )
            groups = dict(cursor.fetchall())
            cursor.execute(
                "SELECT g.name FROM auth_group g "
                "JOIN auth_group_permissions gp ON gp.group_id = g.id "
                "JOIN auth_permission p ON p.id = gp.permission_id "
                "WHERE p.codename = 'publish_review'"
            )
            publishers = {row[0] for row in cursor.fetchall()}
        else:
            groups, publishers = {}, set()

    if MEMBERSHIP_ROLES_MIGRATION in applied:
        assert (groups, publishers) == ({}, set())
    elif PUBLISHING_MIGRATION in applied:
        assert groups == {"Viewer": 15, "Officer": 16, "Programme office": 22, "Admin": 31}
        assert publishers == {"Programme office", "Admin"}
    elif ROLES_MIGRATION in applied:
        assert groups == {"Viewer": 15, "Officer": 16, "Programme office": 21, "Admin": 30}
        assert publishers == set()
    else:
        assert groups == {}


@uses_test_database_name
def test_migrate_to_every_migration_of_our_apps_from_an_empty_database_works(replay):
    graph = MigrationExecutor(replay.connection).loader.graph
    nodes = our_nodes(graph)
    sql: list[str] = []
    for node in nodes:
        plan = graph.forwards_plan(node)
        applied = replay.applied()
        # Reuse what the last step applied only when it is exactly the start of this node's
        # own plan: then every migration runs after the very same ones as from empty.
        if applied != set(plan[: len(applied)]):
            replay.empty()
        sql += replay.migrate([node])

        assert replay.applied() == set(plan)
        assert_schema_matches_state(replay, [node])

    # Every migration file of our apps was a target.
    assert {name for _, name in nodes} == {
        path.stem for app in APPS for path in (settings.BASE_DIR / app / "migrations").glob("0*.py")
    }
    assert len(nodes) >= 16
    # Indexes on the big tables are built without blocking writes where the database can.
    gin = {statement for statement in sql if "USING gin" in statement}
    on_index = [statement for statement in set(sql) if '"progress_update_on"' in statement]
    if replay.vendor == "postgresql":
        assert len(gin) == 4
        assert all(statement.startswith("CREATE INDEX CONCURRENTLY") for statement in gin)
        assert len(on_index) == 1
        assert on_index[0].startswith('CREATE INDEX CONCURRENTLY "progress_update_on"')
    else:
        assert gin == set()
        assert len(on_index) == 1
        assert on_index[0].startswith('CREATE INDEX "progress_update_on"')


@uses_test_database_name
def test_migrate_back_to_zero_and_forward_again_works(replay):
    graph = MigrationExecutor(replay.connection).loader.graph
    leaves = [node for node in graph.leaf_nodes() if node[0] in APPS]

    replay.migrate(leaves)
    assert_schema_matches_state(replay, leaves)
    backwards = replay.migrate([(app, None) for app in APPS])
    assert replay.applied().isdisjoint(our_nodes(graph))
    dropped = [statement for statement in backwards if '"progress_update_on"' in statement]
    if replay.vendor == "postgresql":
        assert dropped == ['DROP INDEX CONCURRENTLY IF EXISTS "progress_update_on"']
    else:
        assert dropped == ['DROP INDEX "progress_update_on"']
    with replay.connection.cursor() as cursor:
        tables = replay.connection.introspection.table_names(cursor)
        assert [t for t in tables if t.split("_")[0] in APPS] == []
        # The roles outlive their migrations, as any data does: going back keeps them.
        cursor.execute("SELECT COUNT(*) FROM auth_group")
        assert cursor.fetchone() == (4,)
        if replay.vendor == "postgresql":
            cursor.execute(
                "SELECT COUNT(*) FROM pg_proc WHERE proname = %s",
                ["tracker_refuse_history_rewrite"],
            )
            assert cursor.fetchone() == (0,)
    replay.migrate(leaves)

    assert replay.applied() >= set(our_nodes(graph))
    assert_schema_matches_state(replay, leaves)


def test_migrations_import_no_code_of_our_apps():
    """Migrations must mean the same thing forever, so they use the historical models and
    import nothing of today's apps but tracker.migration_operations, which imports only
    Django."""
    for app in APPS:
        for path in sorted((settings.BASE_DIR / app / "migrations").glob("0*.py")):
            module = importlib.import_module(f"{app}.migrations.{path.stem}")
            source = path.read_text()
            imports = [
                line.strip()
                for line in source.splitlines()
                if line.startswith(("from ", "import ")) and line.split()[1].split(".")[0] in APPS
            ]
            assert set(imports) <= {
                "from tracker.migration_operations import add_index, remove_index",
                "from tracker.migration_operations import AddIndexConcurrently",
                "from tracker.migration_operations import concurrently",
            }, (path.name, imports)
            if app == "tracker":
                # The shared base depends on no app above it.
                assert {dep[0] for dep in module.Migration.dependencies} <= {"tracker"}, path
    operations = (settings.BASE_DIR / "tracker" / "migration_operations.py").read_text()
    assert [line for line in operations.splitlines() if line.startswith(("from ", "import "))] == [
        "from django.db import migrations",
        "from django.db.backends.base.schema import BaseDatabaseSchemaEditor",
        "from django.db.models import Index",
    ]


@uses_test_database_name
def test_roles_move_from_groups_to_memberships_and_uploads_learn_their_council(replay):
    before = [
        ("actions", "0010_refuse_history_rewrites"),
        ("recommendations", "0005_roles_on_memberships"),
    ]
    replay.migrate(before)
    with replay.connection.cursor() as cursor:
        cursor.execute("INSERT INTO recommendations_organisation (slug, name) VALUES ('x', 'X')")
        cursor.execute("SELECT id FROM recommendations_organisation")
        (organisation,) = cursor.fetchone()
        people = {"pat": ["Officer", "Programme office"], "val": ["Viewer"], "nobody": []}
        for username, groups in people.items():
            cursor.execute(
                "INSERT INTO auth_user (username, password, is_superuser, first_name, last_name,"
                " email, is_staff, is_active, date_joined) VALUES"
                " (%s, '', false, '', '', '', false, true, CURRENT_TIMESTAMP)",
                [username],
            )
            cursor.execute("SELECT id FROM auth_user WHERE username = %s", [username])
            (user,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO recommendations_membership (user_id, organisation_id, role)"
                " VALUES (%s, %s, 'viewer')",
                [user, organisation],
            )
            for group in groups:
                cursor.execute(
                    "INSERT INTO auth_user_groups (user_id, group_id)"
                    " SELECT %s, id FROM auth_group WHERE name = %s",
                    [user, group],
                )
        cursor.execute("SELECT id FROM auth_user WHERE username = 'pat'")
        (pat,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO recommendations_reviewimport (uploaded_by_id, uploaded_at, file_name,"
            " file_kind, content, content_hash, details, use_suggested_dates, preview,"
            " warnings, suggestions, status) VALUES (%s, CURRENT_TIMESTAMP, 'a.yaml', 'yaml',"
            " %s, '', '{}', false, '[]', '[]', '[]', 'previewed')",
            [pat, b"x"],
        )

    replay.migrate([("actions", "0011_roles_on_memberships")])

    with replay.connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.username, m.role FROM recommendations_membership m"
            " JOIN auth_user u ON u.id = m.user_id ORDER BY u.username"
        )
        assert cursor.fetchall() == [
            ("nobody", "viewer"),
            ("pat", "programme-office"),
            ("val", "viewer"),
        ]
        cursor.execute("SELECT COUNT(*) FROM auth_group")
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT COUNT(*) FROM auth_permission WHERE codename IN"
            " ('record_progress_on_any', 'load_review_files', 'publish_review')"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT organisation_id FROM recommendations_reviewimport")
        assert cursor.fetchall() == [(organisation,)]


DERIVED_MILESTONES_MIGRATION = ("recommendations", "0006_remove_derived_milestones")


@uses_test_database_name
def test_milestones_the_old_loader_derived_are_removed_and_the_files_own_kept(replay):
    before = [("recommendations", "0005_roles_on_memberships")]
    replay.migrate(before)
    state = MigrationExecutor(replay.connection).loader.project_state(before, at_end=True)
    Organisation, Review, Milestone = (
        state.apps.get_model("recommendations", name).objects.using(ALIAS)
        for name in ("Organisation", "Review", "Milestone")
    )
    council = Organisation.create(slug="x", name="X")

    def review(slug, kind, started_on, ended_on, milestones):
        made = Review.create(
            organisation=council, slug=slug, kind=kind, started_on=started_on, ended_on=ended_on
        )
        for position, (title, due, done_on) in enumerate(milestones):
            Milestone.create(review=made, position=position, title=title, due=due, done_on=done_on)

    d = datetime.date
    # As the old loader left Southampton's 2017 review: the file's follow-up visit (whose date
    # is the one the old rule gives), then the three defaults it added.
    review(
        "cpc-2017",
        "corporate-peer-challenge",
        d(2017, 9, 11),
        d(2017, 9, 14),
        [
            ("Follow-up visit", d(2019, 9, 14), None),
            ("Report and action plan published", d(2017, 12, 14), None),
            ("Report and action plan published at the latest", d(2018, 2, 14), None),
            ("Progress review", d(2018, 7, 14), None),
        ],
    )
    # The file gave a progress review done, and the publication on another date.
    review(
        "cpc-2015",
        "corporate-peer-challenge",
        d(2015, 3, 2),
        d(2015, 3, 5),
        [
            ("Progress review", d(2016, 1, 5), d(2016, 1, 20)),
            ("Report and action plan published", d(2015, 6, 1), None),
            ("Report and action plan published at the latest", d(2015, 8, 5), None),
            ("Follow-up visit", d(2017, 3, 5), None),
        ],
    )
    # A file that gave none: all four derived, counted from the first day (no last day).
    review(
        "cpc-2013",
        "finance-peer-review",
        d(2013, 7, 1),
        None,
        [
            ("Report and action plan published", d(2013, 10, 1), None),
            ("Report and action plan published at the latest", d(2013, 12, 1), None),
            ("Progress review", d(2014, 5, 1), None),
            ("Follow-up visit", d(2015, 7, 1), None),
        ],
    )
    # The old loader derived nothing for a kind of review the LGA does not follow up.
    review(
        "kpmg-2014",
        "external-review",
        d(2014, 9, 1),
        d(2014, 12, 31),
        [("Progress review", d(2015, 10, 31), None)],
    )

    def milestones():
        return sorted(
            Milestone.filter(review__organisation=council).values_list(
                "review__slug", "title", "due", "done_on"
            )
        )

    everything = milestones()

    replay.migrate([DERIVED_MILESTONES_MIGRATION])

    assert milestones() == [
        ("cpc-2015", "Progress review", d(2016, 1, 5), d(2016, 1, 20)),
        ("cpc-2015", "Report and action plan published", d(2015, 6, 1), None),
        ("cpc-2017", "Follow-up visit", d(2019, 9, 14), None),
        ("kpmg-2014", "Progress review", d(2015, 10, 31), None),
    ]

    # Going back puts the derived rows back, as the old loader would have added them.
    replay.migrate(before)
    assert milestones() == everything
