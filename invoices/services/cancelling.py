"""Cancelling an invoice: a new numbered document with negated lines, never an edit."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from customers.models import Customer
from invoices.models import Invoice, InvoiceLine
from invoices.services import numbering
from invoices.services.delivery import invoice_deliver_after_commit
from invoices.services.status import invoice_issue_audit, invoice_set_status
from orders.models import Order


def invoice_cancel(
    *,
    invoice: Invoice,
    now: datetime | None = None,
    customer: Customer | None = None,
    actor: Any = None,
    request: Any = None,
) -> Invoice:
    """Cancel an invoice by issuing a cancellation document; returns that document.

    The original keeps its number and content and is marked cancelled; the
    cancellation gets the next number of the sequence and negated lines and
    totals, so the two sum to zero in the books. The order can then be invoiced
    again (e.g. after the customer corrected the billing address). ``customer``
    gives a guest's receipt's cancellation to the customer who asked for the
    full invoice, so they see both documents. Audited: the cancellation's
    DOCUMENT_ISSUED and the original's DOCUMENT_STATUS entry, by ``actor``.
    """
    with transaction.atomic():
        orders = Order.objects.all()
        if numbering.LOCKING_ENABLED:
            orders = orders.select_for_update()
        orders.get(pk=invoice.order_id)  # same lock order as issuing
        original = Invoice.objects.select_for_update().select_related("restaurant").get(pk=invoice.pk)
        if original.is_cancellation:
            raise ValidationError(f"{original.number} is a cancellation document and cannot be cancelled.")
        if original.status == Invoice.Status.CANCELLED:
            raise ValidationError(f"Invoice {original.number} is already cancelled.")

        moment, issue_date, sequence, number = numbering.invoice_number_and_date_allocate(
            restaurant=original.restaurant, now=now
        )
        frozen = {
            name: getattr(original, name)
            for name in [f.name for f in Invoice._meta.fields]
            if name.startswith(("seller_", "place_", "buyer_"))
        }
        document = Invoice.objects.create(
            kind=Invoice.Kind.CANCELLATION,
            cancels=original,
            company_id=original.company_id,
            restaurant_id=original.restaurant_id,
            customer_id=original.customer_id if customer is None else customer.pk,
            order_id=original.order_id,
            payment_id=original.payment_id,
            year=issue_date.year,
            sequence=sequence,
            number=number,
            issue_date=issue_date,
            supply_date=original.supply_date,
            order_paid_on=original.order_paid_on,
            currency=original.currency,
            subtotal_cents=-original.subtotal_cents,
            tax_cents=-original.tax_cents,
            total_cents=-original.total_cents,
            status=Invoice.Status.ISSUED,
            notes=f"Cancels invoice {original.number} of {original.issue_date:%d %B %Y} in full.",
            **frozen,
        )
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=document,
                    position=line.position,
                    description=line.description,
                    quantity=-line.quantity,
                    unit_price_gross_cents=line.unit_price_gross_cents,
                    vat_rate=line.vat_rate,
                    gross_cents=-line.gross_cents,
                    vat_cents=-line.vat_cents,
                )
                for line in original.lines.all()
            ]
        )
        invoice_issue_audit(document=document, actor=actor, request=request, corrects=original.number)
        invoice_set_status(
            invoice=original,
            status=Invoice.Status.CANCELLED,
            cancellation=document,
            now=moment,
            actor=actor,
            request=request,
        )
        original.refresh_from_db(fields=["status", "cancelled_at"])
        invoice_deliver_after_commit(invoice_id=document.pk)
    return document
