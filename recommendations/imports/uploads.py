"""Uploaded files: what they really are, and refusing the hostile ones before anything reads
them properly."""

import io
import zipfile

from django.conf import settings

from recommendations.review_files.errors import FileProblem, ReviewFileInvalid

REVIEW_FILE, SPREADSHEET = "review-file", "spreadsheet"
KINDS = {".yaml": REVIEW_FILE, ".yml": REVIEW_FILE, ".xlsx": SPREADSHEET, ".csv": SPREADSHEET}
ZIP_MAGIC = b"PK\x03\x04"
# A spreadsheet of this service's size unpacks to a few megabytes; far more is a zip bomb.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_UNPACK_RATIO = 100
# A DOCTYPE can only come before the root element, so the start of each part is enough.
PROLOG_BYTES = 4096


def refuse(file_name: str, message: str) -> ReviewFileInvalid:
    return ReviewFileInvalid([FileProblem(1, "(file)", message, file_name)])


def kind_of(file_name: str, content: bytes) -> str:
    """What the upload is, judged by its content as well as its name."""
    limit = settings.REVIEW_FILE_MAX_BYTES
    if len(content) > limit:
        raise refuse(file_name, f"the file is larger than {limit // (1024 * 1024)} MB")
    extension = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    kind = KINDS.get(extension)
    if kind is None:
        raise refuse(file_name, "upload a review file (.yaml) or a spreadsheet (.xlsx or .csv)")
    if extension == ".xlsx":
        if not content.startswith(ZIP_MAGIC):
            raise refuse(file_name, "the file is called .xlsx but is not an Excel workbook")
        check_workbook_archive(file_name, content)
    elif content.startswith(ZIP_MAGIC) or b"\x00" in content[:4096]:
        raise refuse(file_name, f"the file is called {extension} but is not a text file")
    return kind


def check_workbook_archive(file_name: str, content: bytes) -> None:
    """Refuse a workbook that is not one, or whose contents unpack out of proportion."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except zipfile.BadZipFile:
        raise refuse(file_name, "the file is called .xlsx but is not an Excel workbook") from None
    if "xl/workbook.xml" not in names:
        raise refuse(file_name, "the file is called .xlsx but is not an Excel workbook")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_UNPACK_RATIO * max(len(content), 1):
        raise refuse(file_name, "the workbook unpacks to far more than its size: it was refused")
    check_no_doctype(file_name, content)


def check_no_doctype(file_name: str, content: bytes) -> None:
    """Excel never writes a DOCTYPE; one in a workbook's XML is there to declare entities
    (an expansion bomb, or an external entity reading the server's files). Refused before
    the parser sees it; openpyxl parses through defusedxml as a second line of defence."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for entry in archive.infolist():
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(entry) as member:
                prolog = member.read(PROLOG_BYTES)
            if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
                raise refuse(
                    file_name,
                    "the workbook contains XML entity declarations, which Excel never writes: "
                    "it was refused",
                )
