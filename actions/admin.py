from django.contrib import admin

from tracker.admin import ReadOnlyAdmin

from .models import Action, ActionLead, EvidenceLink, Lead, ProgressUpdate, ReminderSent


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "role", "organisation"]
    list_filter = ["kind"]
    list_select_related = ["organisation", "user"]
    search_fields = ["name", "role", "organisation__name", "user__username"]
    raw_id_fields = ["user"]


class ActionLeadInline(admin.TabularInline):
    model = ActionLead
    extra = 0
    raw_id_fields = ["lead"]


@admin.register(ActionLead)
class ActionLeadAdmin(admin.ModelAdmin):
    list_display = ["action", "lead", "position"]
    list_select_related = ["action__review__organisation", "lead"]
    search_fields = ["lead__name", "action__ref", "action__text"]
    raw_id_fields = ["action", "lead"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["ref", "text", "timescale", "due", "status", "review"]
    list_filter = ["status", "rag"]
    list_select_related = ["review__organisation", "owner"]
    search_fields = ["ref", "text", "timescale", "review__title"]
    raw_id_fields = ["review", "recommendation", "owner"]
    inlines = [ActionLeadInline]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    """Read-only: progress updates are append-only history, even for superusers. Progress is
    recorded through the tracker's own form, which checks access."""

    list_display = ["action", "on", "status", "rag", "author", "source", "recorded_at"]
    list_filter = ["status", "rag"]
    list_select_related = ["action__review__organisation", "recorded_by"]
    search_fields = ["note", "author", "action__ref", "action__text"]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(ReadOnlyAdmin):
    list_display = ["title", "url", "update"]
    list_select_related = ["update__action__review"]
    search_fields = ["title", "url", "update__action__ref"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["user", "sent_on", "overdue_count", "due_soon_count"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
