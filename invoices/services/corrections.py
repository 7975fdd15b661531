"""Correcting issued documents: full cancellation, partial correction, re-issue. Never an edit.

Every correction is a new document with its own number from the company's
range, referencing the original (§ 31 (5) UStDV):

- a full cancellation ("Cancellation invoice", Stornorechnung; ``cancels``)
  negates everything that is still charged and marks the original cancelled;
- a partial correction ("Invoice correction", Rechnungskorrektur; ``corrects``)
  negates chosen quantities of chosen lines; the original stays in force;
- a re-issue (``replaces``) is a new invoice with the buyer's current details
  for what remained charged, issued right after the cancellation.

The arithmetic (the one rule, ``unit_share``): a line's stored gross and VAT
are split over its units by largest remainder (equal units, the extra cents to
the earlier units), and corrections take units from the end. So crediting k of
a line's units takes exactly the VAT those units carried on the original, any
sequence of corrections of a line adds up to the line's stored amounts to the
cent, and per VAT rate the original plus all its corrections equal what remains
charged (the stored split of the remaining units). More than remains can never
be credited: every service locks the original's row (after its order's, the
lock order of issuing) and re-reads the earlier corrections before it acts.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from common.text import validate_document_text
from customers.models import Customer
from invoices.models import Invoice, InvoiceLine
from invoices.services import numbering
from invoices.services.business_meals import business_meal_carry_over
from invoices.services.delivery import invoice_deliver_after_commit
from invoices.services.issuing import _buyer_copy
from invoices.services.status import invoice_set_status
from invoices.services.xml_record import invoice_xml_record
from orders.models import Order

REASON_MAX_LENGTH = 500

# Only the race tests turn this off, to show that the original's row lock is what
# stops two corrections from crediting the same units twice. Never change it elsewhere.
LOCKING_ENABLED = True

# Frozen copies a correction takes over from the original unchanged (the buyer too:
# a correction corrects that document, it does not re-address it).
_COPIED_PREFIXES = ("seller_", "place_", "buyer_")
# What a customer can change on a re-issue: the billing details printed on the document.
BILLING_FIELDS = [
    "buyer_name",
    "buyer_business_name",
    "buyer_street",
    "buyer_postal_code",
    "buyer_city",
    "buyer_country",
    "buyer_vat_id",
]


class CorrectionRefused(ValidationError):
    """The correction cannot be issued as asked; the message says why and nothing changed."""


def unit_share(*, total: int, units: int, count: int) -> int:
    """The sum of the first ``count`` of ``units`` equal shares of ``total`` cents.

    Largest remainder with equal weights: every unit gets ``total // units``,
    the first ``total % units`` units one cent more (ties to the earlier unit,
    as in issuing). ``unit_share(total=t, units=n, count=n) == t`` exactly.
    """
    if units <= 0:
        return 0
    whole, extra = divmod(total, units)
    return count * whole + min(count, extra)


@dataclass(frozen=True)
class LineBalance:
    """What is still charged for one line of the original after its corrections."""

    line: InvoiceLine
    quantity: int
    gross_cents: int
    vat_cents: int


@dataclass(frozen=True)
class PlannedLine:
    """One line of a correction document before it is saved: negative quantity and amounts."""

    original: InvoiceLine
    quantity: int
    gross_cents: int
    vat_cents: int

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.vat_cents


def invoice_balances(*, invoice: Invoice) -> list[LineBalance]:
    """Per line of ``invoice``: the quantity, gross and VAT still charged after every correction.

    Two queries. A cancelled document has nothing left. Old cancellation
    documents without line references are covered by the status.
    """
    lines = list(invoice.lines.all())
    if invoice.status == Invoice.Status.CANCELLED:
        return [LineBalance(line=line, quantity=0, gross_cents=0, vat_cents=0) for line in lines]
    credited = dict(
        InvoiceLine.objects.filter(corrects_line__invoice=invoice)
        .values("corrects_line")
        .annotate(quantity=Sum("quantity"))
        .values_list("corrects_line", "quantity")
    )
    balances = []
    for line in lines:
        remaining = line.quantity + (credited.get(line.pk) or 0)
        balances.append(
            LineBalance(
                line=line,
                quantity=remaining,
                gross_cents=unit_share(total=line.gross_cents, units=line.quantity, count=remaining),
                vat_cents=unit_share(total=line.vat_cents, units=line.quantity, count=remaining),
            )
        )
    return balances


def correctable_refusal(*, invoice: Invoice) -> str | None:
    """Why ``invoice`` cannot be corrected at all, or None. One rule for the admin, the portal and the services."""
    if invoice.kind in (Invoice.Kind.CANCELLATION, Invoice.Kind.CORRECTION):
        return _("%(number)s is itself a correction document; correct the original document instead.") % {
            "number": invoice.number
        }
    if invoice.status == Invoice.Status.CANCELLED:
        return _("%(number)s is already cancelled; nothing remains to correct.") % {"number": invoice.number}
    return None


def correction_reason_clean(reason: str) -> str:
    """The stripped reason, or CorrectionRefused: required, printable, at most ``REASON_MAX_LENGTH`` characters."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionRefused(_("Give the reason for the correction; it is printed on the document."))
    if len(reason) > REASON_MAX_LENGTH:
        raise CorrectionRefused(
            _("The reason may have at most %(max)d characters (it has %(count)d).")
            % {"max": REASON_MAX_LENGTH, "count": len(reason)}
        )
    validate_document_text(reason)
    return reason


