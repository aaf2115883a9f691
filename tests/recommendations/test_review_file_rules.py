"""Every rule of the review file format, broken once: a clear error naming the key path and
the line, and the database left exactly as it was."""

import pytest
from django.apps import apps

from recommendations.review_files.errors import ReviewFileInvalid
from recommendations.review_files.loading import ReviewFile, load_review_files

from .samples import LATER, VALID, line_of, replace_line


def snapshot() -> dict[str, list[dict]]:
    """Every row of every tracker table, to prove that a refused load wrote nothing."""
    tables = {}
    for label in ("recommendations", "actions"):
        for model in apps.get_app_config(label).get_models():
            tables[model._meta.label] = sorted(model.objects.values(), key=lambda row: row["id"])
    return tables


def refuse(*texts: str) -> list:
    files = [ReviewFile(f"file-{n}.yaml", text.encode()) for n, text in enumerate(texts, 1)]
    with pytest.raises(ReviewFileInvalid) as refused:
        load_review_files(files)
    return refused.value.problems


BROKEN = [
    # (name, text after the change, the key path, the reported line or the text on it, message)
    (
        "number longer than the database holds (found by the fuzzer on PostgreSQL)",
        replace_line(VALID, '- number: "1"', '- number: "' + "1" * 21 + '"'),
        "recommendations[0].number",
        '- number: "' + "1" * 21 + '"',
        "must be 20 characters or fewer",
    ),
    (
        "NUL character in text (found by the fuzzer: PostgreSQL cannot store it)",
        replace_line(VALID, "title: Plan further ahead", 'title: "Plan\\0 further ahead"'),
        "recommendations[0].title",
        'title: "Plan\\0 further ahead"',
        "contains a control character (U+0000): remove it",
    ),
    (
        "unknown nested key",
        replace_line(VALID, "title: Plan further ahead", "titel: Plan further ahead"),
        "recommendations[0].titel",
        "titel: Plan further ahead",
        "unknown key 'titel'; did you mean 'title'?",
    ),
    (
        "unknown top-level key",
        VALID + "colour: blue\n",
        "colour",
        "colour: blue",
        "unknown key 'colour'",
    ),
    (
        "required key missing",
        replace_line(VALID, "started_on: 2015-03-02", "# no start date"),
        "review",
        "review:",
        "'started_on' is required",
    ),
    (
        "wrong format version",
        replace_line(VALID, "format: review-tracker/1", "format: review-tracker/2"),
        "format",
        "format: review-tracker/2",
        "must be exactly 'review-tracker/1'",
    ),
    (
        "slug with capitals and spaces",
        replace_line(VALID, "slug: testshire", "slug: Test Shire"),
        "organisation.slug",
        "slug: Test Shire",
        "must use only lower-case letters, digits and hyphens",
    ),
    (
        "unknown review kind",
        replace_line(VALID, "kind: corporate-peer-challenge", "kind: peer-review"),
        "review.kind",
        "kind: peer-review",
        "must be one of 'corporate-peer-challenge'",
    ),
    (
        "unknown RAG",
        replace_line(VALID, "rag: amber", "rag: orange"),
        "recommendations[0].actions[0].rag",
        "rag: orange",
        "must be one of 'green', 'amber', 'red', or left empty",
    ),
    (
        "recommendation number not quoted",
        replace_line(VALID, '- number: "1"', "- number: 1"),
        "recommendations[0].number",
        "- number: 1",
        'must be text (put it in quotes: "1")',
    ),
    (
        "recommendation number used twice",
        replace_line(VALID, '- number: "2"', '- number: "1"'),
        "recommendations[1].number",
        line_of(VALID, '- number: "2"'),
        "the recommendation number '1' is used twice",
    ),
    (
        "action ref used twice",
        replace_line(VALID, '- ref: "2.1-a"', '- ref: "1-a"'),
        "recommendations[1].parts[0].actions[0].ref",
        line_of(VALID, 'ref: "2.1-a"'),
        "the action ref '1-a' is used twice in this review",
    ),
    (
        "theme that the review does not define",
        replace_line(VALID, "themes: [capacity, finance]", "themes: [capacity, housing]"),
        "recommendations[1].themes[1]",
        "themes: [capacity, housing]",
        "'housing' is not a key in review.themes",
    ),
    (
        "theme key used twice",
        replace_line(VALID, "- key: capacity", "- key: finance").replace(
            "themes: [capacity, finance]", "themes: [finance]"
        ),
        "review.themes[1].key",
        line_of(VALID, "- key: capacity"),
        "the theme key 'finance' is given more than once",
    ),
    (
        "owner who is not a lead of the action",
        replace_line(VALID, "owner: Jo Bloggs", "owner: Someone Else"),
        "recommendations[0].actions[0].owner",
        "owner: Someone Else",
        "the owner 'Someone Else' must be one of the action's leads",
    ),
    (
        "lead named twice on one action",
        replace_line(VALID, "leads: [Jo Bloggs, Finance Board]", "leads: [Jo Bloggs, Jo Bloggs]"),
        "recommendations[0].actions[0].leads",
        "leads: [Jo Bloggs, Jo Bloggs]",
        "a lead is named twice",
    ),
    (
        "date that is not in the calendar",
        replace_line(VALID, "due: 2016-03-31", "due: 2016-02-30"),
        "recommendations[0].actions[0].due",
        "due: 2016-02-30",
        "'2016-02-30' is not a real calendar date",
    ),
    (
        "date in the wrong form",
        replace_line(VALID, "responded_on: 2015-06-01", "responded_on: 1 June 2015"),
        "recommendations[0].response.responded_on",
        "responded_on: 1 June 2015",
        "must be a date written as YYYY-MM-DD",
    ),
    (
        "review ending before it started",
        replace_line(VALID, "ended_on: 2015-03-05", "ended_on: 2015-03-01"),
        "review.ended_on",
        "ended_on: 2015-03-01",
        "the review cannot end before it started",
    ),
    (
        "update dated before the review started",
        replace_line(VALID, "- on: 2015-09-30", "- on: 2014-09-30"),
        "recommendations[0].actions[0].updates[0].on",
        "- on: 2014-09-30",
        "an update cannot be dated before the review started (2015-03-02)",
    ),
    (
        "previous review that does not exist",
        VALID.replace(
            "  conducted_by: Local Government Association\n",
            "  conducted_by: Local Government Association\n  previous: cpc-2011\n",
        ),
        "review.previous",
        "previous: cpc-2011",
        "there is no review 'cpc-2011' of 'testshire'",
    ),
    (
        "a list where text belongs",
        replace_line(VALID, "text: We agree.", "text: [We, agree]"),
        "recommendations[0].response.text",
        "text: [We, agree]",
        "must be text or empty",
    ),
    (
        "text where a list belongs",
        replace_line(VALID, "themes: [finance]", "themes: finance"),
        "recommendations[0].themes",
        "themes: finance",
        "must be a list",
    ),
    (
        "unknown risk level",
        replace_line(VALID, "likelihood: high", "likelihood: very high"),
        "review.risks[0].likelihood",
        "likelihood: very high",
        "must be one of 'high', 'medium', 'low', or left empty",
    ),
    (
        "unknown lead kind",
        replace_line(VALID, "kind: body", "kind: committee"),
        "leads[0].kind",
        "kind: committee",
        "must be one of 'person', 'body', or left empty",
    ),
    (
        "key given twice",
        VALID.replace(
            "    title: Build capacity\n", "    title: Build capacity\n    title: Again\n"
        ),
        "recommendations[1].title",
        "title: Again",
        "the key 'title' is given twice",
    ),
    (
        "invalid YAML",
        replace_line(VALID, "title: Plan further ahead", "title: [Plan further"),
        "(file)",
        # The parser notices the unclosed list on the line after it.
        "text: Plan further ahead with",
        "this is not valid YAML",
    ),
    (
        "YAML alias",
        VALID.replace("text: We agree.", "text: &agreed We agree.").replace(
            "incorporated: In the budget.", "incorporated: *agreed"
        ),
        "(file)",
        "incorporated: *agreed",
        "YAML aliases (*name) are not allowed in review files",
    ),
    (
        "YAML tag",
        replace_line(VALID, "text: We agree.", "text: !!python/object/apply:os.system [ls]"),
        "recommendations[0].response.text",
        "text: !!python/object/apply:os.system [ls]",
        "YAML tags are not allowed (tag:yaml.org,2002:python/object/apply:os.system)",
    ),
]


