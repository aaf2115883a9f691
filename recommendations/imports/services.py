"""Upload, preview, confirm: the only way a file from the browser reaches the database."""

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from recommendations.models import ImportStatus, Organisation, Review, ReviewImport
from recommendations.review_files.changes import ChangeLog
from recommendations.review_files.errors import FileProblem, ReviewFileInvalid
from recommendations.review_files.loading import load_documents
from recommendations.review_files.reading import ParsedFile, parse_review_file
from tracker.access import Verb, can, can_at_all
from tracker.audit import acting_as

from .spreadsheets import ReviewDetails, to_review_document
from .uploads import SPREADSHEET, kind_of
from .warnings import warnings_for


class ImportRefused(Exception):
    """A confirm that cannot be applied; nothing was written."""


def _read(
    file_name: str, content: bytes, details: dict | None, use_suggested_dates: bool
) -> tuple[str, ParsedFile, list[str]]:
    kind = kind_of(file_name, content)
    if kind != SPREADSHEET:
        return kind, parse_review_file(content, file_name=file_name), []
    if not details:
        raise ReviewFileInvalid(
            [FileProblem(1, "(file)", "a spreadsheet needs the review's details", file_name)]
        )
    result = to_review_document(
        file_name, content, ReviewDetails(**details), use_suggested_dates=use_suggested_dates
    )
    return kind, result.parsed, result.suggestions


def _organisation_of(parsed: ParsedFile) -> Organisation | None:
    """The council the file names, if it is in the tracker."""
    data = parsed.data if isinstance(parsed.data, dict) else {}
    organisation = data.get("organisation")
    slug = organisation.get("slug") if isinstance(organisation, dict) else None
    if not isinstance(slug, str):
        return None
    return Organisation.objects.filter(slug=slug).first()


def _check_scope(user, parsed: ParsedFile) -> Organisation | None:
    """A council's admin loads that council's reviews; an LGA-wide admin any council's,
    including the first review of a council new to the tracker. Returns the council, if it
    is in the tracker already."""
    organisation = _organisation_of(parsed)
    if not can(user, Verb.LOAD_REVIEWS, organisation):
        raise ReviewFileInvalid(
            [
                parsed.problem(
                    ("organisation", "slug"), "you can only load reviews of your own organisation"
                )
            ]
        )
    return organisation


def preview_upload(
    *,
    by,
    file_name: str,
    content: bytes,
    details: dict | None = None,
    use_suggested_dates: bool = False,
) -> ReviewImport:
    """Check an upload and record what loading it would change, writing nothing else.

    Raises ReviewFileInvalid listing every problem (nothing is written), or PermissionDenied.
    """
    if not can_at_all(by, Verb.LOAD_REVIEWS):
        raise PermissionDenied
    kind, parsed, suggestions = _read(file_name, content, details, use_suggested_dates)
    # The council first: checking the file reads the named council's reviews, and what it
    # finds there must never reach another council's admin in a message.
    organisation = _check_scope(by, parsed)
    changes = load_documents([parsed], dry_run=True)
    with acting_as(by):
        return ReviewImport.objects.create(
            uploaded_by=by,
            organisation=organisation,
            file_name=file_name,
            file_kind=kind,
            content=content,
            content_hash=hashlib.sha256(content).hexdigest(),
            details=_serialisable(details),
            use_suggested_dates=use_suggested_dates,
            preview=[str(change) for change in changes.items],
            warnings=warnings_for(parsed.data),
            suggestions=suggestions,
        )


def confirm_import(*, review_import: ReviewImport, by, content_hash: str) -> ChangeLog:
    """Apply a previewed upload, all or nothing, exactly as previewed.

    Side effects, in one transaction: locks the import; loads the file; marks the import
    applied with its review. Refused (nothing written) when the import was already applied,
    when `content_hash` is not the previewed file's, or when the data changed since the
    preview so that loading would now do something else.
    """
    if not can(by, Verb.LOAD_REVIEWS, review_import.organisation):
        raise PermissionDenied
    with transaction.atomic(), acting_as(by):
        locked = ReviewImport.objects.select_for_update().get(pk=review_import.pk)
        if locked.status == ImportStatus.APPLIED:
            raise ImportRefused("This file has already been loaded.")
        if content_hash != locked.content_hash:
            raise ImportRefused("This is not the file that was previewed. Upload it again.")
        details = {**locked.details}
        for key in ("started_on", "ended_on"):
            if details.get(key):
                details[key] = timezone.datetime.fromisoformat(details[key]).date()
        _, parsed, _ = _read(
            locked.file_name, bytes(locked.content), details or None, locked.use_suggested_dates
        )
        _check_scope(by, parsed)  # before the load reads the council's reviews
        changes = load_documents([parsed])
        if [str(change) for change in changes.items] != locked.preview:
            raise ImportRefused(
                "The data has changed since the preview, so loading would now do something "
                "else. Nothing was loaded: upload the file again to see a new preview."
            )
        document = parsed.data
        locked.status = ImportStatus.APPLIED
        locked.applied_at = timezone.now()
        locked.review = Review.objects.select_related("organisation").get(
            organisation__slug=document["organisation"]["slug"], slug=document["review"]["slug"]
        )
        locked.organisation = locked.review.organisation
        locked.save(update_fields=["status", "applied_at", "review", "organisation"])
    return changes


def _serialisable(details: dict | None) -> dict:
    if not details:
        return {}
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in details.items()
    }
