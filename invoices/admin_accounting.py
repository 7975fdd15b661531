"""The accountant's export in the admin: choose a company and period, download the ZIP.

Mounted by ``InvoiceAdmin`` (``AccountingExportAdminMixin``), linked from the
invoice list and the admin index. A staff member may export a company only when
they work for every restaurant of it: the file holds all the company's bookings
and documents (buyers' names included), so staff of one branch never receive
another branch's. Superusers export any company. Another company is a 404.
"""

import tempfile
from datetime import date, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.urlinput import id_from
from invoices.accounting.bookings import ExportRefused, export_period_check
from invoices.accounting.export import export_zip_write
from orders.models import Company, Restaurant


def exportable_companies(user) -> QuerySet[Company]:
    """Companies ``user`` may export: all for superusers, else those whose every restaurant is theirs."""
    if user.is_superuser:
        return Company.objects.all()
    others = Restaurant.objects.exclude(staff=user)
    return Company.objects.filter(restaurants__staff=user).exclude(restaurants__in=others).distinct()


def _last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


class AccountingExportForm(forms.Form):
    company = forms.ModelChoiceField(queryset=Company.objects.none(), label=_("Company"))
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    decimal_comma = forms.BooleanField(
        label=_("Decimal comma in the plain CSV files (12,50)"),
        required=False,
        help_text=_("The DATEV file always uses a decimal comma."),
    )

    def __init__(self, *args, companies: QuerySet[Company], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies

    def clean(self):
        cleaned = super().clean()
        company, date_from, date_to = cleaned.get("company"), cleaned.get("date_from"), cleaned.get("date_to")
        if company is not None and date_from is not None and date_to is not None:
            try:
                export_period_check(company=company, date_from=date_from, date_to=date_to)
            except ExportRefused as refused:
                raise forms.ValidationError(str(refused)) from None
        return cleaned


class AccountingExportAdminMixin:
    """Adds ``accounting-export/`` to the invoice admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("accounting-export/", view(self.accounting_export_view), name="invoices_invoice_accounting_export"),
        ] + super().get_urls()

    def accounting_export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        companies = exportable_companies(request.user)
        if "company" in request.GET:
            # A company the user may not export is not offered, and asked for by id it does not exist.
            raw = request.GET["company"]
            company_id = id_from(raw)
            if raw and (company_id is None or not companies.filter(pk=company_id).exists()):
                raise Http404
            form = AccountingExportForm(request.GET, companies=companies)
            if form.is_valid():
                return self._export_download(request, form)
        else:
            date_from, date_to = _last_month(timezone.localdate())
            form = AccountingExportForm(
                initial={
                    "date_from": date_from,
                    "date_to": date_to,
                    "decimal_comma": True,
                    "company": companies.first(),
                },
                companies=companies,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Accountant's export"),
        }
        return TemplateResponse(request, "admin/invoices/accounting_export.html", context)

    def _export_download(self, request, form):
        company = form.cleaned_data["company"]
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        # Spooled: small exports stay in memory, a month of PDFs goes to a temporary file.
        spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
        try:
            export_zip_write(
                company=company,
                date_from=date_from,
                date_to=date_to,
                out=spool,
                decimal_comma=form.cleaned_data["decimal_comma"],
                exported_by=request.user.get_username(),
            )
        except ExportRefused as refused:
            spool.close()
            form.add_error(None, str(refused))
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "title": _("Accountant's export"),
            }
            return TemplateResponse(request, "admin/invoices/accounting_export.html", context)
        spool.seek(0)
        filename = f"accounting-{company.pk}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.zip"
        response = FileResponse(spool, as_attachment=True, filename=filename, content_type="application/zip")
        response["Cache-Control"] = "private, no-store"
        return response
