"""Invoices for the accountant: one CSV row per document and VAT rate."""

import csv
import io

from common.money import format_rate, minor_units_to_amount
from common.spreadsheet import spreadsheet_text

CSV_COLUMNS = [
    "Number",
    "Type",
    "Status",
    "Issue date",
    "Date of supply",
    "Order",
    "Seller",
    "Seller VAT ID",
    "Buyer",
    "Buyer business",
    "Buyer VAT ID",
    "Currency",
    "VAT rate",
    "Net",
    "VAT",
    "Gross",
]

# Buyer names are typed by customers: every text cell goes through the formula guard.
_text = spreadsheet_text


def invoices_csv(invoices, *, decimal_comma: bool = True) -> str:
    """CSV (UTF-8 with BOM, so spreadsheet programs read umlauts right) of ``invoices``.

    Semicolon separated, as German (and most European) spreadsheet programs expect;
    a comma-separated file opens there as one column. Amounts are decimal numbers in
    the currency's unit (12,90 with ``decimal_comma``, else 12.90; never cents),
    exactly the frozen values of the documents: per rate, net + VAT = gross.
    Cancellation and correction documents carry negative amounts.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def amount(cents: int, currency: str) -> str:
        text = str(minor_units_to_amount(cents, currency))
        return text.replace(".", ",") if decimal_comma else text

    for invoice in invoices.prefetch_related("lines").order_by("restaurant_id", "issue_date", "number"):
        money = lambda cents, currency=invoice.currency: amount(cents, currency)  # noqa: E731
        for row in invoice.vat_rows():
            writer.writerow(
                [
                    invoice.number,
                    invoice.get_kind_display(),
                    invoice.get_status_display(),
                    invoice.issue_date.isoformat(),
                    invoice.supply_date.isoformat(),
                    invoice.order_id,
                    _text(invoice.seller_name),
                    _text(invoice.seller_vat_id),
                    _text(invoice.buyer_name),
                    _text(invoice.buyer_business_name),
                    _text(invoice.buyer_vat_id),
                    invoice.currency,
                    amount_rate(row["rate"], decimal_comma=decimal_comma),
                    money(row["net_cents"]),
                    money(row["vat_cents"]),
                    money(row["gross_cents"]),
                ]
            )
    return out.getvalue()


def amount_rate(rate, *, decimal_comma: bool) -> str:
    text = format_rate(rate, language="en").replace(" %", "")
    return text.replace(".", ",") if decimal_comma else text
