"""The accountant's ZIP for one company and period: bookings, supporting documents, index, summary, gap report.

Contents (names fixed, so an accountant's import script can rely on them):

- ``EXTF_Buchungsstapel_<from>_<to>.csv``: the DATEV file (``invoices.accounting.datev``);
- ``bookings.csv``: the same bookings for other software (UTF-8 with BOM, semicolon,
  decimal comma unless asked for a point, debit and credit account per line);
- ``documents/<number>.pdf`` (and ``.xml`` where the document has an e-invoice XML):
  every document issued in the period, the supporting records;
- ``documents/index.csv``: one row per document (number, kind, date, payment, orders,
  amounts per VAT rate);
- ``summary.txt``: totals per rate, per payment method, tips, first and last document
  number and the gap report (numbers missing from the company's range; there must be none).

Memory stays flat: bookings are streamed into the ZIP (the plain CSV into a spooled
temporary file beside it), documents are read in chunks and one PDF at a time.
"""

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.db.models import Max, Min, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from common.money import format_rate, minor_units_to_amount
from common.spreadsheet import spreadsheet_text
from invoices.accounting import datev
from invoices.accounting.bookings import (
    REVERSAL,
    TIP,
    Entry,
    export_entries,
    export_period_check,
    fiscal_year_start,
    period_documents,
)
from invoices.facturx import invoice_facturx_xml, invoice_has_xml
from invoices.models import Invoice, InvoiceLine, InvoiceNumberCounter
from invoices.services.pdf_storage import invoice_pdf_bytes
from orders.models import Company, Order
from orders.takings import METHODS

CHUNK_SIZE = 200  # documents per query; each carries its PDF into the ZIP one at a time


def document_xml(invoice: Invoice) -> bytes | None:
    """The document's EN 16931 XML (Factur-X), or None for a document without one (a receipt without buyer).

    Built again from the frozen rows: the builder is deterministic, so these are the bytes embedded in
    the PDF and hashed at issue.
    """
    if not invoice_has_xml(invoice):
        return None
    return invoice_facturx_xml(invoice, list(invoice.lines.all()))


def _amount(cents: int, currency: str, *, decimal_comma: bool) -> str:
    text = str(minor_units_to_amount(cents, currency))
    return text.replace(".", ",") if decimal_comma else text


def _rate_number(rate: Decimal, *, decimal_comma: bool) -> str:
    text = f"{Decimal(rate).normalize():f}"
    return text.replace(".", ",") if decimal_comma else text


def _csv_writer(out: IO[str]) -> Any:
    return csv.writer(out, delimiter=";", lineterminator="\r\n")


# --- Gap report ---------------------------------------------------------------------------


@dataclass
class NumberRange:
    """The company's document numbers issued in the period (by sequence) and the ones missing."""

    first: str = ""
    last: str = ""
    count: int = 0
    missing: list[str] = field(default_factory=list)


def number_gaps(*, company: Company, date_from: date, date_to: date) -> NumberRange:
    """Numbers missing from the company's range for the period, per year of the sequence.

    The range starts after the last number issued before the period (1 at the start of
    a year) and ends before the first number issued after it; when nothing follows
    yet, at the counter's last number, so a number handed out and then lost at the end
    is reported too. A few queries per calendar year of the period.
    """
    report = NumberRange()
    for year in range(date_from.year, date_to.year + 1):
        same_year = Invoice.objects.filter(company=company, year=year)
        in_period = same_year.filter(issue_date__gte=date_from, issue_date__lte=date_to)
        before = same_year.filter(issue_date__lt=date_from).aggregate(last=Max("sequence"))["last"]
        after = same_year.filter(issue_date__gt=date_to).aggregate(first=Min("sequence"))["first"]
        if after is not None:
            end = after - 1
        else:
            counter = InvoiceNumberCounter.objects.filter(company=company, year=year).values_list(
                "last_number", flat=True
            )
            end = max([*counter, 0])
        expected = (before or 0) + 1
        for sequence, number in in_period.order_by("sequence").values_list("sequence", "number").iterator():
            report.first = report.first or number
            report.last = number
            report.count += 1
            report.missing += [company.invoice_number(year=year, number=n) for n in range(expected, sequence)]
            expected = max(expected, sequence + 1)
        report.missing += [company.invoice_number(year=year, number=n) for n in range(expected, end + 1)]
    return report


# --- The ZIP ------------------------------------------------------------------------------


@dataclass
class Totals:
    """The summary's sums, collected while the bookings stream past (signed: reversals subtract)."""

    revenue_by_rate: dict[Decimal, int] = field(default_factory=dict)
    revenue_by_method: dict[str, int] = field(default_factory=dict)
    tips_by_method: dict[str, int] = field(default_factory=dict)
    reversals: int = 0
    bookings: int = 0

    def add(self, entry: Entry) -> None:
        self.bookings += 1
        if entry.kind == TIP:
            self.tips_by_method[entry.method] = self.tips_by_method.get(entry.method, 0) + entry.amount_cents
            return
        if entry.kind == REVERSAL:
            self.reversals += 1
        assert entry.rate is not None
        self.revenue_by_rate[entry.rate] = self.revenue_by_rate.get(entry.rate, 0) + entry.amount_cents
        self.revenue_by_method[entry.method] = self.revenue_by_method.get(entry.method, 0) + entry.amount_cents


