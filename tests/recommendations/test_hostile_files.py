"""Files built to hurt the server are refused after bounded work, with a message that says
where: review files nested thousands deep, workbooks that declare a million rows by sixteen
thousand columns, and cells a spreadsheet would run as formulas. The work is counted (rows
and cells handed over, tags counted, parsers opened), not timed: timings are the
benchmark's."""

import csv
import datetime
import io
import tracemalloc
import zipfile
from types import SimpleNamespace

import pytest

from recommendations.imports import spreadsheets
from recommendations.imports.spreadsheets import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    ReviewDetails,
    read_rows,
    to_review_document,
)
from recommendations.models import ReviewImport
from recommendations.review_files.errors import ReviewFileInvalid
from recommendations.review_files.reading import MAX_DEPTH, parse_review_file

from .samples import VALID

DETAILS = ReviewDetails(
    organisation_slug="southampton",
    organisation_name="Southampton City Council",
    review_slug="plan",
    kind="internal-review",
    title="Plan",
    started_on=datetime.date(2019, 1, 1),
)


def problems(error: pytest.ExceptionInfo[ReviewFileInvalid]) -> list[tuple[int, str, str]]:
    return [(p.line, p.path, p.message) for p in error.value.problems]


@pytest.mark.parametrize(
    ("nesting", "line"),
    [("summary: " + "[" * 5000, 2), ("summary: " + "{a: " * 5000, 2), ("x:\n" + "- " * 5000, 3)],
    ids=["lists", "mappings", "block lists"],
)
def test_a_review_file_nested_thousands_deep_is_refused_at_its_line(nesting, line):
    content = ("format: review-tracker/1\n" + nesting).encode()

    with pytest.raises(ReviewFileInvalid) as refused:
        parse_review_file(content, file_name="deep.yaml")

    [(found_line, path, message)] = problems(refused)
    assert (found_line, path) == (line, "(file)")
    assert message == (
        f"this is not valid YAML: lists and mappings are nested more than {MAX_DEPTH} deep"
    )


def test_nesting_as_deep_as_the_format_goes_still_loads():
    parsed = parse_review_file(VALID.encode(), file_name="testshire.yaml")

    assert parsed.data["recommendations"][1]["parts"][0]["actions"][0]["ref"] == "2.1-a"


