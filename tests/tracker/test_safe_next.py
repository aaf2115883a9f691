"""Where a sign-in step goes next: only a path on this site, whatever `next` says."""

import pytest
from django.test import RequestFactory

from tracker.views import safe_next


@pytest.mark.parametrize(
    ("wanted", "goes_to"),
    [
        ("/actions/?overdue=true", "/actions/?overdue=true"),
        ("dashboard", "/"),  # a word redirect() would take for a view name
        ("actions:action-list", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("", "/"),
    ],
)
def test_safe_next_keeps_only_paths_on_this_site(wanted, goes_to):
    request = RequestFactory().get("/sign-in/two-factor/", {"next": wanted})

    assert safe_next(request) == goes_to
