from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from common.mail import mails_resend
from common.models import OutboundMail


class Command(BaseCommand):
    help = "Queue the mails the worker gave up on (mail server down for too long) again; --id for some of them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--id", type=int, action="append", dest="ids", metavar="ID", help="only this outbox row")
        parser.add_argument("--dry-run", action="store_true", help="list what would be queued, queue nothing")

    def handle(self, *args: Any, ids: list[int] | None, dry_run: bool, **options: Any) -> None:
        if dry_run:
            failed = OutboundMail.objects.filter(status=OutboundMail.Status.FAILED)
            if ids:
                failed = failed.filter(pk__in=ids)
            for mail in failed.order_by("pk"):
                self.stdout.write(f"would queue {mail.pk}: {mail.kind} to {mail.to} ({mail.last_error})")
            return
        count = mails_resend(mail_ids=ids)
        self.stdout.write(f"{count} mail(s) queued again.")