BOOKING_COLUMNS = [
    "Date",
    "Restaurant",
    "Type",
    "VAT rate",
    "Payment method",
    "Debit account",
    "Credit account",
    "Amount",
    "Currency",
    "Document number",
    "Text",
]


def _booking_row(entry: Entry, *, currency: str, decimal_comma: bool) -> list[str]:
    debit, credit = (entry.account, entry.contra_account)
    if entry.amount_cents < 0:
        debit, credit = credit, debit
    return [
        entry.day.isoformat(),
        spreadsheet_text(entry.restaurant),
        entry.kind,
        _rate_number(entry.rate, decimal_comma=decimal_comma) if entry.rate is not None else "",
        entry.method,
        str(debit),
        str(credit),
        _amount(abs(entry.amount_cents), currency, decimal_comma=decimal_comma),
        currency,
        spreadsheet_text(entry.document_number),
        spreadsheet_text(entry.text),
    ]


def extf_name(*, date_from: date, date_to: date) -> str:
    return f"EXTF_Buchungsstapel_{date_from:%Y%m%d}_{date_to:%Y%m%d}.csv"


def export_zip_write(
    *,
    company: Company,
    date_from: date,
    date_to: date,
    out: IO[bytes],
    decimal_comma: bool = True,
    exported_by: str = "",
    now: datetime | None = None,
) -> NumberRange:
    """Write the period's ZIP to ``out``; returns the number range (the caller may warn about gaps).

    Raises ``ExportRefused`` (nothing useful written) for a period the DATEV file
    cannot hold or a company without DATEV numbers.
    """
    export_period_check(company=company, date_from=date_from, date_to=date_to)
    currency = _company_currency(company)
    # The creation time on the company's clock (its first restaurant's zone), as its accountant reads it.
    first_restaurant = company.restaurants.order_by("pk").first()
    zone = first_restaurant.tzinfo if first_restaurant is not None else timezone.get_current_timezone()
    moment = timezone.localtime(now or timezone.now(), zone)
    header = datev.Header(
        adviser_number=company.datev_adviser_number or 0,
        client_number=company.datev_client_number or 0,
        fiscal_year_start=fiscal_year_start(company=company, day=date_from),
        account_length=company.datev_account_length,
        date_from=date_from,
        date_to=date_to,
        created_at=moment,
        label=_("Takings %(from)s-%(to)s") % {"from": f"{date_from:%d.%m.%Y}", "to": f"{date_to:%d.%m.%Y}"},
        exported_by=exported_by,
        currency=currency,
    )
    totals = Totals()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024, mode="w+", encoding="utf-8", newline="") as plain:
            plain.write("\ufeff")
            writer = _csv_writer(plain)
            writer.writerow(BOOKING_COLUMNS)
            with archive.open(extf_name(date_from=date_from, date_to=date_to), "w") as extf:
                for line in datev.extf_lines(
                    header, _bookings(company, date_from, date_to, totals, writer, currency, decimal_comma)
                ):
                    extf.write(line)
            plain.seek(0)
            with archive.open("bookings.csv", "w") as target:
                while chunk := plain.read(64 * 1024):
                    target.write(chunk.encode("utf-8"))
        documents = _documents_write(
            archive, company=company, date_from=date_from, date_to=date_to, decimal_comma=decimal_comma
        )
        gaps = number_gaps(company=company, date_from=date_from, date_to=date_to)
        archive.writestr(
            "summary.txt",
            _summary(
                company=company,
                date_from=date_from,
                date_to=date_to,
                totals=totals,
                gaps=gaps,
                documents=documents,
                currency=currency,
                decimal_comma=decimal_comma,
            ).encode("utf-8"),
        )
    return gaps


def _bookings(
    company: Company,
    date_from: date,
    date_to: date,
    totals: Totals,
    writer: Any,
    currency: str,
    decimal_comma: bool,
) -> Iterable[datev.Booking]:
    for entry in export_entries(company=company, date_from=date_from, date_to=date_to):
        totals.add(entry)
        writer.writerow(_booking_row(entry, currency=currency, decimal_comma=decimal_comma))
        yield entry.booking()


def _company_currency(company: Company) -> str:
    currencies = sorted(set(company.restaurants.values_list("currency", flat=True)))
    return currencies[0] if len(currencies) == 1 else "EUR"


