"""Payments in the admin: the table's bill (one payment for chosen orders, one method, one tip)
and invoices staff issue for a payment with the buyer's details typed in.

Lives with the invoices (the layer above orders) because issuing a document
needs both. Scoped like every staff page: another restaurant's tables and
payments are 404.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.dates import format_local_datetime
from common.forms import AmountField, help_with_example
from common.money import amount_to_minor_units, format_money
from common.urlinput import id_from
from invoices.forms import BuyerForm
from invoices.services.payment_documents import PaymentDocumentRefused, payment_document_live, payment_invoice_issue
from orders.admin import RestaurantScopedAdmin, natural_key, restaurants_of
from orders.models import Order, Payment, Table
from orders.services_payment import PaymentRefused, payment_record

OPEN_STATUSES = [Order.Status.PLACED, Order.Status.PREPARING, Order.Status.SERVED]


def open_orders(table: Table):
    return table.orders.filter(status__in=OPEN_STATUSES, payment__isnull=True).order_by("placed_at", "pk")


class OrderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"#{obj.pk} · {obj.get_status_display()} · {format_money(obj.total_cents, obj.currency)}"


class TableBillForm(forms.Form):
    orders = OrderChoiceField(
        queryset=Order.objects.none(), widget=forms.CheckboxSelectMultiple, label=_("Orders to settle")
    )
    method = forms.ChoiceField(choices=Payment.Method.choices, widget=forms.RadioSelect, label=_("Payment method"))
    tip = AmountField(
        label=_("Tip"),
        required=False,
        max_digits=10,
        decimal_places=2,
        help_text=help_with_example(_("On top of the bill, e.g. %(example)s"), "3.50"),
    )
    confirm_tip = forms.BooleanField(label=_("Confirm the tip (when it is more than the bill)"), required=False)

    def __init__(self, *args, table: Table, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = table
        self.fields["orders"].queryset = open_orders(table)

    def clean_tip(self):
        tip = self.cleaned_data.get("tip")
        if tip is None:
            return 0
        try:
            return amount_to_minor_units(tip, self.table.restaurant.currency)
        except ValueError as error:
            raise ValidationError(str(error)) from None


@admin.register(Payment)
class PaymentAdmin(RestaurantScopedAdmin):
    list_display = ["id", "recorded_local", "table", "method", "meal", "tip", "paid", "document"]
    list_filter = ["method", ("restaurant", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["restaurant", "table"]
    readonly_fields = [
        "restaurant",
        "table",
        "method",
        "meal",
        "tip",
        "paid",
        "recorded_by",
        "recorded_at",
        "order_links",
        "document",
        "tse_signer",
        "tse_certified",
        "tse_transaction_number",
        "tse_serial",
        "tse_signature_counter",
        "tse_start_at",
        "tse_end_at",
        "tse_signature",
        "tse_qr_data",
    ]
    fields = readonly_fields
    change_list_template = "admin/orders/payment_change_list.html"

    def has_add_permission(self, request):
        return False  # recorded from a table's bill

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Recorded"), ordering="recorded_at")
    def recorded_local(self, obj):
        return format_local_datetime(obj.recorded_at, obj.restaurant.tzinfo)

    @admin.display(description=_("Meal"))
    def meal(self, obj):
        return format_money(obj.meal_cents, obj.currency)

    @admin.display(description=_("Tip"))
    def tip(self, obj):
        return format_money(obj.tip_cents, obj.currency)

    @admin.display(description=_("Paid"))
    def paid(self, obj):
        return format_money(obj.paid_cents, obj.currency)

    @admin.display(description=_("Orders"))
    def order_links(self, obj):
        return format_html_join(
            ", ",
            '<a href="{}">#{}</a>',
            ((reverse("admin:orders_order_change", args=[pk]), pk) for pk in obj.orders.values_list("pk", flat=True)),
        )

    @admin.display(description=_("Document"))
    def document(self, obj):
        live = payment_document_live(payment=obj)
        issue_url = reverse("admin:orders_payment_invoice", args=[obj.pk])
        if live is None:
            return format_html('<a class="button" href="{}">{}</a>', issue_url, _("Issue invoice"))
        link = format_html(
            '<a href="{}">{} {}</a>', reverse("admin:invoices_invoice_change", args=[live.pk]), live.title, live.number
        )
        if live.is_receipt:
            return format_html(
                '{} · <a class="button" href="{}">{}</a>', link, issue_url, _("Cancel receipt and issue invoice")
            )
        return link

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("tables/", view(self.table_bills_view), name="orders_payment_tables"),
            path("table/<int:table_id>/", view(self.table_bill_view), name="orders_payment_table_bill"),
            path("<int:pk>/invoice/", view(self.invoice_view), name="orders_payment_invoice"),
        ] + super().get_urls()

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def table_bills_view(self, request):
        if not request.user.has_perm("orders.add_payment"):
            raise PermissionDenied
        tables = (
            Table.objects.filter(restaurant__in=restaurants_of(request.user))
            .filter(orders__status__in=OPEN_STATUSES, orders__payment__isnull=True)
            .annotate(open_cents=Sum("orders__total_cents"))
            .select_related("restaurant")
        )
        rows = sorted(tables, key=lambda table: (table.restaurant.name, natural_key(table.label)))
        return TemplateResponse(
            request, "admin/orders/table_bills.html", self._context(request, tables=rows, title=_("Table bills"))
        )

    def table_bill_view(self, request, table_id):
        if not request.user.has_perm("orders.add_payment"):
            raise PermissionDenied
        table = get_object_or_404(
            Table.objects.select_related("restaurant"), pk=table_id, restaurant__in=restaurants_of(request.user)
        )
        if request.method == "POST":
            form = TableBillForm(request.POST, table=table)
            if form.is_valid():
                try:
                    payment = payment_record(
                        order_ids=[order.pk for order in form.cleaned_data["orders"]],
                        method=form.cleaned_data["method"],
                        tip_cents=form.cleaned_data["tip"],
                        tip_confirmed=form.cleaned_data["confirm_tip"],
                        recorded_by=request.user,
                        request=request,
                    )
                except PaymentRefused as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                else:
                    self.message_user(
                        request,
                        _("Payment #%(id)s recorded: %(paid)s (tip %(tip)s).")
                        % {
                            "id": payment.pk,
                            "paid": format_money(payment.paid_cents, payment.currency),
                            "tip": format_money(payment.tip_cents, payment.currency),
                        },
                        messages.SUCCESS,
                    )
                    return redirect("admin:orders_payment_change", payment.pk)
        else:
            wanted = {id_from(pk) for pk in request.GET.get("orders", "").split(",")} - {None}
            candidates = open_orders(table)
            initial = [o for o in candidates if o.pk in wanted] if wanted else list(candidates)
            form = TableBillForm(table=table, initial={"orders": initial, "method": Payment.Method.CARD})
        orders = list(open_orders(table).prefetch_related("lines"))
        return TemplateResponse(
            request,
            "admin/orders/table_bill.html",
            self._context(
                request,
                form=form,
                table=table,
                orders=orders,
                open_total=format_money(sum(o.total_cents for o in orders), table.restaurant.currency),
                title=_("Bill for table %(table)s") % {"table": table.label},
            ),
            status=400 if form.is_bound and form.errors else 200,
        )

    def invoice_view(self, request, pk):
        if not request.user.has_perm("invoices.change_invoice"):
            raise PermissionDenied
        payment = get_object_or_404(self.get_queryset(request).select_related("restaurant", "table"), pk=pk)
        live = payment_document_live(payment=payment)
        if live is not None and not live.is_receipt:
            self.message_user(
                request, _("Payment #%(id)s already has invoice %(number)s.") % {"id": pk, "number": live.number}
            )
            return redirect("admin:invoices_invoice_change", live.pk)
        form = BuyerForm(request.POST or None, initial={"buyer_country": payment.restaurant.country})
        if request.method == "POST" and form.is_valid():
            try:
                invoice, cancellation = payment_invoice_issue(
                    payment=payment, buyer=form.cleaned_data, issued_by=request.user, request=request
                )
            except PaymentDocumentRefused as exc:
                form.add_error(None, exc.messages[0])
            else:
                text = _("Invoice %(number)s issued.") % {"number": invoice.number}
                if cancellation is not None:
                    text = _("Receipt %(receipt)s cancelled by %(cancellation)s; invoice %(number)s issued.") % {
                        "receipt": cancellation.cancels.number,
                        "cancellation": cancellation.number,
                        "number": invoice.number,
                    }
                self.message_user(request, text, messages.SUCCESS)
                return redirect("admin:invoices_invoice_change", invoice.pk)
        status = 400 if form.is_bound and form.errors else 200
        return TemplateResponse(
            request,
            "admin/orders/payment_invoice.html",
            self._context(
                request,
                form=form,
                payment=payment,
                receipt=live,
                title=_("Issue an invoice for payment #%(id)s") % {"id": pk},
            ),
            status=status,
        )
