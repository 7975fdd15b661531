"""Delivering issued documents: the "ready" mail with a link, after commit and again from cron.

Delivery never blocks or loses the invoice: it runs after the issuing
transaction committed, each step fails on its own, and
``invoices_send_pending`` retries what failed.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from customers.emails import email_send
from invoices.models import Invoice
from invoices.services.pdf_storage import invoice_pdf_bytes, invoice_pdf_store
from invoices.services.status import InvoiceStatusRefused, invoice_set_status

logger = logging.getLogger(__name__)


def invoice_email_send(*, invoice: Invoice) -> bool:
    """Mail the customer that the document is ready (a link, no attachment); True if accepted.

    A document without a customer account goes, with the PDF attached, to the
    address staff typed in for the buyer (``buyer_email``), if any.
    """
    if invoice.customer is None:
        return _buyer_email_send(invoice=invoice)
    url = settings.SITE_URL + reverse("invoices:detail", args=[invoice.pk])
    sent = email_send(name="invoice_ready", to=invoice.customer.user.email, context={"invoice": invoice, "url": url})
    if sent:
        try:
            invoice_set_status(invoice=invoice, status=Invoice.Status.SENT)
        except InvoiceStatusRefused:
            pass  # paid or cancelled meanwhile; the mail went out, the newer state stays
    return sent


def _buyer_email_send(*, invoice: Invoice) -> bool:
    if not invoice.buyer_email:
        return False
    sent = email_send(
        name="invoice_for_buyer",
        to=invoice.buyer_email,
        context={"invoice": invoice},
        attachments=[(invoice.pdf_filename, invoice_pdf_bytes(invoice=invoice), "application/pdf")],
    )
    if sent:
        try:
            invoice_set_status(invoice=invoice, status=Invoice.Status.SENT)
        except InvoiceStatusRefused:
            pass
    return sent


def invoices_undelivered(*, older_than: timedelta) -> QuerySet[Invoice]:
    """Issued documents whose "ready" mail never went out (SMTP down at the time), oldest first.

    ``older_than`` leaves alone the ones a request is still delivering.
    """
    return (
        Invoice.objects.filter(
            status=Invoice.Status.ISSUED, customer__isnull=False, created_at__lt=timezone.now() - older_than
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
            .filter(pk=invoice.pk, status=Invoice.Status.ISSUED)
            .first()
        )
        if claimed is None:
            return None
        return invoice_email_send(invoice=claimed)


def invoice_deliver_after_commit(*, invoice_id: int) -> None:
    """Render, store and mail the document once the current transaction commits (``invoice_after_issue``)."""

    def render_and_mail() -> None:
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
