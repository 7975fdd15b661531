"""Celery tasks of the bottom layer: sending queued mails, the sweep, session clean-up."""

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.management import call_command

from common.mail import mail_deliver, mail_give_up, mails_unfinished


def retry_countdown(retries: int) -> int:
    """Exponential backoff: base, 2x base, 4x base ... seconds, capped at 10 minutes."""
    return int(min(settings.TASK_RETRY_BASE_SECONDS * (2**retries), 600))


@shared_task(bind=True, max_retries=None)
def mail_send(self: Any, mail_id: int) -> None:
    """Send one outbox row (only its id travels through the broker and the logs)."""
    if mail_deliver(mail_id=mail_id) is not False:
        return
    if self.request.is_eager or self.request.retries >= settings.TASK_MAX_RETRIES:
        # Eager (no worker): one try in the request, then staff and mail_resend take over.
        mail_give_up(mail_id=mail_id)
        return
    raise self.retry(countdown=retry_countdown(self.request.retries))


@shared_task
def mails_sweep() -> int:
    """Beat: re-enqueue mails whose task got lost; the claim makes a duplicate task harmless."""
    ids = list(
        mails_unfinished(older_than=timedelta(seconds=settings.TASK_SWEEP_AFTER_SECONDS)).values_list("pk", flat=True)
    )
    for mail_id in ids:
        mail_send.delay(mail_id)
    return len(ids)


@shared_task
def sessions_clear() -> None:
    """Beat, daily: what the clearsessions cron line did."""
    call_command("clearsessions")
