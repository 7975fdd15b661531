from datetime import timedelta

from django.core.management.base import BaseCommand

from invoices.services import invoice_deliver, invoices_undelivered


class Command(BaseCommand):
    help = (
        'Send the "your invoice is ready" mails that failed (mail server down), rendering missing PDFs first. '
        "Safe to run from cron: only documents still marked issued-but-not-sent are touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=15,
            metavar="MINUTES",
            help="only documents issued at least this long ago (default 15), so a request still sending is left alone",
        )
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, send nothing")

    def handle(self, *args, older_than, dry_run, **options):
        pending = list(invoices_undelivered(older_than=timedelta(minutes=older_than)))
        if not pending:
            self.stdout.write("No unsent invoice mails.")
            return
        sent = failed = 0
        for invoice in pending:
            if dry_run:
                self.stdout.write(f"would send {invoice.number} (issued {invoice.created_at:%Y-%m-%d %H:%M} UTC)")
                continue
            outcome = invoice_deliver(invoice=invoice)
            if outcome is None:
                self.stdout.write(f"skipped {invoice.number} (sent meanwhile, or another run is sending it)")
            elif outcome:
                sent += 1
                self.stdout.write(f"sent {invoice.number}")
            else:
                failed += 1
                self.stdout.write(self.style.WARNING(f"failed {invoice.number} (see the log); will retry next run"))
        if dry_run:
            self.stdout.write(f"{len(pending)} mail(s) would be sent (dry run).")
        else:
            self.stdout.write(f"{sent} sent, {failed} failed.")
