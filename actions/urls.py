from django.urls import path

import tracker.hostile  # noqa: F401  (registers the "label" converter)

from .views import dashboard, lists, progress, reports, search

app_name = "actions"

review = "organisations/<slug:organisation_slug>/reviews/<slug:review_slug>/"
action = f"{review}actions/<label:ref>/"

urlpatterns = [
    path("my-actions/", progress.my_actions, name="my-actions"),
    path("actions/", lists.action_list, name="action-list"),
    path("search/", search.search, name="search"),
    path(
        "actions/export.csv", lists.action_export, {"file_format": "csv"}, name="action-export-csv"
    ),
    path(
        "actions/export.xlsx",
        lists.action_export,
        {"file_format": "xlsx"},
        name="action-export-xlsx",
    ),
    path("dashboard/", dashboard.overview, name="dashboard"),
    path(f"{review}dashboard/", dashboard.review_dashboard, name="review-dashboard"),
    path(f"{review}report/", reports.scrutiny_report, name="scrutiny-report"),
    path(f"{review}report.pdf", reports.scrutiny_report_pdf, name="scrutiny-report-pdf"),
    path("organisations/<slug:organisation_slug>/gap/", reports.gap, name="gap"),
    path(
        "organisations/<slug:organisation_slug>/timeline/",
        reports.organisation_timeline,
        name="organisation-timeline",
    ),
    path(
        "public/<slug:organisation_slug>/<slug:review_slug>/",
        reports.public_action_plan,
        name="public-action-plan",
    ),
    path(action, progress.action_detail, name="action-detail"),
    path(
        f"{action}record-progress/", progress.action_record_progress, name="action-record-progress"
    ),
]
