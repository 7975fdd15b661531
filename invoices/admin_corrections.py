"""Staff correct an issued document from its admin page: choose, preview, confirm.

Mixed into ``InvoiceAdmin``, so the admin's login, two-factor check and the
per-restaurant queryset apply: another restaurant's document is a 404. The
rules are the services' (``invoice_correct``, ``invoice_cancel``); this view
only parses the form, shows what would be credited and asks for confirmation.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from common.money import format_money
from invoices.forms import CorrectionForm
from invoices.models import Invoice
from invoices.services import (
    CorrectionRefused,
    correction_plan,
    invoice_balances,
    invoice_cancel,
    invoice_correct,
    invoice_corrective_documents,
)
from invoices.services.corrections import correctable_refusal


class InvoiceCorrectionAdminMixin:
    def get_correction_urls(self):
        return [
            path(
                "<int:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="invoices_invoice_correct",
            ),
        ]

    def correct_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        original = get_object_or_404(self.get_queryset(request), pk=pk)
        refusal = correctable_refusal(invoice=original)
        if refusal:
            self.message_user(request, refusal, messages.WARNING)
            return redirect("admin:invoices_invoice_change", original.pk)
        balances = invoice_balances(invoice=original)
        form = CorrectionForm(request.POST or None, balances=balances)
        planned = None
        if request.method == "POST" and form.is_valid():
            quantities = form.quantities()
            try:
                planned = correction_plan(balances=balances, quantities=quantities)
                if request.POST.get("confirm") == "1":
                    return self._correction_issue(request, original, form, quantities)
            except CorrectionRefused as exc:
                planned = None
                for message in exc.messages:
                    form.add_error(None, message)
        title = _("Correct %(title)s %(number)s") % {"title": original.title, "number": original.number}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "original": original,
            "form": form,
            "planned": planned,
            "planned_gross": sum(line.gross_cents for line in planned) if planned else 0,
            "planned_vat": sum(line.vat_cents for line in planned) if planned else 0,
            "is_full": form.is_bound and form.is_valid() and form.cleaned_data["mode"] == CorrectionForm.FULL,
        }
        status = 400 if form.is_bound and form.errors else 200
        return TemplateResponse(request, "admin/invoices/invoice_correct.html", context, status=status)

    def _correction_issue(self, request, original, form, quantities):
        reason = form.cleaned_data["reason"]
        if quantities is None:
            document = invoice_cancel(invoice=original, reason=reason, actor=request.user, request=request)
        else:
            document = invoice_correct(
                invoice=original, quantities=quantities, reason=reason, actor=request.user, request=request
            )
        self.message_user(
            request,
            _("%(title)s %(number)s issued for %(original)s (%(total)s).")
            % {
                "title": document.title,
                "number": document.number,
                "original": original.number,
                "total": format_money(document.total_cents, document.currency),
            },
            messages.SUCCESS,
        )
        return redirect("admin:invoices_invoice_change", original.pk)

    def corrections_overview(self, obj):
        """On the original's page: its cancellation and corrections, its replacement, and the way to correct it."""
        if not obj or not obj.pk:
            return "–"
        documents = list(invoice_corrective_documents(invoice=obj))
        replacements = list(obj.replaced_by.all())
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> {} · {} · {}{}</li>',
            (
                (
                    reverse("admin:invoices_invoice_change", args=[doc.pk]),
                    doc.number,
                    doc.title,
                    doc.issue_date.strftime("%Y-%m-%d"),
                    format_money(doc.total_cents, doc.currency),
                    f" · {doc.correction_reason}" if doc.correction_reason else "",
                )
                for doc in documents + replacements
            ),
        )
        listing = format_html('<ul data-testid="corrections-list">{}</ul>', rows) if documents or replacements else ""
        if obj.kind in (Invoice.Kind.INVOICE, Invoice.Kind.RECEIPT) and obj.status != Invoice.Status.CANCELLED:
            link = format_html(
                '<a class="button" href="{}" data-testid="correct-document">{}</a>',
                reverse("admin:invoices_invoice_correct", args=[obj.pk]),
                _("Correct or cancel this document"),
            )
        else:
            link = ""
        if not listing and not link:
            return "–"
        return format_html("{}{}", listing, link)
