from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from audit.selectors import audit_entries_visible_to


def audit_details_text(data: dict) -> str:
    """One line for the list: a change as "old → new", then the other details as key: value."""
    if not isinstance(data, dict):
        return str(data)
    parts = []
    if "from" in data or "to" in data:
        parts.append(f"{data.get('from', '')} → {data.get('to', '')}")
    parts.extend(f"{key}: {value}" for key, value in data.items() if key not in ("from", "to"))
    return "; ".join(parts)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody, not even a superuser, adds, edits or deletes entries.

    Staff see only their restaurants' entries (``audit_entries_visible_to``);
    an entry without an actor was made by the system (a task, a guest).
    """

    list_display = [
        "created_at",
        "action",
        "who",
        "subject",
        "restaurant_id",
        "object_type",
        "object_id",
        "details",
        "ip_address",
    ]
    list_filter = ["action", "object_type"]
    date_hierarchy = "created_at"
    search_fields = ["object_id"]
    list_select_related = ["actor", "subject"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def get_queryset(self, request):
        return audit_entries_visible_to(user=request.user).select_related("actor", "subject")

    @admin.display(description=_("who"), ordering="actor")
    def who(self, obj):
        return obj.actor if obj.actor_id else _("system or guest")

    @admin.display(description=_("details"))
    def details(self, obj):
        return audit_details_text(obj.data)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
