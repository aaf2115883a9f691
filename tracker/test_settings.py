"""Settings for the test suite: the real settings, plus what only tests may relax."""

import os

# Tests never run in production; a fixed key keeps `pytest` runnable with no environment.
os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")
# The test client speaks plain HTTP; deployment settings are tested in test_deployment.
os.environ.setdefault("HTTPS", "false")

from tracker.settings import *  # noqa: F403

# Hashing is deliberately slow in production; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Templates render {% static %} without a prior collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files from the finders, as in development: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The browser tests' live server answers each browser connection in a thread that keep-alive
# holds open; a persistent database connection there outlives the run and stops PostgreSQL
# dropping the test database ("being accessed by other users"). Close it as each request ends.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