def correction_plan(*, balances: list[LineBalance], quantities: Mapping[int, int] | None) -> list[PlannedLine]:
    """The negated lines for crediting ``quantities`` (original line id -> units), or CorrectionRefused.

    ``quantities=None`` means everything that remains (full cancellation). A
    partial correction must credit something and leave something: crediting
    all that remains is a cancellation, which also ends the original's validity.
    """
    by_id = {balance.line.pk: balance for balance in balances}
    if quantities is None:
        wanted = {balance.line.pk: balance.quantity for balance in balances if balance.quantity > 0}
        if not wanted:
            raise CorrectionRefused(_("Nothing remains charged on this document, so there is nothing to cancel."))
    else:
        wanted = {}
        for line_id, quantity in quantities.items():
            if line_id not in by_id:
                raise CorrectionRefused(_("A chosen line does not belong to this document."))
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                raise CorrectionRefused(_("Quantities must be whole numbers of zero or more."))
            balance = by_id[line_id]
            if quantity > balance.quantity:
                raise CorrectionRefused(
                    _(
                        "Line %(position)d (%(description)s): only %(remaining)d remain charged, "
                        "so %(quantity)d cannot be reversed."
                    )
                    % {
                        "position": balance.line.position,
                        "description": balance.line.description,
                        "remaining": balance.quantity,
                        "quantity": quantity,
                    }
                )
            if quantity:
                wanted[line_id] = quantity
        if not wanted:
            raise CorrectionRefused(_("Choose at least one line and the quantity to reverse."))
        if all(wanted.get(b.line.pk, 0) == b.quantity for b in balances):
            raise CorrectionRefused(
                _("This would reverse everything that remains charged; choose the full cancellation instead.")
            )
    planned = []
    for balance in balances:
        quantity = wanted.get(balance.line.pk, 0)
        if not quantity:
            continue
        line, left = balance.line, balance.quantity - quantity
        planned.append(
            PlannedLine(
                original=line,
                quantity=-quantity,
                gross_cents=unit_share(total=line.gross_cents, units=line.quantity, count=left) - balance.gross_cents,
                vat_cents=unit_share(total=line.vat_cents, units=line.quantity, count=left) - balance.vat_cents,
            )
        )
    return planned


def invoice_cancel(
    *,
    invoice: Invoice,
    reason: str,
    now: datetime | None = None,
    customer: Customer | None = None,
    actor: Any = None,
    request: Any = None,
) -> Invoice:
    """Cancel ``invoice`` in full with a cancellation document; returns that document.

    The cancellation negates what remains charged (after earlier partial
    corrections only the rest), gets the next number of the company's range
    and ``reason``; the original keeps its number and content and is marked
    cancelled. ``customer`` gives a guest's receipt's cancellation to the
    customer who asked for the full invoice, so they see both documents.
    """
    reason = correction_reason_clean(reason)
    with transaction.atomic():
        original = _original_lock(invoice)
        document = _corrective_issue(
            original=original,
            kind=Invoice.Kind.CANCELLATION,
            quantities=None,
            reason=reason,
            now=now,
            customer=customer,
            actor=actor,
            request=request,
        )
    return document


