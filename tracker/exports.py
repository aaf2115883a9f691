"""Writing spreadsheets safely: a cell that starts like a formula is never run as one."""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

# Characters that make a spreadsheet treat a cell as a formula (or the start of one).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that could run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
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
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
