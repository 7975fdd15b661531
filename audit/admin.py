from django.contrib import admin

from audit.models import AuditEntry
from audit.selectors import audit_entries_visible_to


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody, not even a superuser, adds, edits or deletes entries."""

    list_display = [
        "created_at",
        "action",
        "actor",
        "subject",
        "restaurant_id",
        "object_type",
        "object_id",
        "ip_address",
    ]
    list_filter = ["action"]
    date_hierarchy = "created_at"
    search_fields = ["object_id"]
    list_select_related = ["actor", "subject"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def get_queryset(self, request):
        return audit_entries_visible_to(user=request.user).select_related("actor", "subject")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
