from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.money import format_money
from invoices import admin_payments  # noqa: F401 - registers the payments' admin pages
from invoices.admin_accounting import AccountingExportAdminMixin
from invoices.admin_corrections import InvoiceCorrectionAdminMixin
from invoices.exports import invoices_csv
from invoices.facturx import invoice_has_xml
from invoices.facturx.download import invoice_xml_response
from invoices.models import Invoice, InvoiceLine
from invoices.services import invoice_pdf_bytes, invoice_set_status
from orders.admin import RestaurantScopedAdmin


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = ["position", "qty", "description", "unit_price_gross", "vat_rate", "net", "vat", "gross"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Lines are part of the invoice: whoever may view the invoice sees them
        # (the staff group has no separate InvoiceLine permission).
        return request.user.has_perm("invoices.view_invoice")

    def _money(self, obj, cents):
        return format_money(cents, obj.invoice.currency)

    @admin.display(description=_("Qty"))
    def qty(self, obj):
        return obj.quantity_display

    @admin.display(description=_("Unit price (gross)"))
    def unit_price_gross(self, obj):
        return self._money(obj, obj.unit_price_gross_cents)

    @admin.display(description=_("Net"))
    def net(self, obj):
        return self._money(obj, obj.net_cents)

    @admin.display(description=_("VAT"))
    def vat(self, obj):
        return self._money(obj, obj.vat_cents)

    @admin.display(description=_("Gross"))
    def gross(self, obj):
        return self._money(obj, obj.gross_cents)


@admin.register(Invoice)
class InvoiceAdmin(AccountingExportAdminMixin, InvoiceCorrectionAdminMixin, RestaurantScopedAdmin):
    """Staff see their restaurants' invoices; nothing on an issued invoice can be edited.

    Only the bookkeeping state moves, through the actions (sent, paid). A
    cancellation or correction is a new document, issued from the original's
    page ("Correct or cancel this document", ``admin_corrections``) with a reason.
    """

    list_display = ["number", "kind", "issue_date", "buyer", "total", "status", "restaurant", "pdf_link", "xml_link"]
    list_filter = ["status", "kind", "issue_date", ("restaurant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=number", "buyer_name", "buyer_business_name", "=order__id"]
    date_hierarchy = "issue_date"
    list_select_related = ["restaurant"]
    inlines = [InvoiceLineInline]
    actions = ["export_csv", "export_csv_decimal_point", "mark_sent", "mark_paid"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "kind",
                    "status",
                    "order",
                    "company",
                    "restaurant",
                    "document_language",
                    "pdf_link",
                    "xml_link",
                ]
            },
        ),
        (
            _("Corrections"),
            {"fields": ["cancels", "corrects", "replaces", "correction_reason", "corrections"]},
        ),
        (
            _("Dates"),
            {
                "fields": [
                    "issue_date",
                    "supply_date",
                    "order_paid_on",
                    "due_date",
                    "sent_at",
                    "paid_at",
                    "cancelled_at",
                ]
            },
        ),
        (_("Amounts"), {"fields": ["currency", "net_total", "vat_total", "grand_total"]}),
        (
            _("Seller (frozen at issue)"),
            {
                "fields": [
                    "seller_name",
                    "seller_street",
                    "seller_postal_code",
                    "seller_city",
                    "seller_country",
                    "seller_vat_id",
                    "seller_tax_number",
                    "seller_register_court",
                    "seller_register_number",
                    "seller_managing_directors",
                ]
            },
        ),
        (
            _("Place of supply (frozen at issue)"),
            {"fields": ["place_name", "place_street", "place_postal_code", "place_city", "place_country"]},
        ),
        (
            _("Buyer (frozen at issue)"),
            {
                "fields": [
                    "buyer_name",
                    "buyer_business_name",
                    "buyer_street",
                    "buyer_postal_code",
                    "buyer_city",
                    "buyer_country",
                    "buyer_vat_id",
                    "buyer_email",
                ]
            },
        ),
        (_("Notes and PDF copy"), {"fields": ["notes", "pdf_rendered_at", "pdf_error", "created_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False  # invoices are issued by the customer's request, never typed in

    def has_delete_permission(self, request, obj=None):
        return False  # issued invoices are kept; cancel instead

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Nothing on the page can be edited; status moves only through the actions.
        context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        pass  # a forged POST to the change form must not touch an issued invoice

    def save_related(self, request, form, formsets, change):
        pass

    @admin.display(description=_("Cancellation and corrections"))
    def corrections(self, obj):
        return self.corrections_overview(obj)

    @admin.display(description=_("Buyer"))
    def buyer(self, obj):
        return obj.buyer_business_name or obj.buyer_name

    @admin.display(description=_("Total"), ordering="total_cents")
    def total(self, obj):
        return format_money(obj.total_cents, obj.currency)

    @admin.display(description=_("Net total"))
    def net_total(self, obj):
        return format_money(obj.subtotal_cents, obj.currency)

    @admin.display(description=_("VAT total"))
    def vat_total(self, obj):
        return format_money(obj.tax_cents, obj.currency)

    @admin.display(description=_("Total"))
    def grand_total(self, obj):
        return format_money(obj.total_cents, obj.currency)

    @admin.display(description=_("Document language"))
    def document_language(self, obj):
        # The language it was issued (and is always printed) in, by its own name ("Deutsch").
        return dict(settings.LANGUAGES).get(obj.language, obj.language)

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:invoices_invoice_download", args=[obj.pk]), _("Download")
        )

    @admin.display(description=_("E-invoice"))
    def xml_link(self, obj):
        if not obj.pk or not invoice_has_xml(obj):
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:invoices_invoice_xml", args=[obj.pk]), _("Download XML")
        )

    def get_urls(self):
        extra = [
            path("<int:pk>/xml/", self.admin_site.admin_view(self.xml_view), name="invoices_invoice_xml"),
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="invoices_invoice_download",
            ),
        ]
        return extra + self.get_correction_urls() + super().get_urls()

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        invoice = get_object_or_404(self.get_queryset(request), pk=pk)
        response = HttpResponse(invoice_pdf_bytes(invoice=invoice), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=invoice.pdf_filename)
        response["Cache-Control"] = "private, no-store"
        return response

    def xml_view(self, request, pk):
        """The EN 16931 XML alone; another restaurant's document, or one without XML, is a 404."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        return invoice_xml_response(get_object_or_404(self.get_queryset(request), pk=pk))

    def _set_status(self, request, queryset, status):
        done, refused = 0, []
        for invoice in queryset:
            try:
                invoice_set_status(invoice=invoice, status=status, actor=request.user, request=request)
                done += 1
            except ValidationError as exc:
                refused.extend(exc.messages)
        if done:
            label = str(Invoice.Status(status).label).lower()
            text = gettext("%(count)d invoice(s) marked %(status)s.") % {"count": done, "status": label}
            self.message_user(request, text, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Export selected documents (CSV, decimal comma)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._csv_response(invoices_csv(queryset, decimal_comma=True))

    @admin.action(description=_("Export selected documents (CSV, decimal point)"), permissions=["view"])
    def export_csv_decimal_point(self, request, queryset):
        return self._csv_response(invoices_csv(queryset, decimal_comma=False))

    def _csv_response(self, text):
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"invoices-{timezone.localdate():%Y-%m-%d}.csv"
        )
        return response

    @admin.action(description=_("Mark selected invoices as sent"), permissions=["change"])
    def mark_sent(self, request, queryset):
        self._set_status(request, queryset, Invoice.Status.SENT)

    @admin.action(description=_("Mark selected invoices as paid"), permissions=["change"])
    def mark_paid(self, request, queryset):
        self._set_status(request, queryset, Invoice.Status.PAID)
