"""Documents for a payment: the guest's receipt, the full invoice (customer, guest or staff), the upgrade.

Guarantees:
- A payment has at most one document in force: its receipt (simplified
  invoice, art. 226b / § 33 UStDV, up to ``SMALL_INVOICE_LIMIT_CENTS`` gross)
  or its full invoice (``LIVE_PAYMENT_DOCUMENT``, backed by a unique index).
  Asking again returns it; a full invoice is never issued twice.
- A full invoice for a payment that has a receipt first cancels the receipt
  with a cancellation document, in the same transaction, so the VAT is never
  stated twice (§ 14c UStG).
- Every line of every order of the payment is on the document; the tip and
  the amount paid are copied beside the totals, outside the VAT base.
- Numbers come from the same gapless range as every other document.
"""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from common.money import format_money
from customers.models import Customer
from invoices.i18n import document_date, document_language_choose
from invoices.models import LIVE_PAYMENT_DOCUMENT, BusinessMealDeclaration, Invoice, InvoiceLine
from invoices.selectors import invoice_cancelled_unreplaced
from invoices.services import numbering
from invoices.services.business_meals import business_meal_carry_over
from invoices.services.corrections import invoice_cancel
from invoices.services.delivery import invoice_deliver_after_commit
from invoices.services.issuing import _place_copy, _seller_copy, invoice_lines_compute
from invoices.services.pdf_storage import invoice_pdf_store
from invoices.services.xml_record import invoice_xml_record
from orders.models import Order, OrderLine, Payment

BUYER_FIELDS = ["buyer_name", "buyer_street", "buyer_postal_code", "buyer_city", "buyer_country"]


class PaymentDocumentRefused(ValidationError):
    """The document cannot be issued as asked; the message says why and nothing changed."""


def payment_document_live(*, payment: Payment | int) -> Invoice | None:
    """The payment's receipt or full invoice in force, if any."""
    return Invoice.objects.filter(LIVE_PAYMENT_DOCUMENT, payment=payment).first()


def payment_needs_buyer(*, payment: Payment) -> bool:
    """Above the small-amount limit only a full invoice with a buyer may be issued."""
    return payment.meal_cents > settings.SMALL_INVOICE_LIMIT_CENTS


def receipt_issue(*, payment: Payment, language: str | None = None, now: datetime | None = None) -> Invoice:
    """The payment's receipt for a guest: issued once, returned again on every later ask.

    Refused when the meal is above the small-amount limit (the guest must give
    a buyer, ``payment_invoice_issue``) or when a full invoice is already in force.
    """
    with transaction.atomic():
        locked = _payment_lock(payment)
        live = payment_document_live(payment=locked)
        if live is not None:
            if live.is_receipt:
                return live
            raise PaymentDocumentRefused(
                _("An invoice has already been issued for this payment, so no receipt is issued as well.")
            )
        if payment_needs_buyer(payment=locked):
            raise PaymentDocumentRefused(
                _("Above %(limit)s a receipt is not enough: please give the buyer's name and address.")
                % {"limit": format_money(settings.SMALL_INVOICE_LIMIT_CENTS, locked.currency)}
            )
        document = _document_create(
            payment=locked,
            kind=Invoice.Kind.RECEIPT,
            buyer=dict.fromkeys(BUYER_FIELDS, ""),
            language=language,
            now=now,
        )
        _audit(document, actor=None)
    return document


