from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _, ngettext

from common.mail import mails_resend
from common.models import OutboundMail


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what is waiting for a retry, what was given up (resend it here)."""

    list_display = ["created_at", "kind", "to", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to"]
    # The bodies hold links with tokens (password reset, verification): never shown.
    fields = ["kind", "to", "subject", "status", "attempts", "last_error", "created_at", "updated_at", "sent_at"]
    readonly_fields = fields
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed mails again"), permissions=["view"])
    def resend(self, request, queryset):
        count = mails_resend(mail_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
