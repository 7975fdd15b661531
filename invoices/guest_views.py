"""A guest's receipt without an account: from the order confirmation (same browser) or with the receipt code.

Who may: the browser that placed the order (its session remembers the order),
the customer the order belongs to, or whoever types the order's receipt code.
Anyone else gets a 404, as for an unknown order. Up to the small-amount limit
the guest gets a receipt (simplified invoice); above it, a full invoice with
the buyer's name and address, which the page asks for.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from customers.access import portal_customer
from invoices.forms import BuyerForm, DocumentLanguageForm
from invoices.services import invoice_pdf_bytes
from invoices.services.payment_documents import (
    PaymentDocumentRefused,
    payment_document_live,
    payment_invoice_issue,
    payment_needs_buyer,
    receipt_issue,
)
from orders.guest_session import guest_order_ids
from orders.models import Order
from orders.services import claim_code_normalize


def _issue_rate(group, request):
    return settings.INVOICE_ISSUE_RATE


def _guest_order(request, order_token: str | None) -> tuple[Order, str]:
    """The order and the code that opened it ("" when the session or account did); 404 for anyone else."""
    orders = Order.objects.select_related("restaurant", "payment")
    # Only ever sent in a POST body: a code in a URL would end up in logs.
    code = claim_code_normalize(code=request.POST.get("code", ""))
    if order_token is None:
        if not code:
            raise Http404
        order = orders.filter(claim_code=code).first()
        if order is None:
            raise Http404
        return order, code
    order = orders.filter(public_token=order_token).first()
    if order is None:
        raise Http404
    if code and code == order.claim_code:
        return order, code
    customer = portal_customer(request)
    if order.pk in guest_order_ids(session=request.session) or (
        customer is not None and order.customer_id == customer.pk
    ):
        return order, ""
    raise Http404


def _pdf(document) -> HttpResponse:
    response = HttpResponse(invoice_pdf_bytes(invoice=document), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=document.pdf_filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@ratelimit(group="invoices.guest_receipt", key="ip", rate=_issue_rate, method="POST", block=True)
def guest_receipt(request, order_token=None):
    if order_token is None and request.method == "GET":
        return render(request, "invoices/guest_receipt_code.html")
    try:
        order, code = _guest_order(request, order_token)
    except Http404:
        return render(request, "404.html", status=404)
    payment = order.payment
    live = payment_document_live(payment=payment) if payment is not None else None
    needs_buyer = payment is not None and payment_needs_buyer(payment=payment)
    form = BuyerForm(
        request.POST if request.POST.get("action") == "invoice" else None,
        initial={"buyer_country": order.restaurant.country},
    )
    language_form = DocumentLanguageForm(request.POST or None)
    language = (language_form.cleaned_data["language"] or None) if language_form.is_valid() else None
    error = ""
    wants = request.POST.get("action", "")
    if wants in ("receipt", "invoice") and payment is not None and language_form.errors:
        error = language_form.errors["language"][0]
    elif wants in ("receipt", "invoice") and payment is not None:
        try:
            if live is not None and (live.is_receipt or live.customer_id is None and not live.issued_by_staff):
                return _pdf(live)
            if wants == "invoice":
                if form.is_valid():
                    invoice, _cancelled = payment_invoice_issue(
                        payment=payment, buyer=form.cleaned_data, language=language
                    )
                    return _pdf(invoice)
            else:
                return _pdf(receipt_issue(payment=payment, language=language))
        except PaymentDocumentRefused as exc:
            error = exc.messages[0]
    return render(
        request,
        "invoices/guest_receipt.html",
        {
            "order": order,
            "payment": payment,
            "live": live,
            "needs_buyer": needs_buyer,
            "form": form,
            "code": code,
            "error": error,
            "limit_cents": settings.SMALL_INVOICE_LIMIT_CENTS,
            "document_language": order.restaurant.document_language,
        },
        status=400 if error or form.errors else 200,
    )