def payment_invoice_issue(
    *,
    payment: Payment,
    buyer: dict[str, str],
    customer: Customer | None = None,
    issued_by: Any = None,
    request: Any = None,
    language: str | None = None,
    now: datetime | None = None,
) -> tuple[Invoice, Invoice | None]:
    """Issue the full invoice for ``payment`` to ``buyer``; returns (invoice, receipt cancellation or None).

    A live receipt is cancelled first; a live full invoice is returned as it
    is (never a second one), but only to the customer it was issued to or to
    staff (``issued_by``); anyone else is refused. ``buyer`` holds the
    ``buyer_*`` fields; name, street, postal code, city and country are required.
    The document is issued in ``language`` (a supported one the customer or
    guest chose), else in the restaurant's invoice language; staff issue in
    the restaurant's.
    """
    missing = [name for name in BUYER_FIELDS if not str(buyer.get(name, "")).strip()]
    if missing:
        raise PaymentDocumentRefused(_("A full invoice needs the buyer's name and full address."))
    with transaction.atomic():
        locked = _payment_lock(payment)
        live = payment_document_live(payment=locked)
        cancellation = None
        if live is not None and not live.is_receipt:
            if issued_by is not None or (customer is not None and live.customer_id == customer.pk):
                return live, None
            raise PaymentDocumentRefused(
                _("An invoice has already been issued for this payment. Please ask the staff for a copy.")
            )
        if live is not None:
            cancellation = invoice_cancel(
                invoice=live,
                reason=_("Replaced by a full invoice with the buyer's name and address."),
                now=now,
                customer=customer,
                actor=issued_by,
                request=request,
            )
        document = _document_create(
            payment=locked,
            kind=Invoice.Kind.INVOICE,
            buyer={key: str(value).strip() for key, value in buyer.items()},
            customer=customer,
            issued_by=issued_by,
            language=None if issued_by is not None else language,
            now=now,
        )
        _audit(document, actor=issued_by, request=request, cancelled=live)
    return document, cancellation


def _payment_lock(payment: Payment) -> Payment:
    # The payment row is taken first by every issuing path, so two requests
    # for one payment queue here and the second finds the first's document.
    return Payment.objects.select_for_update(of=("self",)).select_related("restaurant__company").get(pk=payment.pk)


def supply_date_for(*, orders: list[Order]) -> date:
    """The last of the orders' dates of supply (``Order.supply_date``: the day served, restaurant time)."""
    return max(order.supply_date for order in orders)


def _document_create(
    *,
    payment: Payment,
    kind: str,
    buyer: dict[str, str],
    customer: Customer | None = None,
    issued_by: Any = None,
    language: str | None = None,
    now: datetime | None = None,
) -> Invoice:
    orders = list(payment.orders.select_related("restaurant").order_by("pk"))
    order_lines = list(OrderLine.objects.filter(order__payment=payment).order_by("order_id", "id"))
    seller = payment.restaurant
    # The document's language first: the lines carry the names frozen in it.
    language = document_language_choose(restaurant=seller, chosen=language)
    lines = invoice_lines_compute(order_lines, language=language)
    gross = sum(line.gross_cents for line in lines)
    if not lines or gross != payment.meal_cents:
        raise PaymentDocumentRefused(
            _("The orders of this payment do not add up to what was paid; please ask the staff to check them.")
        )
    tax = sum(line.vat_cents for line in lines)
    supply_date = supply_date_for(orders=orders)
    _moment, issue_date, sequence, number = numbering.invoice_number_and_date_allocate(restaurant=seller, now=now)
    paid_on = timezone.localdate(payment.recorded_at, seller.tzinfo)
    order_refs = ", ".join(f"#{order.pk}" for order in orders)
    with translation.override(language):
        notes = _("Paid in full on %(date)s (%(method)s); nothing is due. Orders %(orders)s.") % {
            "date": document_date(paid_on),
            "method": str(payment.get_method_display()).lower(),
            "orders": order_refs,
        }
    document = Invoice.objects.create(
        kind=kind,
        company=seller.company,
        restaurant=seller,
        customer=customer,
        order=orders[0],
        payment=payment,
        payment_method=payment.method,
        tip_cents=payment.tip_cents,
        paid_cents=payment.paid_cents,
        issued_by_staff=issued_by is not None,
        year=issue_date.year,
        sequence=sequence,
        number=number,
        issue_date=issue_date,
        supply_date=supply_date,
        order_paid_on=paid_on,
        due_date=None,
        currency=payment.currency,
        subtotal_cents=gross - tax,
        tax_cents=tax,
        total_cents=gross,
        status=Invoice.Status.ISSUED,
        # A full invoice issued after the payment's invoice was cancelled is its re-issue.
        replaces=invoice_cancelled_unreplaced(payment=payment.pk) if kind == Invoice.Kind.INVOICE else None,
        notes=notes,
        language=language,
        buyer_business_name=buyer.get("buyer_business_name", ""),
        buyer_vat_id=buyer.get("buyer_vat_id", ""),
        buyer_email=buyer.get("buyer_email", ""),
        **{name: buyer.get(name, "") for name in BUYER_FIELDS},
        **_seller_copy(seller.company),
        **_place_copy(seller),
    )
    for line in lines:
        line.invoice = document
    InvoiceLine.objects.bulk_create(lines)
    # The payment's latest cancelled receipt or invoice is what this document takes the place of.
    previous = (
        Invoice.objects.filter(payment=payment, kind__in=[Invoice.Kind.INVOICE, Invoice.Kind.RECEIPT])
        .filter(status=Invoice.Status.CANCELLED)
        .order_by("-year", "-sequence")
        .first()
    )
    business_meal_carry_over(previous=previous, document=document)
    invoice_deliver_after_commit(invoice_id=document.pk)
    invoice_xml_record(invoice=document)
    return document


