import os
import tempfile
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from invoices.accounting.bookings import ExportRefused
from invoices.accounting.export import export_zip_write
from orders.models import Company


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Write the accountant's export of a company for a period (ZIP: DATEV Buchungsstapel, bookings CSV, "
        "every document's PDF, index, summary with the gap report). Exits with status 1 if a number is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--company", required=True, type=int, help="Company id")
        parser.add_argument("--from", dest="date_from", required=True, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="Last day (inclusive), YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="The ZIP file to write")
        parser.add_argument(
            "--decimal-point",
            action="store_true",
            help="Plain CSVs with 12.50 instead of 12,50 (DATEV keeps its comma)",
        )

    def handle(self, *args, company, date_from, date_to, out, decimal_point, **options):
        found = Company.objects.filter(pk=company).first()
        if found is None:
            raise CommandError(f"No company with id {company}.")
        start, end = _day(date_from), _day(date_to)
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(f"The directory {target.parent} does not exist.")
        # Written beside the target and renamed at the end: a refused or failed export leaves no half ZIP.
        handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".zip.part")
        try:
            with os.fdopen(handle, "wb") as stream:
                gaps = export_zip_write(
                    company=found,
                    date_from=start,
                    date_to=end,
                    out=stream,
                    decimal_comma=not decimal_point,
                    exported_by="manage.py",
                )
            os.replace(partial, target)
        except ExportRefused as refused:
            raise CommandError(str(refused)) from None
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        self.stdout.write(f"Wrote {target}: {gaps.count} document(s), {gaps.first or '-'} to {gaps.last or '-'}.")
        if gaps.missing:
            raise CommandError(f"Missing document numbers: {', '.join(gaps.missing)} (see summary.txt).")
