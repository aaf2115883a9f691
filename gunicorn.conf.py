"""gunicorn settings for production: `gunicorn` run from the project folder reads this file.

Values come from the environment where a deployment may need to change them.
"""

import os

wsgi_app = "tracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers; two per core was no faster than one per core on a 2-core machine.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Restart workers now and then, so that a slow leak can never take an instance down.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The proxy in front terminates TLS and says so in X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Before any worker starts: a configuration that fails Django's deployment checks
    (e.g. no mail server, so reset links would go to the log) exits with status 1 and
    says why, instead of serving."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()
    from tracker.checks import refuse_to_start_if_unfit

    refuse_to_start_if_unfit()
