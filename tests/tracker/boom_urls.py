"""The service's URLs plus one view that fails, to see the 500 page."""

from django.db import connection
from django.urls import path

from tracker.urls import *  # noqa: F403
from tracker.urls import urlpatterns as service_urlpatterns


def boom(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_column FROM no_such_table_xyz")


urlpatterns = [*service_urlpatterns, path("boom/", boom)]


def database_down(request):
    from django.db import OperationalError

    raise OperationalError("connection to server at 127.0.0.1 failed: restarting")


urlpatterns += [path("database-down/", database_down)]