def invoice_correct(
    *,
    invoice: Invoice,
    quantities: Mapping[int, int],
    reason: str,
    now: datetime | None = None,
    actor: Any = None,
    request: Any = None,
) -> Invoice:
    """Issue a partial correction crediting ``quantities`` (original line id -> units); returns it.

    The original stays in force for what remains. Refused (CorrectionRefused,
    nothing changed) for more than remains on a line, nothing chosen,
    everything chosen (use ``invoice_cancel``), no reason, or a document that
    is cancelled or itself a correction.
    """
    reason = correction_reason_clean(reason)
    with transaction.atomic():
        original = _original_lock(invoice)
        document = _corrective_issue(
            original=original,
            kind=Invoice.Kind.CORRECTION,
            quantities=quantities,
            reason=reason,
            now=now,
            customer=None,
            actor=actor,
            request=request,
        )
    return document


def invoice_billing_differs(*, invoice: Invoice, customer: Customer) -> bool:
    """True when the customer's current billing details differ from the ones printed on ``invoice``."""
    current = customer_billing(customer)
    return any(current[name] != getattr(invoice, name) for name in BILLING_FIELDS)


def customer_billing(customer: Customer) -> dict[str, str]:
    """The customer's billing details as an invoice prints them (the same copy issuing makes)."""
    return _buyer_copy(customer)


def reissue_refusal(*, invoice: Invoice, customer: Customer) -> str | None:
    """Why ``customer`` cannot ask for a corrected invoice (cancellation + re-issue) now, or None."""
    if invoice.customer_id != customer.pk:
        return _("This document does not belong to your account.")
    if invoice.kind != Invoice.Kind.INVOICE:
        return _("Only an invoice can be re-issued with new billing details.")
    refusal = correctable_refusal(invoice=invoice)
    if refusal:
        return refusal
    if customer.missing_billing_fields:
        return _("Please complete your billing details first: %(fields)s.") % {
            "fields": ", ".join(customer.missing_billing_fields)
        }
    if not invoice_billing_differs(invoice=invoice, customer=customer):
        return _(
            "Your billing details are the same as on this invoice, so there is nothing to correct. "
            "Change them in your profile first."
        )
    return None


def invoice_reissue(
    *, invoice: Invoice, customer: Customer, reason: str, now: datetime | None = None, request: Any = None
) -> tuple[Invoice, Invoice]:
    """Cancel ``invoice`` and issue its replacement to ``customer``'s current billing details.

    Returns (cancellation, new invoice). One transaction: both numbers or
    neither. The new invoice carries what remained charged (the lines'
    remaining units with their stored split, so per rate it states exactly the
    VAT the cancellation took back), the original's seller, place and payment
    copies, and ``replaces`` = the original.
    """
    reason = correction_reason_clean(reason)
    with transaction.atomic():
        original = _original_lock(invoice)
        customer = Customer.objects.select_related("user").get(pk=customer.pk)
        refusal = reissue_refusal(invoice=original, customer=customer)
        if refusal:
            raise CorrectionRefused(refusal)
        balances = invoice_balances(invoice=original)
        cancellation = _corrective_issue(
            original=original,
            kind=Invoice.Kind.CANCELLATION,
            quantities=None,
            reason=reason,
            now=now,
            customer=None,
            actor=customer.user,
            request=request,
        )
        kept = [balance for balance in balances if balance.quantity > 0]
        _moment, issue_date, sequence, number = numbering.invoice_number_and_date_allocate(
            restaurant=original.restaurant, now=now
        )
        gross = sum(balance.gross_cents for balance in kept)
        tax = sum(balance.vat_cents for balance in kept)
        frozen = {name: getattr(original, name) for name in _frozen_names() if not name.startswith("buyer_")}
        replacement = Invoice.objects.create(
            kind=Invoice.Kind.INVOICE,
            replaces=original,
            customer=customer,
            tip_cents=original.tip_cents,
            paid_cents=original.paid_cents,
            year=issue_date.year,
            sequence=sequence,
            number=number,
            issue_date=issue_date,
            **_same_supply(original),
            subtotal_cents=gross - tax,
            tax_cents=tax,
            total_cents=gross,
            status=Invoice.Status.ISSUED,
            notes=original.notes,
            **frozen,
            **customer_billing(customer),
        )
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=replacement,
                    position=position,
                    description=balance.line.description,
                    quantity=balance.quantity,
                    unit_price_gross_cents=balance.line.unit_price_gross_cents,
                    vat_rate=balance.line.vat_rate,
                    gross_cents=balance.gross_cents,
                    vat_cents=balance.vat_cents,
                )
                for position, balance in enumerate(kept, start=1)
            ]
        )
        business_meal_carry_over(previous=original, document=replacement)
        audit_record(
            action=AuditEntry.Action.DOCUMENT_ISSUED,
            request=request,
            actor=customer.user,
            restaurant_id=replacement.restaurant_id,
            obj=replacement,
            data={"number": replacement.number, "kind": replacement.kind, "replaces": original.number},
        )
        invoice_deliver_after_commit(invoice_id=replacement.pk)
        invoice_xml_record(invoice=replacement)
    return cancellation, replacement


