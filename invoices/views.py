from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from customers.decorators import customer_required
from invoices import services
from invoices.forms import InvoiceFilterForm
from invoices.models import Invoice
from invoices.pdf import invoice_document_context
from invoices.selectors import invoice_live_for_order, invoices_for_customer
from orders.models import Order

PAGE_SIZE = 20

# Refusals that are about the account (403) vs. the state of the order or profile (409).
REFUSAL_STATUS = {"email_unverified": 403}


def _issue_rate(group, request):
    return settings.INVOICE_ISSUE_RATE


def _download_rate(group, request):
    return settings.INVOICE_DOWNLOAD_RATE


@customer_required
@require_POST
@ratelimit(key="user", rate=_issue_rate, method="POST", block=True)
def invoice_issue(request, order_id):
    order = get_object_or_404(Order.objects.select_related("restaurant"), pk=order_id, customer=request.customer)
    existing = invoice_live_for_order(order=order)
    try:
        invoice = services.invoice_issue(order=order, customer=request.customer)
    except services.InvoiceRefused as exc:
        status = REFUSAL_STATUS.get(exc.refusal.code, 409)
        return render(request, "invoices/cannot_issue.html", {"order": order, "refusal": exc.refusal}, status=status)
    if existing is None:
        messages.success(request, f"Invoice {invoice.number} has been issued. We have also emailed you a link.")
    else:
        messages.info(request, f"This order already has invoice {invoice.number}.")
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
    return render(request, "invoices/detail.html", invoice_document_context(invoice))


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
