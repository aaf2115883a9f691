from django.contrib import admin

from tracker.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """For history: it can be read in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "verb", "object_type", "object_repr", "request_id"]
    list_filter = ["verb", "object_type"]
    search_fields = ["actor_name", "object_repr", "object_id", "request_id", "subject_id"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
