from django.contrib import admin
from django.db.models import F

from tracker.admin import ReadOnlyAdmin

from .models import (
    Membership,
    Milestone,
    Organisation,
    PeerTeamMember,
    Recommendation,
    RecommendationLink,
    Response,
    Review,
    ReviewImport,
    Risk,
    Theme,
    TranscriptionCorrection,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "started_on", "ended_on"]
    list_filter = ["kind"]
    list_select_related = ["organisation"]
    search_fields = ["title", "slug", "organisation__name", "summary"]
    raw_id_fields = ["previous"]


class ReviewPartAdmin(admin.ModelAdmin):
    list_select_related = ["review__organisation"]
    raw_id_fields = ["review"]


@admin.register(PeerTeamMember)
class PeerTeamMemberAdmin(ReviewPartAdmin):
    list_display = ["name", "role", "review"]
    search_fields = ["name", "role", "review__title"]


@admin.register(Theme)
class ThemeAdmin(ReviewPartAdmin):
    list_display = ["title", "key", "review"]
    search_fields = ["title", "key", "question", "review__title"]


@admin.register(Milestone)
class MilestoneAdmin(ReviewPartAdmin):
    list_display = ["title", "due", "done_on", "review"]
    # Each review's in date order, undated last, as the pages list them.
    ordering = ["review", F("due").asc(nulls_last=True), "position"]
    search_fields = ["title", "review__title"]


@admin.register(Risk)
class RiskAdmin(ReviewPartAdmin):
    list_display = ["title", "likelihood", "impact", "review"]
    search_fields = ["title", "description", "mitigation", "review__title"]


@admin.register(Recommendation)
class RecommendationAdmin(ReviewPartAdmin):
    list_display = ["number", "title", "review"]
    search_fields = ["number", "title", "text", "review__title"]
    raw_id_fields = ["review", "parent"]
    filter_horizontal = ["themes"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["recommendation", "stance", "responded_on"]
    list_select_related = ["recommendation__review__organisation"]
    search_fields = ["text", "incorporated", "recommendation__text"]
    raw_id_fields = ["recommendation"]


@admin.register(RecommendationLink)
class RecommendationLinkAdmin(admin.ModelAdmin):
    list_display = ["later", "relation", "earlier"]
    list_select_related = ["later__review", "earlier__review"]
    search_fields = ["assessment", "quote", "later__text", "earlier__text"]
    raw_id_fields = ["later", "earlier"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    raw_id_fields = ["user"]


@admin.register(TranscriptionCorrection)
class TranscriptionCorrectionAdmin(ReadOnlyAdmin):
    """Corrections are made on the recommendation's page, which keeps the history."""

    list_display = ["recommendation", "field", "corrected_by", "corrected_at"]
    list_select_related = ["recommendation__review", "corrected_by"]
    search_fields = ["before", "after", "reason", "recommendation__number"]


@admin.register(ReviewImport)
class ReviewImportAdmin(ReadOnlyAdmin):
    """Uploads are made and confirmed on the tracker's own pages; here they can be read."""

    list_display = ["file_name", "uploaded_by", "uploaded_at", "status", "review"]
    list_filter = ["status", "file_kind"]
    list_select_related = ["uploaded_by", "review__organisation"]
    search_fields = ["file_name", "content_hash", "uploaded_by__username"]
    exclude = ["content"]
