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
from dataclasses import dataclass, field

from recommendations.review_files.errors import FileProblem, Path, ReviewFileInvalid
from recommendations.review_files.reading import ParsedFile

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


def read_rows(file_name: str, content: bytes) -> tuple[str, list[list[str]]]:
    """(sheet name, rows of text). Formulas are refused, never evaluated."""
    if file_name.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ReviewFileInvalid(
                [FileProblem(1, "(file)", "the CSV file is not UTF-8 text", file_name)]
            ) from None
        return "CSV", [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    from openpyxl import load_workbook  # parses safely: defusedxml is installed

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # any failure to open it means it is not a usable workbook
        raise ReviewFileInvalid(
            [FileProblem(1, "(file)", "the workbook could not be read", file_name)]
        ) from None
    sheet = workbook.worksheets[0]
    rows, problems = [], []
    for row_number, row in enumerate(sheet.iter_rows(), 1):
        values = []
        for column_number, cell in enumerate(row, 1):
            if cell.data_type == "f":
                problems.append(
                    FileProblem(
                        row_number,
                        f"sheet '{sheet.title}', row {row_number}, column {column_number}",
                        "a formula: type the value itself (formulas are never run)",
                        file_name,
                    )
                )
                values.append("")
            else:
                values.append(_cell_text(cell.value))
        rows.append(values)
    workbook.close()
    if problems:
        raise ReviewFileInvalid(problems)
    return sheet.title, rows


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
