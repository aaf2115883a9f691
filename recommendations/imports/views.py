from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from recommendations import selectors
from recommendations.models import ReviewImport
from recommendations.review_files.errors import ReviewFileInvalid
from recommendations.review_files.exporting import export_review
from tracker.access import Verb, can_at_all
from tracker.exports import xlsx_bytes
from tracker.pagination import paginate

from . import services
from .forms import UploadForm

UPLOAD_LIMIT = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_loader(request: HttpRequest) -> None:
    if not can_at_all(request.user, Verb.LOAD_REVIEWS):
        raise PermissionDenied


def _upload_for(request: HttpRequest, pk: int) -> ReviewImport:
    """One upload the user may see: their council's (every council's for LGA-wide admins)."""
    _require_loader(request)
    return get_object_or_404(
        ReviewImport.objects.visible_to(request.user).select_related("uploaded_by"), pk=pk
    )


def import_list(request: HttpRequest) -> HttpResponse:
    _require_loader(request)
    imports = (
        ReviewImport.objects.visible_to(request.user)
        .select_related("uploaded_by", "review__organisation")
        .defer("content")
    )
    page = paginate(request, imports, per_page=25)
    return render(request, "recommendations/import_list.html", {"page": page})


def import_new(request: HttpRequest) -> HttpResponse:
    _require_loader(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Read one byte past the limit: enough to refuse a large file without reading it all.
        content = upload.read(UPLOAD_LIMIT + 1)
        try:
            review_import = services.preview_upload(
                by=request.user,
                file_name=upload.name,
                content=content,
                details=form.review_details(),
                use_suggested_dates=form.cleaned_data["use_suggested_dates"],
            )
        except ReviewFileInvalid as invalid:
            problems = invalid.problems
        else:
            return redirect("recommendations:import-detail", pk=review_import.pk)
    return render(request, "recommendations/import_new.html", {"form": form, "problems": problems})


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review_import = _upload_for(request, pk)
    return render(request, "recommendations/import_detail.html", {"import": review_import})


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    review_import = _upload_for(request, pk)
    try:
        services.confirm_import(
            review_import=review_import,
            by=request.user,
            content_hash=request.POST.get("content_hash", ""),
        )
    except services.ImportRefused as refused:
        return render(
            request,
            "recommendations/import_detail.html",
            {"import": review_import, "refused": str(refused)},
            status=409,
        )
    review_import.refresh_from_db()
    messages.success(request, f"{review_import.file_name} has been loaded")
    return redirect(review_import.review)


def import_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The original upload, byte for byte."""
    review_import = _upload_for(request, pk)
    response = HttpResponse(bytes(review_import.content), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=review_import.file_name
    )
    return response


def example_spreadsheet(request: HttpRequest) -> HttpResponse:
    header = ["Issue", "Action", "Lead", "Timescale", "LGA input", "Status", "Due", "Owner"]
    rows = [
        [
            "Responding to the Peer Review recommendations",
            "Consider setting up of External Sounding Board",
            "Cllr Letts and Dawn Baxendale",
            "Decision by October 2013",
            "",
            "",
            "",
            "",
        ],
        [
            "",
            "Visibility: regular programme of visits to staff teams",
            "Cabinet and CMT",
            "Has started",
            "",
            "In progress",
            "",
            "",
        ],
        [
            "Intelligence and performance management",
            "Establish a council-wide performance management approach",
            "Suki Sitaram",
            "By April 2014",
            "LGA to provide support for the training",
            "",
            "2014-04-30",
            "Suki Sitaram",
        ],
    ]
    response = HttpResponse(xlsx_bytes("Action plan", header, rows), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="example-action-plan.xlsx"
    )
    return response


def review_file_download(
    request: HttpRequest, organisation_slug: str, review_slug: str
) -> HttpResponse:
    """The review in the review file format: what export_review writes."""
    review = selectors.review_for(request.user, organisation_slug, review_slug)
    response = HttpResponse(export_review(review), content_type="application/yaml; charset=utf-8")
    name = f"{review.organisation.slug}-{review.slug}.yaml"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
