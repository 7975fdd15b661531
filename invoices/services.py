"""Issuing, numbering, cancelling and rendering invoices.

Guarantees:
- Numbers are gapless and strictly increasing per restaurant and calendar year
  (of the issue date in the restaurant's time zone), never reused, not even
  after a cancellation (a cancellation is a new document with its own number).
- Issue dates follow the numbers: the issue time is read only once the year's
  counter is locked, so a higher number never has an earlier date or the
  previous year's sequence, however long a request waited for its locks.
- The number is allocated and the invoice created in one short transaction;
  a failure rolls both back, so no gap appears.
- An order has at most one live (non-cancelled) invoice; asking again returns it.
- Rendering the PDF and mailing the customer happen after commit, outside any
  transaction; neither can lose or block the invoice.
"""

import logging
import string
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from customers.emails import email_send
from customers.models import Customer
from customers.services import customer_email_verified
from invoices.models import Invoice, InvoiceLine, InvoiceNumberCounter
from invoices.storage import invoice_storage
from orders.models import Order, Restaurant
from orders.money import format_money, vat_breakdown

logger = logging.getLogger(__name__)

# Only the concurrency tests turn this off, to show that they catch a missing
# lock (as pretix does). Never change it in production code.
LOCKING_ENABLED = True

NUMBER_FIELDS = {"prefix", "year", "number"}


# --- Who may get an invoice ---------------------------------------------------------
@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    missing_fields: list[str] = field(default_factory=list)


class InvoiceRefused(ValidationError):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message, code=refusal.code)
        self.refusal = refusal


SELLER_FIELDS = {
    "legal name": "legal_name",
    "street address": "street",
    "postal code": "postal_code",
    "city": "city",
    "country": "country",
    "VAT ID": "vat_id",
}


def invoice_refusal(*, order: Order, customer: Customer) -> Refusal | None:
    """Why ``customer`` may not get an invoice for ``order`` now, or None if they may.

    The one place for the rules; the view and the order page both ask here.
    """
    if order.customer_id != customer.pk:
        return Refusal("not_owner", "This order does not belong to your account.")
    if order.status != Order.Status.PAID or order.paid_at is None:
        if order.status == Order.Status.CANCELLED:
            return Refusal("not_paid", "This order was cancelled, so there is nothing to invoice.")
        return Refusal("not_paid", "An invoice can be generated once the order has been paid.")
    if not customer_email_verified(user=customer.user):
        return Refusal("email_unverified", "Please verify your email address first; we send invoices there.")
    missing = customer.missing_billing_fields
    if missing:
        return Refusal(
            "billing_missing",
            "An invoice needs your billing details. Please add: " + ", ".join(missing) + ".",
            missing_fields=missing,
        )
    restaurant = order.restaurant
    missing_seller = [label for label, attr in SELLER_FIELDS.items() if not str(getattr(restaurant, attr)).strip()]
    if missing_seller:
        return Refusal(
            "seller_incomplete",
            "The restaurant's legal details are incomplete, so it cannot issue invoices yet. Please ask the staff.",
            missing_fields=missing_seller,
        )
    return None


