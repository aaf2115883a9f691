"""On PostgreSQL the app runs as a role that owns no table (docs/deployment.md): connected
as that role, history cannot be truncated, unprotected, changed or deleted, and the app's
ordinary reads and writes work."""

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tracker.database_roles import HISTORY_TABLES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role():
    """A login role granted what `grant_app_role` grants, connected to the test database."""
    role = f"tracker_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    call_command("grant_app_role", role, verbosity=0)
    params = connection.settings_dict
    app = psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or "5432",
        dbname=params["NAME"],
        user=role,
        autocommit=True,
    )
    yield app
    app.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


def refusal(app, statement: str, *params) -> str:
    """The error PostgreSQL gives `statement` run as the app role ('' if it runs)."""
    try:
        with app.transaction():
            app.execute(statement, params)
    except psycopg.errors.InsufficientPrivilege as error:
        return str(error).splitlines()[0]
    return ""


def test_the_app_role_cannot_truncate_or_unprotect_history(app_role):
    for table in HISTORY_TABLES:
        assert refusal(app_role, f"TRUNCATE {table}") == f"permission denied for table {table}"
        assert refusal(app_role, f"ALTER TABLE {table} DISABLE TRIGGER ALL") == (
            f"must be owner of table {table}"
        )
        assert refusal(app_role, f"DROP TABLE {table}") == f"must be owner of table {table}"


def test_the_app_role_cannot_change_or_delete_history(app_role):
    for table in HISTORY_TABLES:  # our own constant table names
        update, delete = f"UPDATE {table} SET id = id", f"DELETE FROM {table}"  # noqa: S608
        assert refusal(app_role, update) == f"permission denied for table {table}"
        assert refusal(app_role, delete) == f"permission denied for table {table}"
    assert refusal(app_role, "TRUNCATE recommendations_organisation") == (
        "permission denied for table recommendations_organisation"
    )
    assert refusal(app_role, "DELETE FROM django_migrations") == (
        "permission denied for table django_migrations"
    )


def test_the_app_role_reads_and_writes_as_the_app_does(app_role):
    with app_role.transaction():
        organisation_id = app_role.execute(
            "INSERT INTO recommendations_organisation (slug, name) "
            "VALUES ('roleshire', 'Roleshire Council') RETURNING id"
        ).fetchone()[0]
        app_role.execute(
            "UPDATE recommendations_organisation SET name = 'Roleshire County Council' "
            "WHERE id = %s",
            (organisation_id,),
        )
        app_role.execute(
            "INSERT INTO tracker_auditentry (at, actor_id, actor_name, request_id, verb, "
            "object_type, object_id, object_repr, subject_type, subject_id, changes) "
            "VALUES (now(), NULL, 'role test', '', 'created', 'recommendations.organisation',"
            " %s, 'Roleshire', 'recommendations.organisation', %s, '{}')",
            (str(organisation_id), str(organisation_id)),
        )
        names = app_role.execute(
            "SELECT name FROM recommendations_organisation WHERE slug = 'roleshire'"
        ).fetchall()
        entries = app_role.execute(
            "SELECT actor_name, verb FROM tracker_auditentry WHERE object_id = %s",
            (str(organisation_id),),
        ).fetchall()
        app_role.execute(
            "DELETE FROM recommendations_organisation WHERE id = %s", (organisation_id,)
        )

    assert names == [("Roleshire County Council",)]
    assert entries == [("role test", "created")]


@pytest.mark.django_db
def test_the_history_tables_are_those_the_triggers_protect():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE '%%_append_only'"
        )
        protected = sorted(row[0] for row in cursor.fetchall())

    assert protected == sorted(HISTORY_TABLES)
