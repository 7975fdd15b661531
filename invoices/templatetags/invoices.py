from dataclasses import dataclass
from datetime import date

from django import template

from invoices.i18n import document_date
from invoices.models import Invoice
from invoices.services import invoice_refusal

register = template.Library()


@dataclass(frozen=True)
class LiveInvoice:
    """What the order page shows of an issued invoice."""

    pk: int
    number: str
    issue_date: date


def _live_invoice(order) -> LiveInvoice | None:
    # Only the three fields the box shows: the frozen invoice row is wide (seller
    # and buyer copies), and this runs on every view of an order page.
    row = Invoice.objects.live().filter(order=order).order_by("pk").values_list("pk", "number", "issue_date").first()
    return LiveInvoice(*row) if row else None


@register.simple_tag(takes_context=True)
def invoice_action_for(context, order):
    """What the order page offers: the live invoice, a refusal to explain, or the issue button."""
    request = context.get("request")
    # The order page is a customer_required view, which sets request.customer.
    customer = getattr(request, "customer", None)
    invoice = _live_invoice(order)
    if invoice is not None or customer is None:
        return {"invoice": invoice, "refusal": None}
    return {"invoice": None, "refusal": invoice_refusal(order=order, customer=customer)}


@register.filter
def docdate(value):
    """A date as printed on a document, in the active language: "1 January 2026", "1. Januar 2026"."""
    return document_date(value)