# --- Amounts --------------------------------------------------------------------------
def invoice_lines_compute(order_lines) -> list[InvoiceLine]:
    """Unsaved invoice lines for order lines, with VAT allocated exactly.

    VAT is computed once per rate on the sum of gross amounts (``orders.money``).
    That per-rate VAT is spread over the rate's lines in proportion to their
    gross amounts (largest remainder, ties to the earlier line), so the lines'
    VAT adds up to the per-rate VAT to the cent and net + VAT == gross holds per
    line, per rate and for the whole invoice.
    """
    order_lines = list(order_lines)
    lines = [
        InvoiceLine(
            position=position,
            description=line.name,
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


# --- Numbers ----------------------------------------------------------------------------
def invoice_number_format_check(fmt: str) -> str | None:
    """An error message if ``fmt`` cannot produce unique numbers, else None."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None}
        sample = fmt.format(prefix=settings.INVOICE_PREFIX, year=2025, number=1)
    except (ValueError, KeyError, IndexError) as exc:
        return f"INVOICE_NUMBER_FORMAT {fmt!r} is not a valid format string: {exc}"
    if not {"year", "number"} <= names or not names <= NUMBER_FIELDS:
        return f"INVOICE_NUMBER_FORMAT {fmt!r} must contain {{year}} and {{number}} and only {{prefix}}, {{year}}, {{number}}."
    if len(sample) > 40:
        return f"INVOICE_NUMBER_FORMAT {fmt!r} gives numbers longer than 40 characters."
    return None


def invoice_number_format(*, year: int, number: int) -> str:
    return settings.INVOICE_NUMBER_FORMAT.format(prefix=settings.INVOICE_PREFIX, year=year, number=number)


def invoice_number_allocate(*, restaurant: Restaurant, year: int) -> tuple[int, str]:
    """The next (sequence, formatted number) of ``restaurant`` in ``year``.

    Caller must be inside ``transaction.atomic()`` and create the invoice in
    the same transaction: the counter row stays locked until commit, and a
    rollback returns the number, so the sequence has no gaps.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_number_allocate must run inside transaction.atomic()")
    return _counter_next(_counter_lock(restaurant=restaurant, year=year))


def _counter_lock(*, restaurant: Restaurant, year: int) -> InvoiceNumberCounter:
    counters = InvoiceNumberCounter.objects.filter(restaurant=restaurant, year=year)
    if LOCKING_ENABLED:
        counters = counters.select_for_update()
    counter = counters.first()
    if counter is None:
        # First invoice of the year: INSERT ... ON CONFLICT DO NOTHING waits for a
        # concurrent request doing the same, then both lock the one committed row.
        InvoiceNumberCounter.objects.bulk_create(
            [InvoiceNumberCounter(restaurant=restaurant, year=year, last_number=0)], ignore_conflicts=True
        )
        counter = counters.get()
    return counter


def _counter_next(counter: InvoiceNumberCounter) -> tuple[int, str]:
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, invoice_number_format(year=counter.year, number=counter.last_number)


def invoice_number_and_date_allocate(
    *, restaurant: Restaurant, now: datetime | None = None
) -> tuple[datetime, date, int, str]:
    """The issue time and date and the next (sequence, number) of ``restaurant``, in that order.

    The clock is read only while the counter of the issue year is locked: every
    invoice numbered before this one has committed by then, so its issue time
    is earlier, and numbers and issue dates rise together. If the year turned
    while this request waited for the lock, it locks the new year's counter and
    reads the clock again. ``now`` fixes the issue time (tests, scripts).
    Same transaction rules as ``invoice_number_allocate``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_number_and_date_allocate must run inside transaction.atomic()")
    year = timezone.localdate(now or timezone.now(), restaurant.tzinfo).year
    while True:
        counter = _counter_lock(restaurant=restaurant, year=year)
        moment = now or timezone.now()
        issue_date = timezone.localdate(moment, restaurant.tzinfo)
        if issue_date.year == year:
            return (moment, issue_date, *_counter_next(counter))
        year = issue_date.year


# --- Issuing ------------------------------------------------------------------------------
def _live_invoice(order_id: int) -> Invoice | None:
    return (
        Invoice.objects.filter(order_id=order_id, kind=Invoice.Kind.INVOICE)
        .exclude(status=Invoice.Status.CANCELLED)
        .first()
    )


def invoice_issue(*, order: Order, customer: Customer, now: datetime | None = None) -> Invoice:
    """Issue the invoice for a paid order of ``customer``, or return the live one.

    Raises InvoiceRefused when the rules say no (see ``invoice_refusal``).
    Idempotent: the order row is locked while the invoice is created, so
    concurrent calls for one order give one invoice; a partial unique
    constraint backs this up in the database. The issue date is taken once
    the numbering lock is held (``invoice_number_and_date_allocate``), unless
    ``now`` fixes it.
    """
    existing = _live_invoice(order.pk)
    if existing is not None:
        if existing.customer_id != customer.pk:
            raise InvoiceRefused(Refusal("not_owner", "This order does not belong to your account."))
        return existing
    refusal = invoice_refusal(order=order, customer=customer)
    if refusal is not None:
        raise InvoiceRefused(refusal)
    try:
        return _invoice_create(order_id=order.pk, customer_id=customer.pk, now=now)
    except IntegrityError:
        # Reachable only if the lock was bypassed: another request won the race.
        existing = _live_invoice(order.pk)
        if existing is None:
            raise
        return existing


def _invoice_create(*, order_id: int, customer_id: int, now: datetime | None) -> Invoice:
    with transaction.atomic():
        # Lock order: the order row first, then the counter (as in invoice_cancel),
        # so two transactions never wait on each other in opposite order.
        orders = Order.objects.select_related("restaurant")
        if LOCKING_ENABLED:
            orders = orders.select_for_update(of=("self",))
        order = orders.get(pk=order_id)
        existing = _live_invoice(order.pk)
        if existing is not None:
            return existing
        customer = Customer.objects.select_related("user").get(pk=customer_id)
        # Re-check on the locked, fresh rows (the order may have changed meanwhile).
        refusal = invoice_refusal(order=order, customer=customer)
        if refusal is not None:
            raise InvoiceRefused(refusal)

        lines = invoice_lines_compute(order.lines.order_by("id"))
        refusal = _lines_refusal(order=order, lines=lines)
        if refusal is not None:
            # Never issue a document whose lines disagree with what was paid. Raised
            # before a number is allocated, and the rollback keeps nothing anyway.
            logger.error("Order #%s: %s", order.pk, refusal.message)
            raise InvoiceRefused(refusal)
        gross = sum(line.gross_cents for line in lines)
        tax = sum(line.vat_cents for line in lines)

        seller = order.restaurant
        supply_date = timezone.localdate(order.paid_at, seller.tzinfo)
        _, issue_date, sequence, number = invoice_number_and_date_allocate(restaurant=seller, now=now)
        invoice = Invoice.objects.create(
            kind=Invoice.Kind.INVOICE,
            restaurant=seller,
            customer=customer,
            order=order,
            year=issue_date.year,
            sequence=sequence,
            number=number,
            issue_date=issue_date,
            supply_date=supply_date,
            due_date=None,  # the order is paid before it can be invoiced
            currency=order.currency,
            subtotal_cents=gross - tax,
            tax_cents=tax,
            total_cents=gross,
            status=Invoice.Status.DRAFT,
            notes=f"Paid in full on {supply_date:%d %B %Y}; nothing is due. Order #{order.pk}.",
            **_seller_copy(seller),
            **_buyer_copy(customer),
        )
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        _after_commit(invoice.pk)
    return invoice


def _lines_refusal(*, order: Order, lines: list[InvoiceLine]) -> Refusal | None:
    """A refusal when the order's lines do not add up to the total that was paid (a data error)."""
    gross = sum(line.gross_cents for line in lines)
    if lines and gross == order.total_cents:
        return None
    if not lines:
        return Refusal("lines_mismatch", "This order has no items, so there is nothing to invoice.")
    return Refusal(
        "lines_mismatch",
        f"The items of this order add up to {format_money(gross, order.currency)}, but the order total is "
        f"{format_money(order.total_cents, order.currency)}, so we can't issue an invoice for it. "
        "Please ask the restaurant's staff to check the order.",
    )


def _seller_copy(restaurant: Restaurant) -> dict:
    return {
        "seller_name": restaurant.legal_name.strip(),
        "seller_street": restaurant.street.strip(),
        "seller_postal_code": restaurant.postal_code.strip(),
        "seller_city": restaurant.city.strip(),
        "seller_country": restaurant.country.strip().upper(),
        "seller_vat_id": restaurant.vat_id.strip(),
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


# --- Status changes and cancellation ----------------------------------------------------------
ALLOWED_TRANSITIONS = {
    Invoice.Status.DRAFT: {Invoice.Status.SENT, Invoice.Status.PAID},
    Invoice.Status.SENT: {Invoice.Status.PAID},
    Invoice.Status.PAID: set(),
    Invoice.Status.CANCELLED: set(),
}
_STATUS_TIMESTAMP = {Invoice.Status.SENT: "sent_at", Invoice.Status.PAID: "paid_at"}


def invoice_set_status(*, invoice: Invoice, status: str) -> Invoice:
    """Mark an invoice sent or paid (bookkeeping state only; amounts never change).

    Cancelling goes through ``invoice_cancel``, which issues a document.
    """
    status = Invoice.Status(status)
    if status == Invoice.Status.CANCELLED:
        raise ValidationError("Use invoice_cancel to cancel an invoice.")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if status == locked.status:
            return locked
        if status not in ALLOWED_TRANSITIONS[Invoice.Status(locked.status)]:
            raise ValidationError(
                f"{locked.title} {locked.number} is {locked.get_status_display().lower()} "
                f"and cannot be marked {status.label.lower()}."
            )
        locked.status = status
        setattr(locked, _STATUS_TIMESTAMP[status], timezone.now())
        locked.save(update_fields=["status", _STATUS_TIMESTAMP[status]])
    return locked


def invoice_cancel(*, invoice: Invoice, now: datetime | None = None) -> Invoice:
    """Cancel an invoice by issuing a cancellation document; returns that document.

    The original keeps its number and content and is marked cancelled; the
    cancellation gets the next number of the sequence and negated lines and
    totals, so the two sum to zero in the books. The order can then be invoiced
    again (e.g. after the customer corrected the billing address).
    """
    with transaction.atomic():
        orders = Order.objects.all()
        if LOCKING_ENABLED:
            orders = orders.select_for_update()
        orders.get(pk=invoice.order_id)  # same lock order as _invoice_create
        original = Invoice.objects.select_for_update().select_related("restaurant").get(pk=invoice.pk)
        if original.is_cancellation:
            raise ValidationError(f"{original.number} is a cancellation document and cannot be cancelled.")
        if original.status == Invoice.Status.CANCELLED:
            raise ValidationError(f"Invoice {original.number} is already cancelled.")

        moment, issue_date, sequence, number = invoice_number_and_date_allocate(restaurant=original.restaurant, now=now)
        frozen = {
            name: getattr(original, name)
            for name in [f.name for f in Invoice._meta.fields]
            if name.startswith(("seller_", "buyer_"))
        }
        document = Invoice.objects.create(
            kind=Invoice.Kind.CANCELLATION,
            cancels=original,
            restaurant_id=original.restaurant_id,
            customer_id=original.customer_id,
            order_id=original.order_id,
            year=issue_date.year,
            sequence=sequence,
            number=number,
            issue_date=issue_date,
            supply_date=original.supply_date,
            currency=original.currency,
            subtotal_cents=-original.subtotal_cents,
            tax_cents=-original.tax_cents,
            total_cents=-original.total_cents,
            status=Invoice.Status.DRAFT,
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
        original.status = Invoice.Status.CANCELLED
        original.cancelled_at = moment
        original.save(update_fields=["status", "cancelled_at"])
        _after_commit(document.pk)
    return document


# --- After commit: PDF and mail ------------------------------------------------------------------
def invoice_pdf_name(invoice: Invoice) -> str:
    owner = invoice.customer_id if invoice.customer_id is not None else "deleted"
    return f"customers/{owner}/invoices/{invoice.pdf_filename}"


def invoice_pdf_store(*, invoice: Invoice) -> bytes:
    """Render the PDF from the frozen data and write it to the private storage; returns the bytes.

    Never call inside a transaction: rendering takes tens of milliseconds and
    must not hold row locks.

    Safe to run twice at once (two downloads of a missing file). Nothing is
    deleted before the new copy is written: the file is saved under its stable
    name, which ``PrivateFileSystemStorage`` (like S3) overwrites atomically.
    The invoice then records the name the storage actually returned, with a
    compare-and-set on the previous PDF fields: one writer wins, and a copy
    that ended up under another name (a storage that never overwrites) is
    deleted by whoever wrote it, so no orphan stays behind.
    """
    from invoices.pdf import invoice_render_pdf

    pdf = invoice_render_pdf(invoice)
    storage = invoice_storage()
    previous_path, previous_rendered_at = invoice.pdf_path, invoice.pdf_rendered_at
    stored = storage.save(previous_path or invoice_pdf_name(invoice), ContentFile(pdf))
    rendered_at = timezone.now()
    won = Invoice.objects.filter(pk=invoice.pk, pdf_path=previous_path, pdf_rendered_at=previous_rendered_at).update(
        pdf_path=stored, pdf_rendered_at=rendered_at, pdf_error=""
    )
    if won:
        if previous_path and previous_path != stored:
            storage.delete(previous_path)  # the storage kept the old copy instead of overwriting it
        invoice.pdf_path, invoice.pdf_rendered_at, invoice.pdf_error = stored, rendered_at, ""
    else:
        # Another rendering was recorded first; keep that one.
        invoice.refresh_from_db(fields=["pdf_path", "pdf_rendered_at", "pdf_error"])
        if stored != invoice.pdf_path:
            storage.delete(stored)
    return pdf


def _pdf_complete(data: bytes) -> bool:
    # A PDF starts with its header and ends with %%EOF; a cut-off write does not.
    return data.startswith(b"%PDF-") and data[-64:].rstrip().endswith(b"%%EOF")


def invoice_pdf_bytes(*, invoice: Invoice) -> bytes:
    """The stored PDF, or a fresh rendering when the file is missing, unreadable or incomplete.

    Works on any storage backend: a missing file is found with ``exists()``,
    not by the error ``open()`` happens to raise (an object store raises its
    own), and any error while reading falls back to rendering again from the
    frozen data, which is the record; the file is only a copy of it.
    """
    storage = invoice_storage()
    if invoice.pdf_path:
        try:
            if not storage.exists(invoice.pdf_path):
                logger.warning("Invoice %s: stored PDF missing, rendering it again", invoice.number)
            else:
                with storage.open(invoice.pdf_path, "rb") as handle:
                    data = handle.read()
                if _pdf_complete(data):
                    return data
                logger.warning("Invoice %s: stored PDF incomplete, rendering it again", invoice.number)
        except Exception:
            logger.warning("Invoice %s: stored PDF unreadable, rendering it again", invoice.number, exc_info=True)
    return invoice_pdf_store(invoice=invoice)


def invoice_email_send(*, invoice: Invoice) -> bool:
    """Mail the customer that the document is ready (a link, no attachment); True if accepted."""
    if invoice.customer is None:
        return False
    url = settings.SITE_URL + reverse("invoices:detail", args=[invoice.pk])
    sent = email_send(name="invoice_ready", to=invoice.customer.user.email, context={"invoice": invoice, "url": url})
    if sent:
        Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.DRAFT).update(
            status=Invoice.Status.SENT, sent_at=timezone.now()
        )
    return sent


def invoices_undelivered(*, older_than: timedelta):
    """Issued documents whose "ready" mail never went out (SMTP down at the time), oldest first.

    ``older_than`` leaves alone the ones a request is still delivering.
    """
    return (
        Invoice.objects.filter(
            status=Invoice.Status.DRAFT, customer__isnull=False, created_at__lt=timezone.now() - older_than
        )
        .select_related("customer__user")
        .order_by("created_at", "pk")
    )


def invoice_deliver(*, invoice: Invoice) -> bool | None:
    """Second try of the after-commit work: the PDF if it is missing, then the mail.

    True if the mail went out, False if it failed again, None if there was
    nothing to do: it was sent meanwhile, or another run is sending it (the
    row lock, taken with SKIP LOCKED, makes overlapping cron runs send each
    mail once).
    """
    if not invoice.pdf_path:
        try:
            invoice_pdf_store(invoice=invoice)
        except Exception:
            # The mail only links to the portal, whose download renders again.
            logger.exception("Invoice %s: PDF rendering failed again", invoice.number)
    with transaction.atomic():
        claimed = (
            Invoice.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("customer__user")
            .filter(pk=invoice.pk, status=Invoice.Status.DRAFT)
            .first()
        )
        if claimed is None:
            return None
        return invoice_email_send(invoice=claimed)


def _after_commit(invoice_id: int) -> None:
    def render_and_mail():
        invoice_after_issue(invoice_id=invoice_id)

    # robust: an unexpected error is logged and never reaches the customer's response.
    transaction.on_commit(render_and_mail, robust=True)


def invoice_after_issue(*, invoice_id: int) -> None:
    """Runs after the issuing transaction committed: render, store, mail.

    Each step fails on its own: a broken renderer leaves the invoice without a
    file (the download renders it again), a broken mail server leaves it
    unsent (staff can see that in the admin); the invoice itself is safe.
    """
    invoice = Invoice.objects.select_related("customer__user").get(pk=invoice_id)
    try:
        invoice_pdf_store(invoice=invoice)
    except Exception as exc:
        logger.exception("Invoice %s: PDF rendering failed; the download will retry", invoice.number)
        invoice.pdf_error = f"{type(exc).__name__}: {exc}"[:255]
        invoice.save(update_fields=["pdf_error"])
    try:
        invoice_email_send(invoice=invoice)
    except Exception:
        logger.exception("Invoice %s: could not prepare the mail; the invoice stays unsent", invoice.number)
