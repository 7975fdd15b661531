"""The order admin's way into payments: a list action and a button on the order page.

Both lead to the table's bill (``admin:orders_payment_table_bill``, served by
the invoices app's payment admin), where staff choose method and tip; the
payment itself is recorded only there, by ``payment_record``.
"""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class OrderPaymentAdminMixin:
    """Mixed into ``OrderAdmin``: the "Record payment" action and the payment field of the order page."""

    @admin.action(description=_("Record a payment for the selected orders (one table)"), permissions=["change"])
    def record_payment(self, request, queryset):
        tables = set(queryset.values_list("table_id", flat=True))
        if len(tables) != 1:
            self.message_user(request, _("One payment covers orders of one table only."), messages.ERROR)
            return None
        ids = ",".join(str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True))
        return redirect(reverse("admin:orders_payment_table_bill", args=[tables.pop()]) + f"?orders={ids}")

    @admin.display(description=_("Payment"))
    def payment_info(self, obj):
        if obj.payment_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:orders_payment_change", args=[obj.payment_id]),
                _("Payment #%(id)s") % {"id": obj.payment_id},
            )
        if obj.status_is_final:
            return "–"
        url = reverse("admin:orders_payment_table_bill", args=[obj.table_id]) + f"?orders={obj.pk}"
        return format_html('<a class="button" href="{}" data-testid="record-payment">{}</a>', url, _("Record payment"))
