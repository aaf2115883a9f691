"""Exports neutralise formulas without changing what a cell shows: the workbook holds every
text as a string cell (never with an apostrophe stored in it), and the CSV file prefixes an
apostrophe only to text a spreadsheet would run."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from tracker.exports import csv_lines, runs_as_formula, xlsx_bytes

HEADER = ["Ref", "Text", "Due", "Count"]
# (what the tracker holds, what the CSV file must hold)
CASES = [
    ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
    ("@SUM(1)", "'@SUM(1)"),
    ("+1+2", "'+1+2"),
    ("-1+2", "'-1+2"),
    ("-SUM(A1:A2)", "'-SUM(A1:A2)"),
    ("- HYPERLINK(1)", "'- HYPERLINK(1)"),
    ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("- Write the strategy", "- Write the strategy"),
    ("-Level 2 agreed by CMT", "-Level 2 agreed by CMT"),
    ("- 3 months", "- 3 months"),
    ("-5", "-5"),
    ("+3.25", "+3.25"),
    ("Plain words = fine", "Plain words = fine"),
    ("", ""),
]


def read_csv(rows) -> list[list[str]]:
    text = "".join(csv_lines(HEADER, rows))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize(("held", "written"), CASES, ids=[held for held, _ in CASES])
def test_csv_prefixes_only_text_a_spreadsheet_would_run(held, written):
    rows = read_csv([["1-a", held, datetime.date(2019, 3, 31), 3]])

    assert rows == [HEADER, ["1-a", written, "2019-03-31", "3"]]
    assert runs_as_formula(held) == (written != held)


@pytest.mark.parametrize(("held", "written"), CASES, ids=[held for held, _ in CASES])
def test_xlsx_holds_every_text_as_a_string_cell_exactly_as_held(held, written):
    content = xlsx_bytes("Actions", HEADER, [["1-a", held, datetime.date(2019, 3, 31), 3]])

    sheet = load_workbook(io.BytesIO(content)).active
    header, row = list(sheet.iter_rows())

    assert [(cell.value, cell.data_type) for cell in header] == [(h, "s") for h in HEADER]
    # A string cell whose value is the text itself: no apostrophe, no formula, no quote prefix.
    if held:
        assert (row[1].value, row[1].data_type) == (held, "s")
        assert row[1]._style.quotePrefix == 0
    else:
        assert row[1].value is None
    assert (row[0].value, row[0].data_type) == ("1-a", "s")
    assert row[2].value == datetime.datetime(2019, 3, 31)
    assert (row[3].value, row[3].data_type) == (3, "n")


def test_xlsx_leaves_out_control_characters_xml_cannot_hold_rather_than_failing():
    content = xlsx_bytes("Actions", HEADER, [["1-a", "Done\x0b\x01 today", None, None]])

    row = list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True))

    assert row == [("1-a", "Done today", None, None)]


def test_a_long_title_is_cut_to_the_31_characters_a_sheet_name_may_have():
    content = xlsx_bytes("A" * 40, HEADER, [])

    assert load_workbook(io.BytesIO(content)).active.title == "A" * 31
