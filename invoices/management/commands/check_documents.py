from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from invoices.integrity import DocumentCheck, invoice_documents_check, invoice_freeze_triggers_missing

# The PostgreSQL trigger that freezes recorded payments (migration orders.0014_payment_tamper_trigger);
# the accountant's export books revenue from these rows.
PAYMENT_FREEZE_TRIGGERS = {"orders_payment_frozen": "orders_payment"}


def payment_freeze_triggers_missing() -> list[str]:
    """The payment freeze trigger if absent or disabled (PostgreSQL); always empty on other databases.

    The same check as ``invoice_freeze_triggers_missing``, for ``PAYMENT_FREEZE_TRIGGERS``.
    """
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgname = ANY(%s) AND c.relname = ANY(%s)",
            [list(PAYMENT_FREEZE_TRIGGERS), list(PAYMENT_FREEZE_TRIGGERS.values())],
        )
        active = {name for (name,) in cursor.fetchall()}
    return sorted(f"{name} on {table}" for name, table in PAYMENT_FREEZE_TRIGGERS.items() if name not in active)


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
        for trigger in [*invoice_freeze_triggers_missing(), *payment_freeze_triggers_missing()]:
            problems += 1
            self.stdout.write(f"database\ttrigger missing or disabled\t{trigger}")
        note = f"; {summary.without_hash} stored before hashes were recorded" if summary.without_hash else ""
        self.stdout.write(f"Checked {summary.checked} document(s): {problems} problem(s){note}.")
        if problems:
            raise CommandError(f"{problems} document(s) need attention (listed above).")
