"""The action list: filters, sorting, pagination, and CSV/XLSX export of exactly the
filtered set."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from tracker.exports import csv_lines, xlsx_bytes
from tracker.pagination import paginate

from .. import selectors
from ..models import rag_label, status_label

EXPORT_HEADER = [
    "Organisation",
    "Review",
    "Recommendation",
    "Action ref",
    "Action",
    "Leads",
    "Owner",
    "Timescale",
    "Due",
    "Status",
    "RAG",
    "Last update",
    "Support offered",
]


def action_list(request: HttpRequest) -> HttpResponse:
    filtered, day, problem, sort = selectors.filtered_actions(request)
    page = paginate(request, filtered.qs, per_page=50)
    query = request.GET.copy()
    query.pop("page", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    return render(
        request,
        "actions/action_list.html",
        {
            "filter": filtered,
            "page": page,
            "day": day,
            "is_today": day == timezone.localdate(),
            "as_at_problem": problem,
            "sort": sort,
            "query": query.urlencode(),
            "query_without_sort": without_sort.urlencode(),
        },
    )


def action_export(request: HttpRequest, file_format: str) -> HttpResponse:
    filtered, day, _, _ = selectors.filtered_actions(request)
    rows = (_row(action) for action in selectors.for_export(filtered.qs))
    name = f"actions-as-at-{day:%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            csv_lines(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            xlsx_bytes("Actions", EXPORT_HEADER, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def _row(row: dict) -> list[object]:
    return [
        row["review__organisation__name"],
        row["review__title"] or row["review__slug"],
        row["recommendation__number"],
        row["ref"],
        row["text"],
        row["leads"],
        row["owner__name"] or "",
        row["timescale"],
        row["due_at"],
        status_label(row["status_at"]),
        rag_label(row["rag_at"]),
        row["last_update_at"],
        row["support"],
    ]
