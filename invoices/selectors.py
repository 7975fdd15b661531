from datetime import date

from django.db.models import QuerySet

from customers.models import Customer
from invoices.models import Invoice
from orders.models import Order


def invoices_for_customer(
    *, customer: Customer, date_from: date | None = None, date_to: date | None = None, status: str = ""
) -> QuerySet[Invoice]:
    """A customer's invoices and cancellation documents, newest first (no joins needed: data is frozen)."""
    invoices = Invoice.objects.filter(customer=customer).order_by("-issue_date", "-id")
    if date_from:
        invoices = invoices.filter(issue_date__gte=date_from)
    if date_to:
        invoices = invoices.filter(issue_date__lte=date_to)
    if status:
        invoices = invoices.filter(status=status)
    return invoices


def invoice_live_for_order(*, order: Order | int) -> Invoice | None:
    """The order's live invoice (``Invoice.objects.live()``), if any."""
    return Invoice.objects.live().filter(order=order).first()


def invoice_cancelled_unreplaced(*, order: Order | int | None = None, payment: int | None = None) -> Invoice | None:
    """The latest cancelled full invoice of an order or payment that no later invoice replaces yet.

    A new invoice for the same supply is its re-issue: it records this one in ``replaces``.
    """
    invoices = Invoice.objects.filter(kind=Invoice.Kind.INVOICE, status=Invoice.Status.CANCELLED)
    invoices = invoices.filter(payment=payment) if payment is not None else invoices.filter(order=order)
    return invoices.filter(replaced_by__isnull=True).order_by("-year", "-sequence").first()
