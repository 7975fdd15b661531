from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.mail import mails_resend
from common.models import OutboundMail

# The bodies hold links with tokens (password reset, verification): never shown.
_SHOWN = ("kind", "to", "subject", "status", "attempts", "last_error", "created_at", "updated_at", "sent_at")


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what is waiting for a retry, what was given up (resend it here)."""

    list_display = ["created_at", "kind", "to", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to"]
    fields = _SHOWN
    readonly_fields = _SHOWN
    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundMail | None = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed mails again"), permissions=["view"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboundMail]) -> None:
        count = mails_resend(mail_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
