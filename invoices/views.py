from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from customers.decorators import customer_required
from invoices import services
from invoices.facturx import invoice_has_xml
from invoices.facturx.download import invoice_xml_response
from invoices.forms import BusinessMealForm, DocumentLanguageForm, InvoiceFilterForm
from invoices.models import Invoice
from invoices.pdf import invoice_document_context, invoice_document_html, invoice_language
from invoices.selectors import invoice_live_for_order, invoices_for_customer
from invoices.services.payment_documents import PaymentDocumentRefused, business_meal_declare
from orders.models import Order

PAGE_SIZE = 20

# Refusals that are about the account (403) vs. the state of the order or profile (409).
REFUSAL_STATUS = {"email_unverified": 403}


def _issue_rate(group, request):
    return settings.INVOICE_ISSUE_RATE


def _download_rate(group, request):
    return settings.INVOICE_DOWNLOAD_RATE


def _correction_request_rate(group, request):
    return settings.INVOICE_CORRECTION_REQUEST_RATE


# Stored on the cancellation, in the document's language (below); the customer gives no text of their own.
# gettext_lazy by its own name: makemessages does not find messages behind an alias.
REISSUE_REASON = gettext_lazy("Billing details changed at the customer's request")


@customer_required
@require_POST
@ratelimit(key="user", rate=_issue_rate, method="POST", block=True)
def invoice_issue(request, order_id):
    order = get_object_or_404(Order.objects.select_related("restaurant"), pk=order_id, customer=request.customer)
    existing = invoice_live_for_order(order=order)
    language_form = DocumentLanguageForm(request.POST)
    if not language_form.is_valid():
        refusal = services.Refusal("bad_language", language_form.errors["language"][0])
        return render(request, "invoices/cannot_issue.html", {"order": order, "refusal": refusal}, status=400)
    try:
        invoice = services.invoice_issue(
            order=order, customer=request.customer, language=language_form.cleaned_data["language"] or None
        )
    except services.InvoiceRefused as exc:
        status = REFUSAL_STATUS.get(exc.refusal.code, 409)
        return render(request, "invoices/cannot_issue.html", {"order": order, "refusal": exc.refusal}, status=status)
    if existing is None:
        messages.success(
            request,
            _("Invoice %(number)s has been issued. We have also emailed you a link.") % {"number": invoice.number},
        )
    else:
        messages.info(request, _("This order already has invoice %(number)s.") % {"number": invoice.number})
    return redirect("invoices:detail", invoice.pk)


@customer_required
@require_GET
def invoice_list(request):
    form = InvoiceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    invoices = invoices_for_customer(customer=request.customer, **filters)
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "invoices/list.html",
        {"form": form, "page": page, "filtered": bool(filters and any(filters.values()))},
    )


@customer_required
@require_GET
def invoice_detail(request, invoice_id):
    invoice = get_object_or_404(
        Invoice.objects.select_related("cancels", "cancellation"), pk=invoice_id, customer=request.customer
    )
    return render(request, "invoices/detail.html", _detail_context(invoice, customer=request.customer))


def _detail_context(invoice, form=None, *, customer=None) -> dict:
    # The document in its own language (as printed); the page around it in the viewer's.
    with translation.override(invoice_language(invoice)):
        context = invoice_document_context(invoice)
    context["document_html"] = invoice_document_html(invoice, context)
    context["has_xml"] = invoice_has_xml(invoice)
    # The cancellation and corrections of this document, and what replaced it (the customer's own only).
    context["corrective_documents"] = list(
        services.invoice_corrective_documents(invoice=invoice).filter(customer=invoice.customer_id)
    )
    context["replacements"] = list(invoice.replaced_by.filter(customer=invoice.customer_id))
    context["reissue_offered"] = (
        customer is not None
        and invoice.kind == Invoice.Kind.INVOICE
        and invoice.status != Invoice.Status.CANCELLED
        and invoice.customer_id == customer.pk
    )
    context["reissue_refusal"] = (
        services.reissue_refusal(invoice=invoice, customer=customer) if context["reissue_offered"] else None
    )
    if context["business_meal_form"] and invoice.status != Invoice.Status.CANCELLED:
        latest = context["business_meal"]
        initial = (
            {"host": latest.host, "occasion": latest.occasion, "participants": latest.participants} if latest else {}
        )
        context["meal_form"] = form or BusinessMealForm(initial=initial)
    return context


@customer_required
@require_POST
def business_meal(request, invoice_id):
    """The host fills in the business-meal block; a new record each time, the invoice never changes."""
    invoice = get_object_or_404(
        Invoice.objects.select_related("cancels", "cancellation"), pk=invoice_id, customer=request.customer
    )
    form = BusinessMealForm(request.POST)
    if form.is_valid():
        try:
            business_meal_declare(invoice=invoice, **form.cleaned_data, entered_by=request.user, request=request)
        except PaymentDocumentRefused as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The business-meal details were saved; the PDF now shows them."))
            return redirect("invoices:detail", invoice.pk)
    return render(
        request, "invoices/detail.html", _detail_context(invoice, form, customer=request.customer), status=400
    )


@customer_required
@require_POST
@ratelimit(key="user", rate=_correction_request_rate, method="POST", block=True)
def invoice_request_correction(request, invoice_id):
    """The customer changed their billing details: cancel the invoice and issue it again to the new ones."""
    invoice = get_object_or_404(Invoice, pk=invoice_id, customer=request.customer)
    with translation.override(invoice.language or None):
        reason = str(REISSUE_REASON)
    try:
        cancellation, replacement = services.invoice_reissue(
            invoice=invoice, customer=request.customer, reason=reason, request=request
        )
    except services.CorrectionRefused as exc:
        context = _detail_context(invoice, customer=request.customer)
        context["reissue_error"] = exc.messages[0]
        return render(request, "invoices/detail.html", context, status=409)
    messages.success(
        request,
        _("Invoice %(old)s was cancelled by %(cancellation)s; corrected invoice %(new)s replaces it.")
        % {"old": invoice.number, "cancellation": cancellation.number, "new": replacement.number},
    )
    return redirect("invoices:detail", replacement.pk)


@customer_required
@require_GET
@ratelimit(key="user", rate=_download_rate, block=True)
def invoice_download(request, invoice_id):
    invoice = get_object_or_404(Invoice, pk=invoice_id, customer=request.customer)
    pdf = services.invoice_pdf_bytes(invoice=invoice)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=invoice.pdf_filename)
    response["Cache-Control"] = "private, no-store"
    return response


@customer_required
@require_GET
@ratelimit(key="user", rate=_download_rate, block=True)
def invoice_download_xml(request, invoice_id):
    """The document's EN 16931 XML alone (the one inside the PDF); 404 for a document without one."""
    invoice = get_object_or_404(Invoice, pk=invoice_id, customer=request.customer)
    return invoice_xml_response(invoice)
