import os

# Full-text search's own behaviour (stemming, ranking, its GIN indexes) is PostgreSQL's:
# these tests join the run whenever the suite runs on PostgreSQL, as CI's second run does.
# SQLite's fallback is tested with the shared behaviour in test_search.py.
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
collect_ignore = [] if ON_POSTGRESQL else ["test_search_postgresql.py"]
