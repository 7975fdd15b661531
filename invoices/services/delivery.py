"""Delivering issued documents: PDF and the "ready" mail in a Celery task enqueued after commit.

Delivery never blocks or loses the invoice: the request only enqueues
``invoices.tasks.invoice_prepare``; each step fails on its own and is retried
with backoff, the beat sweep re-enqueues what is still unfinished, and
``invoices_send_pending`` does the same by hand.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from common.i18n import supported_language
from common.mail import mail_deliver, mail_store
from common.models import OutboundMail
from customers.emails import email_render
from invoices.models import Invoice
from invoices.services.pdf_storage import invoice_pdf_bytes, invoice_pdf_store
from invoices.services.status import InvoiceStatusRefused, invoice_set_status

logger = logging.getLogger(__name__)


def invoice_email_send(*, invoice: Invoice) -> bool:
    """Mail the customer that the document is ready (a link, no attachment); True once it went out.

    A document without a customer account goes, with the PDF attached, to the
    address staff typed in for the buyer (``buyer_email``), if any. The mail
    is one outbox row per invoice (its key), so running this twice sends one
    mail; when it went out the invoice is marked sent.
    """
    if invoice.customer is None:
        if not invoice.buyer_email:
            return False
        return _invoice_mail_send(
            invoice=invoice,
            key=invoice_mail_key(invoice_id=invoice.pk),
            name="invoice_for_buyer",
            to=invoice.buyer_email,
            context={"invoice": invoice},
            language=invoice_mail_language(invoice=invoice),
            attachment=(invoice.pdf_filename, invoice_pdf_bytes(invoice=invoice), "application/pdf"),
        )
    url = settings.SITE_URL + reverse("invoices:detail", args=[invoice.pk])
    return _invoice_mail_send(
        invoice=invoice,
        key=invoice_mail_key(invoice_id=invoice.pk),
        # A cancellation or correction announces what it corrects, with the reason.
        name="invoice_corrected" if invoice.is_corrective and invoice.corrected_document else "invoice_ready",
        to=invoice.customer.user.email,
        context={"invoice": invoice, "url": url},
        language=invoice_mail_language(invoice=invoice),
    )


def invoice_mail_language(*, invoice: Invoice) -> str:
    """The recipient's language: the customer's saved preference, else the document's language."""
    saved = supported_language(invoice.customer.user.language) if invoice.customer is not None else None
    return saved or supported_language(invoice.language) or "en"


def _invoice_mail_send(
    *,
    invoice: Invoice,
    key: str,
    name: str,
    to: str,
    context: dict,
    language: str,
    attachment: tuple[str, bytes, str] | None = None,
) -> bool:
    # Sent here, in the caller (a request or the invoice task), not by a second task: the invoice's status follows.
    with translation.override(language):
        subject, text, html = email_render(name=name, context=context)
    mail, _ = mail_store(key=key, kind=name, to=to, subject=subject, text=text, html=html, attachment=attachment)
    if mail.status == OutboundMail.Status.FAILED:
        # Given up by the task: an explicit delivery (invoices_send_pending) tries again.
        OutboundMail.objects.filter(pk=mail.pk, status=OutboundMail.Status.FAILED).update(
            status=OutboundMail.Status.PENDING, attempts=0
        )
    delivered = mail_deliver(mail_id=mail.pk)
    if delivered is None:
        # Nothing done here: sent before, or another run holds the row; the row says which.
        mail.refresh_from_db(fields=["status"])
    sent = delivered is True or (delivered is None and mail.status == OutboundMail.Status.SENT)
    if sent:
        try:
            invoice_set_status(invoice=invoice, status=Invoice.Status.SENT)
        except InvoiceStatusRefused:
            pass  # paid or cancelled meanwhile; the mail went out, the newer state stays
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


# One outbox row per document, whether it goes to the customer or to a walk-in buyer.
INVOICE_MAIL_KEY_PREFIX = "invoice_ready:"


def invoice_mail_key(*, invoice_id: int) -> str:
    return f"{INVOICE_MAIL_KEY_PREFIX}{invoice_id}"


def invoice_deliver_after_commit(*, invoice_id: int) -> None:
    """Enqueue rendering, storing and mailing (``invoices.tasks.invoice_prepare``) once the transaction commits."""
    from invoices.tasks import invoice_prepare

    # robust: a broker that is down never reaches the customer's response; the sweep re-enqueues.
    transaction.on_commit(lambda: invoice_prepare.delay(invoice_id), robust=True)


def invoice_after_issue(*, invoice_id: int) -> bool:
    """The task's body: store the PDF if missing, then send the mail if not sent; True when both are done.

    Each step fails on its own: a broken renderer or storage leaves the
    invoice without a file (the download renders it on demand), a broken
    mail server leaves it unsent (staff see it in the admin); the invoice
    itself is safe and the task retries what is missing.
    """
    invoice = Invoice.objects.select_related("customer__user").get(pk=invoice_id)
    stored = bool(invoice.pdf_path)
    if not stored:
        try:
            invoice_pdf_store(invoice=invoice)
            stored = True
        except Exception as exc:
            logger.exception("Invoice %s: PDF rendering failed; the download will retry", invoice.number)
            Invoice.objects.filter(pk=invoice.pk).update(pdf_error=f"{type(exc).__name__}: {exc}"[:255])
    mailed = (invoice.customer is None and not invoice.buyer_email) or invoice.status != Invoice.Status.ISSUED
    if not mailed:
        try:
            mailed = invoice_deliver(invoice=invoice) is not False
        except Exception:
            logger.exception("Invoice %s: could not prepare the mail; the invoice stays unsent", invoice.number)
    return stored and mailed
