"""Issuing an invoice for a paid order: who may get one, its lines, the frozen document.

Guarantees:
- An order has at most one live invoice (``Invoice.objects.live()``); asking
  again returns it.
- The number is allocated and the invoice created in one short transaction
  (``numbering``); a failure rolls both back, so no gap appears.
- Rendering the PDF and mailing the customer happen after commit, outside any
  transaction (``delivery``); neither can lose or block the invoice.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext

from common.money import format_money, vat_breakdown
from customers.models import Customer
from customers.services import customer_email_verified
from invoices.i18n import document_date, document_language_choose
from invoices.models import Invoice, InvoiceLine
from invoices.selectors import invoice_cancelled_unreplaced, invoice_live_for_order
from invoices.services import numbering
from invoices.services.business_meals import business_meal_carry_over
from invoices.services.delivery import invoice_deliver_after_commit
from invoices.services.status import invoice_issue_audit
from invoices.services.xml_record import invoice_xml_record
from orders.models import Company, Order, OrderLine, Restaurant

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    missing_fields: list[str] = field(default_factory=list)


class InvoiceRefused(ValidationError):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message, code=refusal.code)
        self.refusal = refusal


# The company's details every invoice needs; a VAT ID or a tax number is checked separately.
SELLER_FIELDS = {
    "legal name": "legal_name",
    "street address": "street",
    "postal code": "postal_code",
    "city": "city",
    "country": "country",
}


def invoice_refusal(*, order: Order, customer: Customer) -> Refusal | None:
    """Why ``customer`` may not get an invoice for ``order`` now, or None if they may.

    The one place for the rules; the view and the order page both ask here.
    """
    if order.customer_id != customer.pk:
        return Refusal("not_owner", gettext("This order does not belong to your account."))
    if order.status != Order.Status.PAID or order.paid_at is None:
        if order.status == Order.Status.CANCELLED:
            return Refusal("not_paid", gettext("This order was cancelled, so there is nothing to invoice."))
        return Refusal("not_paid", gettext("An invoice can be generated once the order has been paid."))
    if not customer_email_verified(user=customer.user):
        return Refusal("email_unverified", gettext("Please verify your email address first; we send invoices there."))
    missing = customer.missing_billing_fields
    if missing:
        return Refusal(
            "billing_missing",
            gettext("An invoice needs your billing details. Please add: %(fields)s.") % {"fields": ", ".join(missing)},
            missing_fields=missing,
        )
    company = order.restaurant.company
    missing_seller = [label for label, attr in SELLER_FIELDS.items() if not str(getattr(company, attr)).strip()]
    if not company.vat_id.strip() and not company.tax_number.strip():
        missing_seller.append("VAT ID or tax number")
    if missing_seller:
        return Refusal(
            "seller_incomplete",
            gettext(
                "The restaurant's legal details are incomplete, so it cannot issue invoices yet. Please ask the staff."
            ),
            missing_fields=missing_seller,
        )
    return None


def invoice_lines_compute(order_lines: Iterable[OrderLine], *, language: str | None = None) -> list[InvoiceLine]:
    """Unsaved invoice lines for order lines, with VAT allocated exactly.

    Descriptions are the names frozen on the order lines in ``language`` (the
    document's; default the active one), else in the restaurant's own language
    (``OrderLine.names``, ``OrderLine.name``): later menu edits never reach a document.

    VAT is computed once per rate on the sum of gross amounts (``common.money``).
    That per-rate VAT is spread over the rate's lines in proportion to their
    gross amounts (largest remainder, ties to the earlier line), so the lines'
    VAT adds up to the per-rate VAT to the cent and net + VAT == gross holds per
    line, per rate and for the whole invoice.
    """
    order_lines = list(order_lines)
    lines = [
        InvoiceLine(
            position=position,
            description=(getattr(line, "names", None) or {}).get(language or get_language()) or line.name,
            quantity=line.quantity,
            unit_price_gross_cents=line.unit_price_cents,
            vat_rate=line.vat_rate,
            gross_cents=line.total_cents,
            vat_cents=0,
        )
        for position, line in enumerate(order_lines, start=1)
    ]
    for row in vat_breakdown(order_lines):
        group = [line for line in lines if Decimal(line.vat_rate).normalize() == row.rate]
        _allocate(row.vat_cents, group)
    return lines


def _allocate(total: int, group: list[InvoiceLine]) -> None:
    gross = sum(line.gross_cents for line in group)
    if gross == 0:
        return
    shares = []
    for line in group:
        whole, remainder = divmod(total * line.gross_cents, gross)
        line.vat_cents = whole
        shares.append((remainder, -line.position, line))
    leftover = total - sum(line.vat_cents for line in group)
    for _, _, line in sorted(shares, key=lambda s: (s[0], s[1]), reverse=True)[:leftover]:
        line.vat_cents += 1


def invoice_issue(
    *, order: Order, customer: Customer, language: str | None = None, now: datetime | None = None
) -> Invoice:
    """Issue the invoice for a paid order of ``customer``, or return the live one.

    Raises InvoiceRefused when the rules say no (see ``invoice_refusal``).
    Idempotent: the order row is locked while the invoice is created, so
    concurrent calls for one order give one invoice; a partial unique
    constraint backs this up in the database. The issue date is taken once
    the numbering lock is held (``invoice_number_and_date_allocate``), unless
    ``now`` fixes it. An order settled by a payment gets the payment's
    invoice, with every order of that payment (``payment_documents``).
    The document is issued in ``language`` if the customer chose a supported
    one, else in the restaurant's invoice language (stored on the invoice).
    """
    if order.payment_id is not None:
        return _payment_invoice_for_customer(order=order, customer=customer, language=language, now=now)
    # Every check runs once, on the locked rows in ``_invoice_create``: checking first without the lock
    # too would only repeat the queries (issuing is measured against the bare render, ``python -m bench``).
    try:
        return _invoice_create(order_id=order.pk, customer_id=customer.pk, language=language, now=now)
    except IntegrityError:
        # Reachable only if the lock was bypassed: another request won the race.
        existing = invoice_live_for_order(order=order.pk)
        if existing is None:
            raise
        return existing


def _payment_invoice_for_customer(
    *, order: Order, customer: Customer, language: str | None, now: datetime | None
) -> Invoice:
    from invoices.services.payment_documents import PaymentDocumentRefused, payment_invoice_issue

    refusal = invoice_refusal(order=order, customer=customer)
    if refusal is not None:
        raise InvoiceRefused(refusal)
    assert order.payment is not None
    try:
        invoice, _cancellation = payment_invoice_issue(
            payment=order.payment, buyer=_buyer_copy(customer), customer=customer, language=language, now=now
        )
    except PaymentDocumentRefused as exc:
        raise InvoiceRefused(Refusal("payment_document", exc.messages[0])) from None
    return invoice


def _invoice_create(*, order_id: int, customer_id: int, language: str | None, now: datetime | None) -> Invoice:
    with transaction.atomic():
        # Lock order: the order row first, then the counter (as in invoice_cancel),
        # so two transactions never wait on each other in opposite order.
        orders = Order.objects.select_related("restaurant__company")
        if numbering.LOCKING_ENABLED:
            orders = orders.select_for_update(of=("self",))
        order = orders.get(pk=order_id)
        existing = invoice_live_for_order(order=order.pk)
        if existing is not None:
            if existing.customer_id != customer_id:
                raise InvoiceRefused(Refusal("not_owner", gettext("This order does not belong to your account.")))
            return existing
        customer = Customer.objects.select_related("user").get(pk=customer_id)
        # Re-check on the locked, fresh rows (the order may have changed meanwhile).
        refusal = invoice_refusal(order=order, customer=customer)
        if refusal is not None:
            raise InvoiceRefused(refusal)

        # The document's language first: the lines carry the names frozen in it.
        language = document_language_choose(restaurant=order.restaurant, chosen=language)
        lines = invoice_lines_compute(order.lines.order_by("id"), language=language)
        refusal = _lines_refusal(order=order, lines=lines)
        if refusal is not None:
            # Never issue a document whose lines disagree with what was paid. Raised
            # before a number is allocated, and the rollback keeps nothing anyway.
            logger.error("Order #%s: %s", order.pk, refusal.message)
            raise InvoiceRefused(refusal)
        gross = sum(line.gross_cents for line in lines)
        tax = sum(line.vat_cents for line in lines)

        restaurant = order.restaurant
        supply_date = order.supply_date
        paid_on = timezone.localdate(order.paid_at, restaurant.tzinfo)
        _, issue_date, sequence, number = numbering.invoice_number_and_date_allocate(restaurant=restaurant, now=now)
        with translation.override(language):
            notes = gettext("Paid in full on %(date)s; nothing is due. Order #%(order)s.") % {
                "date": document_date(paid_on),
                "order": order.pk,
            }
        invoice = Invoice.objects.create(
            kind=Invoice.Kind.INVOICE,
            company=restaurant.company,
            restaurant=restaurant,
            customer=customer,
            order=order,
            year=issue_date.year,
            sequence=sequence,
            number=number,
            issue_date=issue_date,
            supply_date=supply_date,
            order_paid_on=paid_on,
            due_date=None,  # the order is paid before it can be invoiced
            currency=order.currency,
            subtotal_cents=gross - tax,
            tax_cents=tax,
            total_cents=gross,
            status=Invoice.Status.ISSUED,
            replaces=invoice_cancelled_unreplaced(order=order.pk),
            notes=notes,
            language=language,
            **_seller_copy(restaurant.company),
            **_place_copy(restaurant),
            **_buyer_copy(customer),
        )
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        business_meal_carry_over(previous=invoice.replaces, document=invoice)
        invoice_issue_audit(document=invoice, actor=customer.user, order=order.pk)
        invoice_deliver_after_commit(invoice_id=invoice.pk)
        invoice_xml_record(invoice=invoice)
    return invoice


def _lines_refusal(*, order: Order, lines: list[InvoiceLine]) -> Refusal | None:
    """A refusal when the order's lines do not add up to the total that was paid (a data error)."""
    gross = sum(line.gross_cents for line in lines)
    if lines and gross == order.total_cents:
        return None
    if not lines:
        return Refusal("lines_mismatch", gettext("This order has no items, so there is nothing to invoice."))
    return Refusal(
        "lines_mismatch",
        gettext(
            "The items of this order add up to %(items)s, but the order total is %(total)s, so we can't issue "
            "an invoice for it. Please ask the restaurant's staff to check the order."
        )
        % {"items": format_money(gross, order.currency), "total": format_money(order.total_cents, order.currency)},
    )


def _seller_copy(company: Company) -> dict:
    return {
        "seller_name": company.legal_name.strip(),
        "seller_street": company.street.strip(),
        "seller_postal_code": company.postal_code.strip(),
        "seller_city": company.city.strip(),
        "seller_country": company.country.strip().upper(),
        "seller_vat_id": company.vat_id.strip(),
        "seller_tax_number": company.tax_number.strip(),
        "seller_register_court": company.register_court.strip(),
        "seller_register_number": company.register_number.strip(),
        "seller_managing_directors": company.managing_directors.strip(),
    }


def _place_copy(restaurant: Restaurant) -> dict:
    """The restaurant where the meal took place (place of supply); its email and phone are the contact."""
    return {
        "place_name": restaurant.name.strip(),
        "place_street": restaurant.street.strip(),
        "place_postal_code": restaurant.postal_code.strip(),
        "place_city": restaurant.city.strip(),
        "place_country": restaurant.country.strip().upper(),
        "seller_email": restaurant.email,
        "seller_phone": restaurant.phone,
    }


def _buyer_copy(customer: Customer) -> dict:
    return {
        "buyer_name": customer.full_name.strip(),
        "buyer_business_name": customer.business_name.strip(),
        "buyer_street": customer.street.strip(),
        "buyer_postal_code": customer.postal_code.strip(),
        "buyer_city": customer.city.strip(),
        "buyer_country": customer.country.strip().upper(),
        "buyer_vat_id": customer.vat_id.strip(),
        "buyer_email": customer.user.email,
    }
