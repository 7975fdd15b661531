"""The mail outbox: requests queue a rendered mail, a Celery task sends it.

At least once, never lost: the row is written in the caller's transaction,
the task is enqueued after commit, and the beat sweep re-enqueues rows left
pending (a lost task, a worker killed mid-send). Sent once: the task claims
the row with a row lock (SKIP LOCKED) and marks it sent in the same
transaction, so a second run finds nothing to do. The one duplicate left is a
worker dying after the mail server accepted the mail but before the commit.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from common.models import OutboundMail

logger = logging.getLogger(__name__)


def mail_queue(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    key: str | None = None,
    attachment: tuple[str, bytes, str] | None = None,
    language: str = "",
) -> OutboundMail:
    """Store the mail and send it from a task once the current transaction commits.

    With a ``key`` the mail is queued once: a second call returns the first row.
    ``attachment`` is ``(filename, content, mimetype)``. ``language`` records
    the language the mail was rendered in (``common.i18n.mail_language_for``).
    """
    mail, created = mail_store(
        key=key, kind=kind, to=to, subject=subject, text=text, html=html, attachment=attachment, language=language
    )
    if not created:
        return mail
    mail_enqueue_after_commit(mail_id=mail.pk)
    return mail


def mail_store(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    key: str | None = None,
    attachment: tuple[str, bytes, str] | None = None,
    language: str = "",
) -> tuple[OutboundMail, bool]:
    """The outbox row, not enqueued: with a ``key`` the existing one if any; returns (row, created)."""
    fields: dict[str, object] = {
        "kind": kind,
        "to": to,
        "subject": subject,
        "text": text,
        "html": html,
        "language": language,
    }
    if attachment is not None:
        fields.update(attachment_name=attachment[0], attachment=attachment[1], attachment_mimetype=attachment[2])
    if key is None:
        return OutboundMail.objects.create(**fields), True
    return OutboundMail.objects.get_or_create(key=key, defaults=fields)


def mail_queued_ok(*, mail: OutboundMail) -> bool:
    """False if the mail is known to have failed already (an eager run outside a transaction)."""
    mail.refresh_from_db(fields=["status"])
    return mail.status != OutboundMail.Status.FAILED


def mail_enqueue_after_commit(*, mail_id: int) -> None:
    from common.tasks import mail_send

    # robust: a broker that is down must not turn the request into an error; the sweep re-enqueues.
    transaction.on_commit(lambda: mail_send.delay(mail_id), robust=True)


def mail_deliver(*, mail_id: int) -> bool | None:
    """Send a pending mail once: True if the server accepted it, False if sending failed.

    None if there was nothing to do: sent or given up already, or another run
    holds the row right now.
    """
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update(skip_locked=True).filter(
            pk=mail_id, status=OutboundMail.Status.PENDING
        )
        claimed = mail.first()
        if claimed is None:
            return None
        claimed.attempts += 1
        message = EmailMultiAlternatives(
            subject=claimed.subject, body=claimed.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[claimed.to]
        )
        if claimed.html:
            message.attach_alternative(claimed.html, "text/html")
        if claimed.attachment_name:
            message.attach(claimed.attachment_name, bytes(claimed.attachment or b""), claimed.attachment_mimetype)
        try:
            message.send()
        except Exception as exc:
            # The recipient and kind are logged; the body never is (it may hold links with tokens).
            logger.warning("Could not send %s mail to %s (outbox %s): %s", claimed.kind, claimed.to, claimed.pk, exc)
            claimed.last_error = f"{type(exc).__name__}: {exc}"[:255]
            claimed.save(update_fields=["attempts", "last_error", "updated_at"])
            return False
        claimed.status, claimed.sent_at, claimed.last_error = OutboundMail.Status.SENT, timezone.now(), ""
        claimed.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])
        return True


def mail_give_up(*, mail_id: int) -> None:
    """After the last retry: the row shows as failed in the admin; ``mail_resend`` queues it again."""
    OutboundMail.objects.filter(pk=mail_id, status=OutboundMail.Status.PENDING).update(
        status=OutboundMail.Status.FAILED, updated_at=timezone.now()
    )
    logger.error("Mail %s: gave up after retries; resend with manage.py mail_resend", mail_id)


def mails_unfinished(*, older_than: timedelta) -> QuerySet[OutboundMail]:
    """Pending mails nobody touched for a while: their task was lost (worker killed, broker down)."""
    return OutboundMail.objects.filter(
        status=OutboundMail.Status.PENDING, updated_at__lt=timezone.now() - older_than
    ).order_by("pk")


def mails_resend(*, mail_ids: list[int] | None = None) -> int:
    """Put failed mails (all, or these ids) back to pending and enqueue them; returns how many."""
    failed = OutboundMail.objects.filter(status=OutboundMail.Status.FAILED)
    if mail_ids is not None:
        failed = failed.filter(pk__in=mail_ids)
    ids = list(failed.values_list("pk", flat=True))
    OutboundMail.objects.filter(pk__in=ids, status=OutboundMail.Status.FAILED).update(
        status=OutboundMail.Status.PENDING, attempts=0, updated_at=timezone.now()
    )
    for mail_id in ids:
        mail_enqueue_after_commit(mail_id=mail_id)
    return len(ids)
