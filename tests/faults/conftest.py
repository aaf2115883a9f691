import os

# A database restart is a PostgreSQL event: this test joins the run whenever the suite runs
# on PostgreSQL (as CI's second run does). SQLite, the development default, has no server
# to restart.
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
collect_ignore = [] if ON_POSTGRESQL else ["test_postgresql_restart.py"]
