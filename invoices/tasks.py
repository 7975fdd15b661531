"""Celery tasks for documents: render, store and mail after issue; the sweep for lost work."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from common.mail import mail_give_up
from common.models import OutboundMail
from common.tasks import retry_countdown
from invoices.models import Invoice
from invoices.services.delivery import INVOICE_MAIL_KEY_PREFIX, invoice_after_issue, invoice_mail_key


@shared_task(bind=True, max_retries=None)
def invoice_prepare(self, invoice_id: int) -> None:
    """Store the PDF and send the "ready" mail; both steps are idempotent, so a rerun only finishes what is missing."""
    if invoice_after_issue(invoice_id=invoice_id):
        return
    if self.request.is_eager:
        return  # no worker to retry later: invoices_send_pending (or the sweep, with a worker) finishes it
    if self.request.retries >= settings.TASK_MAX_RETRIES:
        # Given up: the admin shows the failed mail, invoices_send_pending sends it; the download renders on demand.
        mail = OutboundMail.objects.filter(key=invoice_mail_key(invoice_id=invoice_id)).first()
        if mail is not None:
            mail_give_up(mail_id=mail.pk)
        return
    raise self.retry(countdown=retry_countdown(self.request.retries))


@shared_task
def invoices_sweep() -> int:
    """Beat: re-enqueue documents still without a file or an unsent mail (a lost task); replaces the cron job."""
    cutoff = timezone.now() - timedelta(seconds=settings.TASK_SWEEP_AFTER_SECONDS)
    ids = list(
        Invoice.objects.filter(created_at__lt=cutoff, created_at__gt=cutoff - timedelta(days=7))
        .filter(Q(pdf_path="") | Q(status=Invoice.Status.ISSUED) & (Q(customer__isnull=False) | ~Q(buyer_email="")))
        .values_list("pk", flat=True)
    )
    given_up = {
        key.rsplit(":", 1)[-1]
        for key in OutboundMail.objects.filter(
            key__startswith=INVOICE_MAIL_KEY_PREFIX, status=OutboundMail.Status.FAILED
        ).values_list("key", flat=True)
    }
    ids = [invoice_id for invoice_id in ids if str(invoice_id) not in given_up]
    for invoice_id in ids:
        invoice_prepare.delay(invoice_id)
    return len(ids)
