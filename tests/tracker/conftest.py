import os

# The app's PostgreSQL role and its refusals are PostgreSQL's own behaviour: these tests
# join the run whenever the suite runs on PostgreSQL, as CI's second run does (SQLite has
# no roles; there the models refuse, tests/tracker/test_audit*.py).
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
collect_ignore = [] if ON_POSTGRESQL else ["test_database_roles_postgresql.py"]
