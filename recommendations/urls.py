from django.urls import path

import tracker.hostile  # noqa: F401  (registers the "label" converter)

from . import views
from .imports import views as imports

app_name = "recommendations"

review = "organisations/<slug:organisation_slug>/reviews/<slug:review_slug>/"
recommendation = f"{review}recommendations/<label:number>/"

urlpatterns = [
    path("", views.home, name="home"),
    path(review, views.review_detail, name="review-detail"),
    path(f"{review}publish/", views.review_publish, name="review-publish"),
    path(f"{review}review-file.yaml", imports.review_file_download, name="review-file"),
    path("imports/", imports.import_list, name="import-list"),
    path("imports/new/", imports.import_new, name="import-new"),
    path("imports/example-action-plan.xlsx", imports.example_spreadsheet, name="import-example"),
    path("imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/file/", imports.import_file, name="import-file"),
    path(recommendation, views.recommendation_detail, name="recommendation-detail"),
    path(f"{recommendation}correct/", views.recommendation_correct, name="recommendation-correct"),
]