def workbook(rows, *, title: str = "Plan") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_declared_dimension(content: bytes, dimension: str) -> bytes:
    """The workbook, its first sheet claiming to span `dimension` (nothing else changed)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b"<dimension ref=")
                end = data.index(b"/>", start) + 2
                data = data[:start] + f'<dimension ref="{dimension}"/>'.encode() + data[end:]
            target.writestr(entry, data)
    return out.getvalue()


def test_a_workbook_declaring_the_largest_sheet_is_read_by_its_content_only(monkeypatch):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    content = with_declared_dimension(
        workbook([["Issue", "Action"], ["Digital", "Buy a CRM"]]), "A1:XFD1048576"
    )
    assert len(content) < 6000
    handed_over = []  # the width of each row openpyxl hands over
    rows_of = ReadOnlyWorksheet._cells_by_row

    def counted(self, *args, **kwargs):
        for row in rows_of(self, *args, **kwargs):
            handed_over.append(len(row))
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counted)

    tracemalloc.start()
    sheet, rows = read_rows("plan.xlsx", content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert (sheet, rows) == ("Plan", [["Issue", "Action"], ["Digital", "Buy a CRM"]])
    # The sheet's two rows, each to one column past the bound: not the 1,048,576 rows of
    # 16,384 columns it declares (before the bound: 30 s and 2.8 GB; now 1 MB).
    assert handed_over == [MAX_COLUMNS + 1] * 2
    assert peak < 50 * 1024 * 1024


def test_a_sheet_with_more_rows_than_an_action_plan_has_is_refused_naming_the_sheet():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(["Issue", "Action"])
    sheet.cell(row=1_048_576, column=2, value="far below")
    buffer = io.BytesIO()
    book.save(buffer)

    with pytest.raises(ReviewFileInvalid) as refused:
        read_rows("plan.xlsx", buffer.getvalue())

    assert problems(refused) == [(1001, "sheet 'Plan'", "has more than 1,000 rows")]


def test_a_sheet_with_more_columns_than_an_action_plan_has_is_refused_naming_the_row():
    gap = [None] * (MAX_COLUMNS - 2)
    content = workbook([["Issue", "Action"], ["Digital", "Buy a CRM", *gap, "far right"]])

    with pytest.raises(ReviewFileInvalid) as refused:
        read_rows("plan.xlsx", content)

    assert problems(refused) == [(2, "sheet 'Plan', row 2", "has more than 30 columns")]


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one part replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename != name:
                target.writestr(entry, source.read(entry.filename))
        target.writestr(name, data)
    return out.getvalue()


SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
    b'/spreadsheetml/2006/main"><sheetData><row r="1">%s</row></sheetData></worksheet>'
)


def test_a_row_of_more_cells_than_any_plan_is_refused_before_it_is_parsed(monkeypatch):
    # One row of 200,000 cells: openpyxl would parse all of them before handing the row
    # over; counted in the XML, a chunk at a time, it is refused before openpyxl opens it.
    cells = 200_000
    content = with_part(
        workbook([["Action"]]), "xl/worksheets/sheet1.xml", SHEET % (b"<c><v>1</v></c>" * cells)
    )
    opened, counted = [], []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *args, **kwargs: opened.append(args))
    count_tags = spreadsheets.count_tags

    def counting(*args, **kwargs):
        counted.append(count_tags(*args, **kwargs))
        return counted[-1]

    monkeypatch.setattr(spreadsheets, "count_tags", counting)

    with pytest.raises(ReviewFileInvalid) as refused:
        read_rows("plan.xlsx", content)

    assert problems(refused) == [
        (
            1,
            "(file)",
            "the workbook has more than 30,000 cells: an action plan has at most 1,000 rows "
            "of 30 columns",
        )
    ]
    assert opened == []
    # The count stopped past the bound, in the first chunk, not at the end of the row.
    [found] = counted
    assert MAX_CELLS < found <= spreadsheets.SCAN_CHUNK // len(b"<c><v>1</v></c>") + 1 < cells


def test_sheets_that_unpack_to_more_than_a_plan_could_hold_are_refused_unparsed():
    text = b"".join(b"<c t='inlineStr'><is><t>%06d words</t></is></c>" % n for n in range(200_000))
    content = with_part(workbook([["Action"]]), "xl/worksheets/sheet1.xml", SHEET % text)

    with pytest.raises(ReviewFileInvalid) as refused:
        read_rows("plan.xlsx", content)

    assert problems(refused) == [(1, "(file)", "the workbook's sheets unpack to more than 8 MB")]


def test_a_csv_file_of_millions_of_lines_is_refused_at_the_first_line_past_the_bound(
    monkeypatch,
):
    content = b"Issue,Action\n" + b"x,y\n" * 3_000_000
    lines_read = []

    def counted_reader(text):
        for row in csv.reader(text):
            lines_read.append(row)
            yield row

    monkeypatch.setattr(
        spreadsheets, "csv", SimpleNamespace(reader=counted_reader, Error=csv.Error)
    )

    with pytest.raises(ReviewFileInvalid) as refused:
        read_rows("plan.csv", content)

    assert problems(refused) == [(1001, "sheet 'CSV'", "has more than 1,000 rows")]
    assert len(lines_read) == MAX_ROWS + 1


def test_a_csv_field_longer_than_the_csv_reader_takes_is_a_problem_not_a_crash():
    content = b'Issue,Action\nDigital,"' + b"x" * 200_000 + b'"\n'

    with pytest.raises(ReviewFileInvalid) as refused:
        read_rows("plan.csv", content)

    [(line, path, message)] = problems(refused)
    assert (line, path) == (2, "(file)")
    assert message.startswith("this is not a readable CSV file: field larger than field limit")


CSV_FORMULAS = ["=SUM(A1:A3)", "@cmd", "+1+1", "-2+3", '-HYPERLINK("http://evil")', "-cmd|x!A0"]


@pytest.mark.parametrize("formula", CSV_FORMULAS)
def test_csv_text_a_spreadsheet_would_run_is_refused_at_its_cell(formula):
    rows = [["Issue", "Action", "Lead"], ["Digital", "Buy a CRM", formula]]
    content = "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode()

    with pytest.raises(ReviewFileInvalid) as refused:
        read_rows("plan.csv", content)

    assert problems(refused) == [
        (
            2,
            "sheet 'CSV', row 2, column 3",
            "a formula: type the value itself (formulas are never run)",
        )
    ]


def test_bullets_and_numbers_that_merely_start_with_a_sign_load_unchanged():
    content = (
        b"Issue,Action,Timescale\n"
        b"- Digital first,- Buy a CRM,-5\n"
        b",-Level 2 agreed by CMT,- 3 months\n"
    )

    result = to_review_document("plan.csv", content, DETAILS)

    [recommendation] = result.parsed.data["recommendations"]
    assert recommendation["title"] == "- Digital first"
    assert [(a["text"], a.get("timescale")) for a in recommendation["actions"]] == [
        ("- Buy a CRM", "-5"),
        ("-Level 2 agreed by CMT", "- 3 months"),
    ]


def test_workbook_text_that_starts_like_a_formula_is_text_and_loads_unchanged():
    # Typed into Excel as text (or with a leading apostrophe), it is a string cell: Excel
    # shows it and never runs it, so it is the plan's words.
    content = workbook([["Issue", "Action"], ["Digital", "- Buy a CRM"], ["", "=Agree the plan"]])
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    book.active["B3"].data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)

    _, rows = read_rows("plan.xlsx", buffer.getvalue())

    assert rows == [["Issue", "Action"], ["Digital", "- Buy a CRM"], ["", "=Agree the plan"]]


@pytest.mark.django_db
def test_a_formula_in_an_uploaded_csv_is_refused_on_the_page_and_nothing_is_kept(
    signed_in, admin_member
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in(admin_member).post(
        "/imports/new/",
        {
            "file": SimpleUploadedFile("plan.csv", b"Issue,Action\nDigital,=1+1\n"),
            "organisation_slug": "southampton",
            "organisation_name": "Southampton City Council",
            "review_slug": "plan",
            "kind": "internal-review",
            "title": "Plan",
            "started_on_0": "1",
            "started_on_1": "1",
            "started_on_2": "2019",
        },
    )

    assert [(p.path, p.message) for p in response.context["problems"]] == [
        (
            "sheet 'CSV', row 2, column 2",
            "a formula: type the value itself (formulas are never run)",
        )
    ]
    assert not ReviewImport.objects.filter(status="applied").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-01", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_review_dates_the_tracker_cannot_count_from_are_refused_at_their_line(day):
    # A review that ends in year 9999 has milestones in year 10000, past Python's calendar.
    from recommendations.review_files.loading import ReviewFile, load_review_files

    text = VALID.replace("ended_on: 2015-03-05", f"ended_on: {day}")

    with pytest.raises(ReviewFileInvalid) as refused:
        load_review_files([ReviewFile("testshire.yaml", text.encode())])

    assert problems(refused) == [(11, "review.ended_on", f"'{day}' must be between 1900 and 2999")]
