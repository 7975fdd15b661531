from django.core.management.base import BaseCommand, CommandError

from invoices.integrity import DocumentCheck, invoice_documents_check, invoice_freeze_triggers_missing


class Command(BaseCommand):
    help = (
        "List issued documents whose stored PDF is missing, unreadable, never stored, or differs from the "
        "SHA-256 recorded when it was stored; documents whose frozen rows no longer give the XML SHA-256 "
        "recorded at issue; and (PostgreSQL) any missing or disabled trigger that freezes issued documents "
        "or recorded payments. Exits with status 1 if there is any. Run it after a restore."
    )

    def handle(self, *args, **options):
        summary = DocumentCheck()
        problems = 0
        for problem in invoice_documents_check(summary=summary):
            problems += 1
            detail = f" ({problem.detail})" if problem.detail else ""
            where = problem.path or "-"
            self.stdout.write(f"{problem.number}\tid {problem.invoice_id}\t{problem.problem}\t{where}{detail}")
        for trigger in invoice_freeze_triggers_missing():
            problems += 1
            self.stdout.write(f"database\ttrigger missing or disabled\t{trigger}")
        note = f"; {summary.without_hash} stored before hashes were recorded" if summary.without_hash else ""
        self.stdout.write(f"Checked {summary.checked} document(s): {problems} problem(s){note}.")
        if problems:
            raise CommandError(f"{problems} document(s) need attention (listed above).")
