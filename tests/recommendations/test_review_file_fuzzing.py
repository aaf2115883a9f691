"""Generated review files, valid and corrupted, never cause a traceback or a partial write:
each either loads whole or is refused with problems that say where."""

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommendations.review_files.errors import ReviewFileInvalid
from recommendations.review_files.loading import ReviewFile, load_review_files

from .schema_strategy import corrupted_files, documents

EXAMPLES = 500


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in ("recommendations", "actions")
        for model in apps.get_app_config(label).get_models()
    }


def load(content: bytes):
    """The change log of a load, or the problems that refused it."""
    try:
        return load_review_files([ReviewFile("generated.yaml", content)]), []
    except ReviewFileInvalid as refused:
        return None, refused.problems


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # One database for all examples on purpose: each is checked against the state the
    # previous ones left, as files arrive at a real service.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=corrupted_files())
def test_generated_files_load_whole_or_change_nothing(content):
    before = row_counts()

    changes, problems = load(content)

    if changes is None:
        assert problems
        assert all(str(problem).startswith("generated.yaml") for problem in problems)
        assert row_counts() == before
    else:
        # Loaded: loading the same file again changes nothing (idempotent).
        after = row_counts()
        again, _ = load(content)
        assert again is not None
        assert not again.changed
        assert row_counts() == after


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=documents(), name=st.sampled_from(["a.yaml", "b.yaml"]))
def test_the_schema_strategy_produces_files_the_schema_accepts(document, name):
    """Guards the generator: uncorrupted documents pass the schema, so the corrupted ones
    above test the rules rather than only the parser."""
    import yaml

    from recommendations.review_files.reading import parse_review_file
    from recommendations.review_files.validation import schema_problems

    content = yaml.safe_dump(document, allow_unicode=True).encode()
    assert schema_problems(parse_review_file(content, file_name=name)) == []