@pytest.mark.parametrize(
    ("text", "path", "line_text", "message"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_rule_is_refused_with_its_place_and_nothing_written(
    southampton, text, path, line_text, message
):
    before = snapshot()

    problems = refuse(text)

    expected_line = line_text if isinstance(line_text, int) else line_of(text, line_text)
    assert [(p.path, p.line) for p in problems] == [(path, expected_line)]
    assert message in problems[0].message
    assert snapshot() == before


def test_every_problem_is_listed_at_once():
    text = replace_line(VALID, "rag: amber", "rag: orange")
    text = replace_line(text, "due: 2016-03-31", "due: 2016-02-30")
    text = replace_line(text, "title: Build capacity", "titel: Build capacity")

    problems = refuse(text)

    # Shape (an unknown key, a value outside its choices) and value (a day that does not
    # exist) together, in line order: one run shows a person everything to fix.
    assert [(p.path, p.message) for p in problems] == [
        ("recommendations[0].actions[0].due", "'2016-02-30' is not a real calendar date"),
        (
            "recommendations[0].actions[0].rag",
            "must be one of 'green', 'amber', 'red', or left empty",
        ),
        ("recommendations[1].titel", "unknown key 'titel'; did you mean 'title'?"),
    ]


def test_semantic_rules_are_checked_together_when_the_shape_is_right():
    text = replace_line(VALID, "due: 2016-03-31", "due: 2016-02-30")
    text = replace_line(text, "owner: Jo Bloggs", "owner: Someone Else")

    problems = refuse(text)

    assert [p.path for p in problems] == [
        "recommendations[0].actions[0].owner",
        "recommendations[0].actions[0].due",
    ]


def test_file_over_five_megabytes_is_refused_before_parsing(db):
    text = VALID + "# " + "x" * (5 * 1024 * 1024) + "\n"

    problems = refuse(text)

    assert [p.message for p in problems] == ["the file is larger than 5 MB"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe not utf-8", "the file is not UTF-8 text"),
        (b"- a\n- b\n", "the file must be a YAML mapping"),
    ],
    ids=["empty", "not UTF-8", "not a mapping"],
)
def test_files_that_are_not_review_files_are_refused(db, content, message):
    with pytest.raises(ReviewFileInvalid) as refused:
        load_review_files([ReviewFile("odd.yaml", content)])

    assert message in refused.value.problems[0].message


def test_link_to_a_recommendation_the_earlier_review_lacks_refuses_the_whole_run(db):
    later = LATER.replace('recommendation: "1"', 'recommendation: "9"')
    before = snapshot()

    problems = refuse(VALID, later)

    assert [(p.file_name, p.path, p.line) for p in problems] == [
        ("file-2.yaml", "recommendations[0].follows[0].recommendation", line_of(later, '"9"'))
    ]
    assert "review 'cpc-2015' has no recommendation '9'" in problems[0].message
    assert snapshot() == before


def test_link_to_a_review_that_is_not_older_is_refused(db):
    later = LATER.replace("started_on: 2019-03-04", "started_on: 2014-03-04")

    problems = refuse(VALID, later)

    assert {p.message for p in problems} == {"review 'cpc-2015' is not older than this review"}
    assert {p.path for p in problems} == {
        "review.previous",
        "recommendations[0].follows[0].review",
    }


def test_link_to_a_review_loaded_later_in_the_run_is_refused(db):
    problems = refuse(LATER, VALID)

    assert problems[0].path == "review.previous"
    assert "there is no review 'cpc-2015' of 'testshire'" in problems[0].message


@pytest.mark.django_db
def test_shape_and_value_problems_of_every_kind_are_reported_in_one_run():
    text = replace_line(VALID, "ended_on: 2015-03-05", "ended_on: 2015-02-27")
    text = replace_line(text, "themes: [finance]", "themes: [fiannce]")
    text = replace_line(text, "responded_on: 2015-06-01", "responded_on: 2015-13-01")
    text = replace_line(text, "title: Build capacity", "titel: Build capacity")

    problems = refuse(text)

    assert [(p.path, p.message) for p in problems] == [
        ("review.ended_on", "the review cannot end before it started"),
        ("recommendations[0].themes[0]", "'fiannce' is not a key in review.themes"),
        (
            "recommendations[0].response.responded_on",
            "'2015-13-01' is not a real calendar date",
        ),
        ("recommendations[1].titel", "unknown key 'titel'; did you mean 'title'?"),
    ]


@pytest.mark.django_db
def test_a_value_is_still_checked_where_another_part_of_the_file_has_no_shape():
    """Where the structure is broken a check cannot read on; the rest of the file is still
    checked, and nothing inside the broken place is reported twice."""
    text = replace_line(VALID, "ended_on: 2015-03-05", "ended_on: 2015-02-27")
    # A lead that is a number, not a mapping: the actions' checks cannot read the leads.
    text = text.replace("\nleads:\n", "\nleads:\n  - 7\n", 1)

    problems = refuse(text)

    assert [(p.path, p.message) for p in problems] == [
        ("review.ended_on", "the review cannot end before it started"),
        ("leads[0]", "must be a mapping of keys and values"),
    ]