def _same_supply(original: Invoice) -> dict:
    """What a correction or re-issue keeps from the original: seller, place, order, payment, dates, language."""
    return {
        "company_id": original.company_id,
        "restaurant_id": original.restaurant_id,
        "order_id": original.order_id,
        "payment_id": original.payment_id,
        "payment_method": original.payment_method,
        "language": original.language,
        "supply_date": original.supply_date,
        "order_paid_on": original.order_paid_on,
        "currency": original.currency,
    }


def _frozen_names() -> list[str]:
    return [f.name for f in Invoice._meta.fields if f.name.startswith(_COPIED_PREFIXES)]


def _original_lock(invoice: Invoice) -> Invoice:
    """Lock the original's order row, then the original (the lock order of issuing); return it fresh."""
    locking = LOCKING_ENABLED and numbering.LOCKING_ENABLED
    if locking:
        Order.objects.select_for_update().filter(pk=invoice.order_id).first()
    originals = Invoice.objects.select_related("restaurant")
    if locking:
        originals = originals.select_for_update(of=("self",))
    return originals.get(pk=invoice.pk)


def _corrective_issue(
    *,
    original: Invoice,
    kind: str,
    quantities: Mapping[int, int] | None,
    reason: str,
    now: datetime | None,
    customer: Customer | None,
    actor: Any,
    request: Any,
) -> Invoice:
    """Create the cancellation or correction of the locked ``original``; caller holds the transaction."""
    refusal = correctable_refusal(invoice=original)
    if refusal:
        raise CorrectionRefused(refusal)
    planned = correction_plan(balances=invoice_balances(invoice=original), quantities=quantities)
    moment, issue_date, sequence, number = numbering.invoice_number_and_date_allocate(
        restaurant=original.restaurant, now=now
    )
    gross = sum(line.gross_cents for line in planned)
    tax = sum(line.vat_cents for line in planned)
    references = {"cancels": original} if kind == Invoice.Kind.CANCELLATION else {"corrects": original}
    document = Invoice.objects.create(
        kind=kind,
        **references,
        correction_reason=reason,
        customer_id=original.customer_id if customer is None else customer.pk,
        year=issue_date.year,
        sequence=sequence,
        number=number,
        issue_date=issue_date,
        **_same_supply(original),
        subtotal_cents=gross - tax,
        tax_cents=tax,
        total_cents=gross,
        status=Invoice.Status.ISSUED,
        **{name: getattr(original, name) for name in _frozen_names()},
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=document,
                corrects_line=line.original,
                position=position,
                description=line.original.description,
                quantity=line.quantity,
                unit_price_gross_cents=line.original.unit_price_gross_cents,
                vat_rate=line.original.vat_rate,
                gross_cents=line.gross_cents,
                vat_cents=line.vat_cents,
            )
            for position, line in enumerate(planned, start=1)
        ]
    )
    if kind == Invoice.Kind.CANCELLATION:
        invoice_set_status(
            invoice=original,
            status=Invoice.Status.CANCELLED,
            cancellation=document,
            now=moment,
            actor=actor,
            request=request,
        )
        original.refresh_from_db(fields=["status", "cancelled_at"])
    audit_record(
        action=AuditEntry.Action.DOCUMENT_ISSUED,
        request=request,
        actor=actor,
        restaurant_id=document.restaurant_id,
        obj=document,
        data={
            "number": document.number,
            "kind": document.kind,
            "corrects": original.number,
            "reason": reason,
            "lines": {str(line.original.position): -line.quantity for line in planned},
            "total_cents": document.total_cents,
        },
    )
    invoice_deliver_after_commit(invoice_id=document.pk)
    invoice_xml_record(invoice=document)
    return document


def invoice_corrective_documents(*, invoice: Invoice) -> QuerySet[Invoice]:
    """The cancellation and partial corrections of ``invoice``, oldest first."""
    return Invoice.objects.filter(Q(cancels=invoice) | Q(corrects=invoice)).order_by("issue_date", "sequence", "id")
