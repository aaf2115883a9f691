"""Action plans as spreadsheets (XLSX or CSV, a header row then one action a row), turned
into the review file format so they go through exactly the same checks and loader.

Columns, in any order, matched by their heading: Issue or Recommendation, Action, Lead,
Timescale, LGA input or Support, and optionally Status, Due and Owner. A new recommendation
starts on each row whose Issue cell is filled; the rows below it belong to it, as in the
Word tables councils publish.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from recommendations.review_files.errors import FileProblem, Path, ReviewFileInvalid
from recommendations.review_files.reading import ParsedFile
from tracker.exports import runs_as_formula

from .timescales import suggest_due

COLUMNS = {
    "recommendation": ("issue", "recommendation"),
    "action": ("action", "actions"),
    "leads": ("lead", "leads"),
    "timescale": ("timescale",),
    "support": ("lga input", "support", "support offered"),
    "status": ("status",),
    "due": ("due", "due date"),
    "owner": ("owner",),
}
REQUIRED = ("action",)
# "Cllr Letts and Dawn Baxendale", "Cabinet and CMT - led by Cllr Barnes-Andrews": people
# and bodies joined by these are separate leads.
LEAD_SEPARATORS = re.compile(r"\s+and\s+|\s*[,;&]\s*|\s+-\s+|\(?\s*led by\s+|[()]", re.IGNORECASE)
STATUS_WORDS = {
    "not started": "not-started",
    "in progress": "in-progress",
    "complete": "complete",
    "completed": "complete",
    "ongoing": "ongoing",
    "deferred": "deferred",
    "dropped": "dropped",
}


@dataclass
class ReviewDetails:
    """What the upload form says about the review a spreadsheet belongs to."""

    organisation_slug: str
    organisation_name: str
    review_slug: str
    kind: str
    title: str
    started_on: datetime.date
    ended_on: datetime.date | None = None
    conducted_by: str = ""


@dataclass
class SpreadsheetResult:
    parsed: ParsedFile
    suggestions: list[str] = field(default_factory=list)


def split_leads(text: str) -> list[str]:
    names = [name.strip(" .") for name in LEAD_SEPARATORS.split(text or "")]
    unique: list[str] = []
    for name in names:
        if name and name.lower() not in {"led by", "and"} and name not in unique:
            unique.append(name)
    return unique


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# An action plan is a few hundred rows of a dozen columns. A workbook can declare any size
# (`<dimension ref="A1:XFD1048576"/>` in 1.7 KB) and a CSV file can be millions of empty
# lines, so neither the declaration nor the file decides how much is read: these do.
MAX_ROWS = 1_000
MAX_COLUMNS = 30
# openpyxl parses every cell of a row before it hands the row over, and every shared
# string when it opens the workbook (about 25 and 15 microseconds each), so cells and
# strings are counted in the XML first, and the XML's size is bounded: a 5 MB upload can
# unpack to 50 MB, millions of either.
MAX_CELLS = MAX_ROWS * MAX_COLUMNS
MAX_SHEET_XML_BYTES = 8 * 1024 * 1024
COUNTED = {
    "xl/worksheets/": re.compile(rb"<(?:\w+:)?c[\s/>]"),
    "xl/sharedStrings.xml": re.compile(rb"<(?:\w+:)?si[\s/>]"),
}
SCAN_CHUNK = 1024 * 1024
FORMULA_MESSAGE = "a formula: type the value itself (formulas are never run)"


class _Rows:
    """Rows of text collected within the bounds, and the problems met on the way."""

    def __init__(self, file_name: str, sheet: str):
        self.file_name, self.sheet = file_name, sheet
        self.rows: list[list[str]] = []
        self.problems: list[FileProblem] = []

    def too_large(self, row_number: int, *, beyond_columns: bool) -> bool:
        """Whether this row breaks the bounds (then it is the last one read)."""
        if row_number > MAX_ROWS:
            self.refuse(row_number, f"sheet '{self.sheet}'", f"has more than {MAX_ROWS:,} rows")
            return True
        if beyond_columns:
            self.refuse(
                row_number,
                f"sheet '{self.sheet}', row {row_number}",
                f"has more than {MAX_COLUMNS} columns",
            )
            return True
        return False

    def refuse(self, row_number: int, place: str, message: str) -> None:
        self.problems.append(FileProblem(row_number, place, message, self.file_name))

    def cell_place(self, row_number: int, column_number: int) -> str:
        return f"sheet '{self.sheet}', row {row_number}, column {column_number}"

    def result(self) -> tuple[str, list[list[str]]]:
        if self.problems:
            raise ReviewFileInvalid(self.problems)
        return self.sheet, self.rows


def has_content(cells) -> bool:
    return any(cell.value not in (None, "") for cell in cells)


def trimmed(values: list[str]) -> list[str]:
    """The row without its empty cells at the end (a sheet's width is not its content)."""
    end = len(values)
    while end and not values[end - 1]:
        end -= 1
    return values[:end]


def read_rows(file_name: str, content: bytes) -> tuple[str, list[list[str]]]:
    """(sheet name, rows of text). Formulas are refused, never evaluated."""
    if file_name.lower().endswith(".csv"):
        return read_csv_rows(file_name, content)
    return read_workbook_rows(file_name, content)


def read_csv_rows(file_name: str, content: bytes) -> tuple[str, list[list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReviewFileInvalid(
            [FileProblem(1, "(file)", "the CSV file is not UTF-8 text", file_name)]
        ) from None
    found = _Rows(file_name, "CSV")
    reader = csv.reader(io.StringIO(text))
    try:
        for row_number, row in enumerate(reader, 1):
            values = trimmed([cell.strip() for cell in row])
            if found.too_large(row_number, beyond_columns=len(values) > MAX_COLUMNS):
                break
            for column_number, value in enumerate(values, 1):
                # A CSV cell has no type: text that a spreadsheet would run is refused
                # here as a workbook's formula is, so the file means the same wherever
                # it is opened. "- Write the strategy" is text and loads as written.
                if runs_as_formula(value):
                    found.refuse(
                        row_number, found.cell_place(row_number, column_number), FORMULA_MESSAGE
                    )
            found.rows.append(values)
    except csv.Error as error:
        found.refuse(reader.line_num, "(file)", f"this is not a readable CSV file: {error}")
    return found.result()


def workbook_too_large(content: bytes) -> str:
    """Why the workbook is too large to read, or "". Judged from the XML as it unpacks (no
    parser), never reading more than the entries declare, as zipfile enforces."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        entries = [
            (entry, tag)
            for entry in archive.infolist()
            for prefix, tag in COUNTED.items()
            if entry.filename.startswith(prefix)
        ]
        if sum(entry.file_size for entry, _ in entries) > MAX_SHEET_XML_BYTES:
            return f"the workbook's sheets unpack to more than {MAX_SHEET_XML_BYTES // 2**20} MB"
        for entry, tag in entries:
            if count_tags(archive, entry, tag, stop_after=MAX_CELLS) > MAX_CELLS:
                return (
                    f"the workbook has more than {MAX_CELLS:,} cells: an action plan has "
                    f"at most {MAX_ROWS:,} rows of {MAX_COLUMNS} columns"
                )
    return ""


def count_tags(archive: zipfile.ZipFile, entry, tag: re.Pattern, *, stop_after: int) -> int:
    count, tail = 0, b""
    with archive.open(entry) as member:
        while chunk := member.read(SCAN_CHUNK):
            # A tag cut between two chunks is found whole in the joined text.
            text = tail + chunk
            count += len(tag.findall(text)) - len(tag.findall(tail))
            tail = text[-16:]
            if count > stop_after:
                break
    return count


def read_workbook_rows(file_name: str, content: bytes) -> tuple[str, list[list[str]]]:
    from openpyxl import load_workbook  # parses safely: defusedxml is installed

    try:
        too_large = workbook_too_large(content)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ReviewFileInvalid(
            [FileProblem(1, "(file)", "the workbook could not be read", file_name)]
        ) from None
    if too_large:
        raise ReviewFileInvalid([FileProblem(1, "(file)", too_large, file_name)])
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
    except Exception:  # any failure to open it means it is not a usable workbook
        raise ReviewFileInvalid(
            [FileProblem(1, "(file)", "the workbook could not be read", file_name)]
        ) from None
    found = _Rows(file_name, sheet.title)
    # The declared dimension is the file's claim, not its content: forget it, so that the
    # rows stop where the sheet's rows stop, and read one row and one column past the
    # bounds, enough to know the sheet is too large. (Padding each row to its own last
    # cell instead costs 16,384 cells a row for one cell in column XFD.)
    sheet.reset_dimensions()
    try:
        rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1)
        for row_number, row in enumerate(rows, 1):
            if found.too_large(row_number, beyond_columns=has_content(row[MAX_COLUMNS:])):
                break
            values = []
            for column_number, cell in enumerate(row, 1):
                if cell.data_type == "f":
                    found.refuse(
                        row_number, found.cell_place(row_number, column_number), FORMULA_MESSAGE
                    )
                values.append("" if cell.data_type == "f" else _cell_text(cell.value))
            found.rows.append(trimmed(values))
    except Exception:  # a part of the workbook that does not parse: the same as unreadable
        raise ReviewFileInvalid(
            [FileProblem(1, "(file)", "the workbook could not be read", file_name)]
        ) from None
    finally:
        workbook.close()
    return found.result()


def to_review_document(
    file_name: str, content: bytes, details: ReviewDetails, *, use_suggested_dates: bool = False
) -> SpreadsheetResult:
    """The spreadsheet as a review document, each key remembering its cell."""
    sheet, rows = read_rows(file_name, content)
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise ReviewFileInvalid([FileProblem(1, "(file)", "the spreadsheet is empty", file_name)])
    header = [cell.strip().lower() for cell in rows[0]]
    columns = {}
    for key, names in COLUMNS.items():
        for index, heading in enumerate(header):
            if heading in names:
                columns[key] = index
                break
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise ReviewFileInvalid(
            [
                FileProblem(
                    1,
                    f"sheet '{sheet}', row 1",
                    "the header row needs an 'Action' column (and usually Issue, Lead, "
                    "Timescale and LGA input)",
                    file_name,
                )
            ]
        )
    headings = {key: rows[0][index] for key, index in columns.items()}

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    def place(row_number: int, key: str) -> str:
        return f"sheet '{sheet}', row {row_number}, column '{headings.get(key, key)}'"

    recommendations: list[dict] = []
    places: dict[Path, str] = {}
    lines: dict[Path, int] = {}
    problems: list[FileProblem] = []
    suggestions: list[str] = []
    for row_number, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        title = cell(row, "recommendation")
        if title or not recommendations:
            recommendations.append(
                {"number": str(len(recommendations) + 1), "title": title, "actions": []}
            )
            r_path = ("recommendations", len(recommendations) - 1)
            places[r_path] = place(row_number, "recommendation")
            lines[r_path] = row_number
        recommendation = recommendations[-1]
        text = cell(row, "action")
        if not text:
            if any(
                cell(row, key)
                for key in ("leads", "timescale", "support", "status", "due", "owner")
            ):
                problems.append(
                    FileProblem(
                        row_number, place(row_number, "action"), "the action is empty", file_name
                    )
                )
            continue
        position = len(recommendation["actions"])
        path: Path = ("recommendations", len(recommendations) - 1, "actions", position)
        letter = chr(ord("a") + position) if position < 26 else str(position + 1)
        action: dict = {"ref": f"{recommendation['number']}-{letter}", "text": text}
        for key in ("timescale", "support"):
            if value := cell(row, key):
                action[key] = value
        if leads := split_leads(cell(row, "leads")):
            action["leads"] = leads
        if owner := cell(row, "owner"):
            action["owner"] = owner
        if status := cell(row, "status"):
            action["status"] = STATUS_WORDS.get(status.lower(), status)
        due_text = cell(row, "due")
        if due_text:
            try:
                action["due"] = datetime.date.fromisoformat(due_text[:10]).isoformat()
            except ValueError:
                problems.append(
                    FileProblem(
                        row_number,
                        place(row_number, "due"),
                        f"'{due_text}' is not a date: write it as YYYY-MM-DD",
                        file_name,
                    )
                )
        elif action.get("timescale"):
            suggestion = suggest_due(action["timescale"], review_year=details.started_on.year)
            if suggestion.due:
                suggestions.append(
                    f"Action {action['ref']}: '{action['timescale']}' suggests a due date of "
                    f"{suggestion.due:%-d %B %Y}"
                )
                if use_suggested_dates:
                    action["due"] = suggestion.due.isoformat()
        recommendation["actions"].append(action)
        lines[path] = row_number
        places[path] = f"sheet '{sheet}', row {row_number}"
        for key in ("text", "leads", "owner", "timescale", "support", "status", "due"):
            column = "action" if key == "text" else key
            places[(*path, key)] = place(row_number, column)
            lines[(*path, key)] = row_number
    if problems:
        raise ReviewFileInvalid(problems)
    for recommendation in recommendations:
        if not recommendation["title"]:
            del recommendation["title"]
    review = {
        "slug": details.review_slug,
        "kind": details.kind,
        "title": details.title,
        "started_on": details.started_on.isoformat(),
        "source": file_name,
    }
    if details.ended_on:
        review["ended_on"] = details.ended_on.isoformat()
    if details.conducted_by:
        review["conducted_by"] = details.conducted_by
    document = {
        "format": "review-tracker/1",
        "organisation": {"slug": details.organisation_slug, "name": details.organisation_name},
        "review": review,
        "recommendations": recommendations,
    }
    return SpreadsheetResult(ParsedFile(document, lines, file_name, places), suggestions)
