import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# Any WSGI server: a production configuration that fails its deployment checks never
# serves (gunicorn.conf.py stops earlier still, before any worker starts).
from tracker.checks import refuse_to_start_if_unfit  # noqa: E402 - needs Django set up

refuse_to_start_if_unfit()