def _audit(document: Invoice, *, actor: Any, request: Any = None, cancelled: Invoice | None = None) -> None:
    audit_record(
        action=AuditEntry.Action.DOCUMENT_ISSUED,
        request=request,
        actor=actor,
        restaurant_id=document.restaurant_id,
        obj=document,
        data={
            "number": document.number,
            "kind": document.kind,
            "payment": document.payment_id,
            **({"cancelled": cancelled.number} if cancelled is not None else {}),
        },
    )


# --- The host's business-meal declaration (Bewirtungsbeleg) --------------------------


def business_meal_latest(*, invoice: Invoice) -> BusinessMealDeclaration | None:
    """The declaration in force: the newest row (every edit adds one)."""
    return invoice.business_meals.order_by("-created_at", "-id").first()


def business_meal_declare(
    *, invoice: Invoice, host: str, occasion: str, participants: str, entered_by: Any = None, request: Any = None
) -> BusinessMealDeclaration:
    """Add the host's declaration to a receipt or invoice; the document itself never changes.

    Above the small-amount limit the host's name is required (BMF 30.06.2021).
    The stored PDF is a rendering of the frozen invoice plus the latest
    declaration, so it is rendered again after commit (only the PDF copy
    fields change, as for any re-rendering).
    """
    if invoice.is_corrective or invoice.status == Invoice.Status.CANCELLED:
        raise PaymentDocumentRefused(_("A cancelled document takes no business-meal details."))
    host, occasion, participants = host.strip(), occasion.strip(), participants.strip()
    if invoice.total_cents > settings.SMALL_INVOICE_LIMIT_CENTS and not host:
        raise PaymentDocumentRefused(
            _("Above %(limit)s the host's name is required.")
            % {"limit": format_money(settings.SMALL_INVOICE_LIMIT_CENTS, invoice.currency)}
        )
    if not (host or occasion or participants):
        raise PaymentDocumentRefused(_("Enter the host, the occasion or the participants."))
    declaration = BusinessMealDeclaration.objects.create(
        invoice=invoice, host=host, occasion=occasion, participants=participants
    )
    audit_record(
        action=AuditEntry.Action.BUSINESS_MEAL_DECLARED,
        request=request,
        actor=entered_by,
        restaurant_id=invoice.restaurant_id,
        obj=invoice,
        data={"declaration": declaration.pk},
    )
    invoice_id = invoice.pk
    transaction.on_commit(lambda: invoice_pdf_store(invoice=Invoice.objects.get(pk=invoice_id)), robust=True)
    return declaration
