"""Writing spreadsheets safely: a cell that starts like a formula is never run as one, and
a cell shows exactly the text the tracker holds.

A workbook says what each cell is, so every text is written as a string cell: Excel shows it
and never runs it, with no apostrophe to change what it shows. A CSV file says nothing, so a
spreadsheet guesses from the first character; only text it would run gets the usual
neutralising apostrophe, and a bullet ("- Write the strategy") stays as it was written."""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A spreadsheet runs text that starts with these as a formula (or the start of one). Tab and
# carriage return are included because some spreadsheets drop them and read on.
ALWAYS_FORMULA = ("=", "@")
SIGNS = ("+", "-")
SKIPPED = ("\t", "\r")
# After a sign, words are text ("-Level 2 agreed") unless they call a function
# ("-SUM(A1)", "+HYPERLINK(...)") or another program (DDE: "-cmd|' /C calc'!A0").
FUNCTION_CALL = re.compile(r"[A-Za-z_][\w.]*\s*\(")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet that reads `text` from a CSV file would run it as a formula."""
    stripped = text.lstrip("".join(SKIPPED))
    if not stripped:
        return False
    if stripped.startswith(ALWAYS_FORMULA):
        return True
    if not stripped.startswith(SIGNS):
        return False
    rest = stripped[1:].lstrip(" ")
    if not rest:
        return False
    if FUNCTION_CALL.match(rest) or "|" in rest or rest.startswith((*ALWAYS_FORMULA, *SIGNS)):
        return True
    # A bullet ("- 3 months", "- Write the strategy") or a word ("-Level 2 agreed") is text.
    if stripped[1] == " " or rest[0].isalpha():
        return False
    # "-5" and "+3.2" are numbers, shown as written; "-1+2" or "+(A1)" would be calculated.
    return not NUMBER.fullmatch(stripped)


def neutralise(value: object) -> object:
    """For CSV: text a spreadsheet would run gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and runs_as_formula(value):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[object]]) -> Iterator[str]:
    """CSV text, one line at a time, for a StreamingHttpResponse (memory stays flat)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that Excel reads the file as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(
            [neutralise(v.isoformat() if isinstance(v, datetime.date) else v) for v in row]
        )


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([text_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append(
            [text_cell(sheet, value) if isinstance(value, str) else value for value in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_cell(sheet, value: str) -> "WriteOnlyCell | None":
    """A cell that holds `value` as text, whatever it starts with: openpyxl would otherwise
    store text that starts with "=" as a formula. Control characters that XML cannot hold
    (and no spreadsheet shows) are left out rather than failing the whole export."""
    if not value:
        return None  # an empty cell, as the tracker's empty text
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell
