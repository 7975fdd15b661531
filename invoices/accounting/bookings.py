"""What the accountant's export books: the sales once, from the payments, and the documents' corrections.

- **Sales** come from the takings (``orders.takings.takings_compute``, the takings
  page's one rule for which day and how VAT is rounded), per restaurant, local day,
  VAT rate and payment method: debit the method's money account, credit the rate's
  revenue account, with the gross (the revenue accounts are DATEV automatic accounts
  that split out the VAT themselves, so no BU key is written). Whether a guest
  asked for a document changes nothing here.
- **Tips** per day and method: debit the money account, credit the tips account
  (tips belong to the staff; they are never revenue).
- **Corrections**: a cancellation or partial correction document books the reverse
  of its lines (per rate, gross) on its issue date, with its number in Belegfeld 1,
  against the money account of the payment's method. A document issued for a
  payment (or order) after an earlier document of it was cancelled (a re-issue with
  new buyer details, a full invoice replacing a receipt) books its amounts again
  with its number: the pair nets to zero, and only a real correction changes revenue.

Booking lines are produced lazily; the queries read payments and documents in
chunks (``.iterator``), so a month of 10,000 payments is never in memory at once,
and the number of queries depends on the number of restaurants, not of payments.
"""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from common.money import format_rate
from invoices.accounting.datev import CREDIT, DEBIT, Booking
from invoices.models import Invoice
from orders.models import Company, Payment
from orders.takings import METHODS, NOT_RECORDED, TAKINGS_MAX_DAYS, takings_compute

SALE, TIP, REVERSAL, REBOOKING = "sale", "tip", "reversal", "rebooking"
# Documents read per query while streaming.
CHUNK_SIZE = 500


class ExportRefused(ValueError):
    """The export cannot be made as asked (period, missing settings); the message says why, for people."""


@dataclass(frozen=True)
class Entry:
    """One booking with what the plain CSV and the summary need besides the DATEV fields.

    ``amount_cents`` is signed from the revenue's point of view: positive books money in
    (debit the money account), negative books it back (a reversal).
    """

    day: date
    restaurant: str
    kind: str
    method: str
    rate: Decimal | None
    amount_cents: int
    account: int
    contra_account: int
    document_number: str
    text: str

    def booking(self) -> Booking:
        return Booking(
            amount_cents=abs(self.amount_cents),
            debit_credit=DEBIT if self.amount_cents > 0 else CREDIT,
            account=self.account,
            contra_account=self.contra_account,
            document_date=self.day,
            document_field=self.document_number,
            text=self.text,
        )


def fiscal_year_start(*, company: Company, day: date) -> date:
    """First day of the company's fiscal year that contains ``day``."""
    month = company.fiscal_year_start_month
    year = day.year if day.month >= month else day.year - 1
    return date(year, month, 1)


def export_period_check(*, company: Company, date_from: date, date_to: date) -> None:
    """Refuse a period the DATEV file cannot hold, or a company without the DATEV numbers."""
    if date_from > date_to:
        raise ExportRefused(_("The period's start is after its end."))
    if (date_to - date_from).days >= TAKINGS_MAX_DAYS:
        raise ExportRefused(_("Choose at most %(days)s days at once.") % {"days": TAKINGS_MAX_DAYS})
    start = fiscal_year_start(company=company, day=date_from)
    if date_to >= start.replace(year=start.year + 1):
        # DATEV dates are DDMM: one file holds one fiscal year.
        raise ExportRefused(_("The period must lie within one fiscal year (DATEV files hold one)."))
    if company.datev_adviser_number is None or company.datev_client_number is None:
        raise ExportRefused(
            _("Enter the DATEV adviser and client numbers of %(company)s first.") % {"company": company.legal_name}
        )


def revenue_account(*, company: Company, rate: Decimal) -> int:
    accounts = {
        Decimal(19): company.account_revenue_19,
        Decimal(7): company.account_revenue_7,
        Decimal(0): company.account_revenue_0,
    }
    try:
        return accounts[Decimal(rate)]
    except KeyError:
        raise ExportRefused(
            _("No revenue account is set for VAT rate %(rate)s.") % {"rate": format_rate(rate)}
        ) from None


def money_account(*, company: Company, method: str) -> int:
    if method == Payment.Method.CASH:
        return company.account_cash
    if method == Payment.Method.CARD:
        return company.account_card
    return company.account_other  # "other" and orders marked paid without a recorded payment


def method_label(method: str) -> str:
    return str(dict(METHODS).get(method, method))