def _documents_write(
    archive: zipfile.ZipFile, *, company: Company, date_from: date, date_to: date, decimal_comma: bool
) -> int:
    """Each document's PDF (and XML) under ``documents/`` and the index CSV; returns the count."""
    documents = period_documents(company=company, date_from=date_from, date_to=date_to)
    rates = sorted(
        {
            Decimal(rate).normalize()
            for rate in InvoiceLine.objects.filter(invoice__in=documents.values("pk"))
            .values_list("vat_rate", flat=True)
            .distinct()
        },
        reverse=True,
    )
    index = io.StringIO()
    index.write("\ufeff")
    writer = _csv_writer(index)
    rate_columns = []
    for rate in rates:
        label = format_rate(rate, language="en")  # column names stay English, like the other headers
        rate_columns += [f"Net {label}", f"VAT {label}", f"Gross {label}"]
    writer.writerow(
        [
            "Number",
            "Kind",
            "Status",
            "Issue date",
            "Date of supply",
            "Restaurant",
            "Payment",
            "Orders",
            "Payment method",
            "Currency",
            *rate_columns,
            "Net",
            "VAT",
            "Gross",
            "Tip",
            "Corrects",
            "Files",
        ]
    )
    count = 0
    documents = documents.prefetch_related(
        "lines", Prefetch("payment__orders", queryset=Order.objects.only("pk", "payment_id").order_by("pk"))
    ).select_related("cancels", "corrects")
    for document in documents.iterator(chunk_size=CHUNK_SIZE):
        count += 1
        base = "documents/" + document.pdf_filename.removesuffix(".pdf")
        files = [f"{base}.pdf"]
        archive.writestr(files[0], invoice_pdf_bytes(invoice=document))
        xml = document_xml(document)
        if xml is not None:
            files.append(f"{base}.xml")
            archive.writestr(files[1], xml)
        by_rate = {row["rate"]: row for row in document.vat_rows()}
        amounts = []
        for rate in rates:
            row = by_rate.get(rate)
            for key in ("net_cents", "vat_cents", "gross_cents"):
                amounts.append(_amount(row[key], document.currency, decimal_comma=decimal_comma) if row else "")
        orders = (
            [order.pk for order in document.payment.orders.all()]
            if document.payment is not None
            else [document.order_id]
        )
        original = document.cancels or document.corrects
        money = lambda cents, currency=document.currency: _amount(cents, currency, decimal_comma=decimal_comma)  # noqa: E731
        writer.writerow(
            [
                spreadsheet_text(document.number),
                document.kind,
                document.get_status_display(),  # "Issued", not the stored value "draft"
                document.issue_date.isoformat(),
                document.supply_date.isoformat(),
                spreadsheet_text(document.restaurant.name),
                document.payment_id or "",
                " ".join(str(pk) for pk in orders),
                document.payment.method if document.payment is not None else document.payment_method,
                document.currency,
                *amounts,
                money(document.subtotal_cents),
                money(document.tax_cents),
                money(document.total_cents),
                money(document.tip_cents),
                spreadsheet_text(original.number) if original is not None else "",
                " ".join(name.removeprefix("documents/") for name in files),
            ]
        )
    archive.writestr("documents/index.csv", index.getvalue().encode("utf-8"))
    return count


def _summary(
    *,
    company: Company,
    date_from: date,
    date_to: date,
    totals: Totals,
    gaps: NumberRange,
    documents: int,
    currency: str,
    decimal_comma: bool,
) -> str:
    def money(cents: int) -> str:
        return f"{_amount(cents, currency, decimal_comma=decimal_comma)} {currency}"

    lines = [
        _("Accountant's export: %(company)s") % {"company": company.legal_name},
        _("Period: %(from)s to %(to)s") % {"from": date_from.isoformat(), "to": date_to.isoformat()},
        _("Bookings: %(count)s (of them reversals: %(reversals)s)")
        % {"count": totals.bookings, "reversals": totals.reversals},
        "",
        _("Revenue per VAT rate (gross, reversals subtracted)"),
    ]
    lines += [
        f"  {format_rate(rate)}: {money(cents)}" for rate, cents in sorted(totals.revenue_by_rate.items(), reverse=True)
    ]
    lines += [
        f"  {_('Total')}: {money(sum(totals.revenue_by_rate.values()))}",
        "",
        _("Revenue per payment method (gross)"),
    ]
    lines += [f"  {label}: {money(totals.revenue_by_method.get(method, 0))}" for method, label in METHODS]
    lines += ["", _("Tips (not revenue)")]
    lines += [f"  {label}: {money(totals.tips_by_method.get(method, 0))}" for method, label in METHODS]
    lines += [f"  {_('Total')}: {money(sum(totals.tips_by_method.values()))}", ""]
    lines += [
        _("Documents: %(count)s") % {"count": documents},
        _("First document number: %(number)s") % {"number": gaps.first or "–"},
        _("Last document number: %(number)s") % {"number": gaps.last or "–"},
    ]
    if gaps.missing:
        lines.append(_("Missing numbers (gap in the range): %(numbers)s") % {"numbers": ", ".join(gaps.missing)})
    else:
        lines.append(_("Missing numbers: none"))
    return "\r\n".join(str(line) for line in lines) + "\r\n"