def _takings_entries(*, company: Company, date_from: date, date_to: date) -> list[Entry]:
    """Sales and tips per restaurant, day, rate and method: a few rows a day, whatever the payment count."""
    entries: list[Entry] = []
    for restaurant in company.restaurants.order_by("name", "pk"):
        takings = takings_compute(restaurant=restaurant, date_from=date_from, date_to=date_to)
        for row in takings.days:
            day = row.day
            assert day is not None
            for (method, rate), gross in sorted(
                row.method_rate_gross_cents.items(), key=lambda item: (-item[0][1], _method_order(item[0][0]))
            ):
                if gross == 0:
                    continue
                # What the accountant needs first comes first: the text is cut at 60 characters.
                text = _("Takings %(rate)s %(method)s, %(restaurant)s") % {
                    "restaurant": restaurant.name,
                    "rate": format_rate(rate),
                    "method": method_label(method),
                }
                entries.append(
                    Entry(
                        day=day,
                        restaurant=restaurant.name,
                        kind=SALE,
                        method=method,
                        rate=rate,
                        amount_cents=gross,
                        account=money_account(company=company, method=method),
                        contra_account=revenue_account(company=company, rate=rate),
                        document_number=f"{day:%Y%m%d}",
                        text=text,
                    )
                )
            for method, _label in METHODS:
                tip = row.method_tip_cents.get(method, 0)
                if tip == 0:
                    continue
                entries.append(
                    Entry(
                        day=day,
                        restaurant=restaurant.name,
                        kind=TIP,
                        method=method,
                        rate=None,
                        amount_cents=tip,
                        account=money_account(company=company, method=method),
                        contra_account=company.account_tips,
                        document_number=f"{day:%Y%m%d}",
                        text=_("Tips %(method)s, %(restaurant)s")
                        % {"restaurant": restaurant.name, "method": method_label(method)},
                    )
                )
    entries.sort(key=lambda entry: entry.day)  # stable: restaurants stay in order within a day
    return entries


def _method_order(method: str) -> int:
    return [key for key, _label in METHODS].index(method) if method in dict(METHODS) else len(METHODS)


def period_documents(*, company: Company, date_from: date, date_to: date) -> QuerySet[Invoice]:
    """Every document the company issued in the period (issue date, the restaurant's local day), by number."""
    return (
        Invoice.objects.filter(company=company, issue_date__gte=date_from, issue_date__lte=date_to)
        .select_related("restaurant", "payment")
        .order_by("issue_date", "year", "sequence")
    )


def _earlier_cancellation() -> Exists:
    # A cancellation document of the same payment (or, without one, the same order) issued before this one.
    return Exists(
        Invoice.objects.filter(kind=Invoice.Kind.CANCELLATION, company=OuterRef("company"), pk__lt=OuterRef("pk"))
        .filter(
            Q(payment_id=OuterRef("payment_id")) | Q(payment__isnull=True, order_id=OuterRef("order_id")),
        )
        .values("pk")
    )


def booked_documents(*, company: Company, date_from: date, date_to: date) -> QuerySet[Invoice]:
    """The documents that book something: corrections (reversed) and re-issues (booked again)."""
    return (
        period_documents(company=company, date_from=date_from, date_to=date_to)
        .annotate(after_cancellation=_earlier_cancellation())
        .filter(
            Q(kind__in=[Invoice.Kind.CANCELLATION, Invoice.Kind.CORRECTION])
            | Q(kind__in=[Invoice.Kind.INVOICE, Invoice.Kind.RECEIPT], after_cancellation=True)
        )
        .prefetch_related("lines")
    )


def _document_entries(*, company: Company, date_from: date, date_to: date) -> Iterator[Entry]:
    documents = booked_documents(company=company, date_from=date_from, date_to=date_to)
    for document in documents.iterator(chunk_size=CHUNK_SIZE):
        method = document.payment.method if document.payment is not None else document.payment_method or NOT_RECORDED
        reversal = document.kind in (Invoice.Kind.CANCELLATION, Invoice.Kind.CORRECTION)
        for row in document.vat_rows():
            gross = row["gross_cents"]
            if gross == 0:
                continue
            if reversal:
                text = _("Reversal %(number)s %(rate)s %(method)s")
            else:
                text = _("Re-issue %(number)s %(rate)s %(method)s")
            yield Entry(
                day=document.issue_date,
                restaurant=document.restaurant.name,
                kind=REVERSAL if gross < 0 else REBOOKING,
                method=method,
                rate=row["rate"],
                amount_cents=gross,
                account=money_account(company=company, method=method),
                contra_account=revenue_account(company=company, rate=row["rate"]),
                document_number=document.number,
                text=text
                % {"number": document.number, "rate": format_rate(row["rate"]), "method": method_label(method)},
            )


def export_entries(*, company: Company, date_from: date, date_to: date) -> Iterator[Entry]:
    """Every booking of the period, by date: the day's sales and tips, then its documents' bookings."""
    export_period_check(company=company, date_from=date_from, date_to=date_to)
    takings = _takings_entries(company=company, date_from=date_from, date_to=date_to)
    documents = _document_entries(company=company, date_from=date_from, date_to=date_to)
    # Both streams are sorted by day; merge keeps takings before documents on the same day.
    yield from heapq.merge(takings, documents, key=lambda entry: entry.day)
