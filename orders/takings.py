"""Takings: what a restaurant took per day, on its own clock. The one grouping and rounding rule.

- **Which day.** A paid order counts on the restaurant's local calendar day of
  its ``paid_at`` (an order paid at 23:59 belongs to that evening, one paid at
  00:01 to the next day), a cancelled order on the day of its ``cancelled_at``.
  Orders that are placed but not yet paid are not takings.
- **Rounding.** VAT is rounded once per order and VAT rate, exactly as the
  order's receipt or invoice shows it (``common.money.vat_breakdown``), and from
  then on only added up: a day's row per rate is the sum of its orders' rows,
  a period's the sum of its days. So the takings match the documents to the cent,
  and net + VAT == gross holds on every row.
- **Payment method and tips** come from the ``Payment`` that settled an order
  (``orders.services_payment.payment_record``). An order's gross counts under its
  payment's method on the same day as above (its ``paid_at``, not the payment's
  ``recorded_at``, which is a moment earlier and may fall before midnight), so the
  method rows of a day add up to its gross. An order marked paid without a payment
  (the board's "paid") counts under "not recorded", never a guessed method. A
  payment's tip counts once, with the payment's first order (earliest ``paid_at``),
  so a tip is never counted twice, also not across two reports.

The accountant's export reuses ``takings_compute`` and its rows.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from typing import cast

from django.db.models import OuterRef, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.dates import local_day_bounds
from common.money import format_rate, minor_units_to_amount, vat_breakdown
from common.spreadsheet import spreadsheet_text
from orders.models import Order, OrderLine, Payment, Restaurant

# A takings page or CSV covers at most this many days (a year and a leap day), so one
# request never sums an unbounded history.
TAKINGS_MAX_DAYS = 366

# The bucket of orders marked paid without a recorded payment.
NOT_RECORDED = "not_recorded"
# Every method row, in this order, on the page and in the CSV (always all, so the CSV's columns stay fixed).
METHODS: list[tuple[str, str | Promise]] = [*Payment.Method.choices, (NOT_RECORDED, _("Not recorded"))]
# The CSV's column names: untranslated, like its other headers, so imports keep working.
CSV_METHOD_HEADERS = {"cash": "Cash", "card": "Card", "other": "Other", NOT_RECORDED: "Not recorded"}


@dataclass(frozen=True)
class RateTotal:
    """Net, VAT and gross of one VAT rate (cents); net is derived, so net + VAT == gross."""

    rate: Decimal
    gross_cents: int
    vat_cents: int

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.vat_cents


@dataclass(frozen=True)
class MethodTotal:
    """Gross (the orders' totals, VAT included) and tips taken with one payment method (cents)."""

    method: str
    label: str
    gross_cents: int
    tip_cents: int


@dataclass
class TakingsRow:
    """One day's takings (or a period's, in ``Takings.total``)."""

    day: date | None
    orders: int = 0
    rates: dict[Decimal, RateTotal] = field(default_factory=dict)
    cancelled_orders: int = 0
    cancelled_gross_cents: int = 0
    # Gross and tips per payment method (``METHODS`` keys); a missing key is zero.
    method_gross_cents: dict[str, int] = field(default_factory=dict)
    method_tip_cents: dict[str, int] = field(default_factory=dict)
    # Gross per (method, VAT rate): the cross of the two above, for the accountant's bookings
    # (the rows of one method add up to ``method_gross_cents``, of one rate to ``rates``).
    method_rate_gross_cents: dict[tuple[str, Decimal], int] = field(default_factory=dict)

    @property
    def rate_rows(self) -> list[RateTotal]:
        """Highest rate first, as on the invoices."""
        return [self.rates[rate] for rate in sorted(self.rates, reverse=True)]

    @property
    def gross_cents(self) -> int:
        return sum(row.gross_cents for row in self.rates.values())

    @property
    def tip_cents(self) -> int:
        return sum(self.method_tip_cents.values())

    @property
    def method_rows(self) -> list[MethodTotal]:
        """Every method of ``METHODS``, zeros included."""
        return [
            MethodTotal(
                method=method,
                label=str(label),  # translated now, in the request's language
                gross_cents=self.method_gross_cents.get(method, 0),
                tip_cents=self.method_tip_cents.get(method, 0),
            )
            for method, label in METHODS
        ]

    @property
    def vat_cents(self) -> int:
        return sum(row.vat_cents for row in self.rates.values())

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.vat_cents

    def add(self, other: "TakingsRow") -> None:
        self.orders += other.orders
        for rate, row in other.rates.items():
            self.add_rate(rate, gross_cents=row.gross_cents, vat_cents=row.vat_cents)
        self.cancelled_orders += other.cancelled_orders
        self.cancelled_gross_cents += other.cancelled_gross_cents
        for method, cents in other.method_gross_cents.items():
            self.method_gross_cents[method] = self.method_gross_cents.get(method, 0) + cents
        for method, cents in other.method_tip_cents.items():
            self.method_tip_cents[method] = self.method_tip_cents.get(method, 0) + cents
        for key, cents in other.method_rate_gross_cents.items():
            self.method_rate_gross_cents[key] = self.method_rate_gross_cents.get(key, 0) + cents

    def add_rate(self, rate: Decimal, *, gross_cents: int, vat_cents: int) -> None:
        known = self.rates.get(rate)
        if known is not None:
            gross_cents, vat_cents = known.gross_cents + gross_cents, known.vat_cents + vat_cents
        self.rates[rate] = RateTotal(rate=rate, gross_cents=gross_cents, vat_cents=vat_cents)


@dataclass(frozen=True)
class Takings:
    restaurant: Restaurant
    date_from: date
    date_to: date
    days: list[TakingsRow]
    total: TakingsRow

    @property
    def rates(self) -> list[Decimal]:
        """Every VAT rate that occurs in the period, highest first: the columns of the CSV."""
        return sorted(self.total.rates, reverse=True)


def _local_day(instant: datetime | None, zone: tzinfo) -> date:
    # The queries filter on the instant, so it is never NULL here.
    return cast(datetime, instant).astimezone(zone).date()


def takings_compute(*, restaurant: Restaurant, date_from: date, date_to: date) -> Takings:
    """Takings of ``restaurant`` for each local day ``date_from``..``date_to`` (inclusive), and their total.

    Every day of the range gets a row, also a day without orders. Dates must be
    inside ``common.dates``' filter range and at most ``TAKINGS_MAX_DAYS`` apart
    (the caller's form checks both). Two queries, whatever the number of orders or payments.
    """
    if date_from > date_to or (date_to - date_from).days >= TAKINGS_MAX_DAYS:
        raise ValueError("takings_compute needs date_from <= date_to, at most TAKINGS_MAX_DAYS days")
    zone = restaurant.tzinfo
    start, end = local_day_bounds(date_from=date_from, date_to=date_to, zone=zone)
    days = {
        date_from + timedelta(days=offset): TakingsRow(day=date_from + timedelta(days=offset))
        for offset in range((date_to - date_from).days + 1)
    }

    # The payment's first order carries its tip (see the module docstring); same query, no extra one.
    first_order_of_payment = (
        Order.objects.filter(payment=OuterRef("order__payment")).order_by("paid_at", "pk").values("pk")[:1]
    )
    paid_lines = (
        OrderLine.objects.filter(
            order__restaurant=restaurant,
            order__status=Order.Status.PAID,
            order__paid_at__gte=start,
            order__paid_at__lt=end,
        )
        .only(
            "order_id",
            "unit_price_cents",
            "quantity",
            "vat_rate",
            "order__paid_at",
            "order__payment__method",
            "order__payment__tip_cents",
        )
        .select_related("order__payment")
        .annotate(payment_first_order_id=Subquery(first_order_of_payment))
        .order_by("order_id", "id")
    )
    # Streamed in chunks: the accountant's export runs this over a month of a busy company's
    # payments, and only the day rows are kept, never all lines at once.
    for _order_id, group in groupby(paid_lines.iterator(chunk_size=2000), key=attrgetter("order_id")):
        order_lines = list(group)
        first = order_lines[0]
        order, payment = first.order, first.order.payment
        row = days[_local_day(order.paid_at, zone)]
        row.orders += 1
        method = payment.method if payment is not None else NOT_RECORDED
        # The order's own VAT rows: rounded once per order and rate, as on its documents.
        order_gross = 0
        for vat_row in vat_breakdown(order_lines):
            row.add_rate(vat_row.rate, gross_cents=vat_row.gross_cents, vat_cents=vat_row.vat_cents)
            key = (method, vat_row.rate)
            row.method_rate_gross_cents[key] = row.method_rate_gross_cents.get(key, 0) + vat_row.gross_cents
            order_gross += vat_row.gross_cents
        row.method_gross_cents[method] = row.method_gross_cents.get(method, 0) + order_gross
        if payment is not None and first.payment_first_order_id == order.pk:
            row.method_tip_cents[method] = row.method_tip_cents.get(method, 0) + payment.tip_cents

    cancelled = Order.objects.filter(
        restaurant=restaurant, status=Order.Status.CANCELLED, cancelled_at__gte=start, cancelled_at__lt=end
    ).values_list("cancelled_at", "total_cents")
    for cancelled_at, total_cents in cancelled:
        row = days[_local_day(cancelled_at, zone)]
        row.cancelled_orders += 1
        row.cancelled_gross_cents += total_cents

    total = TakingsRow(day=None)
    for row in days.values():
        total.add(row)
    return Takings(
        restaurant=restaurant,
        date_from=date_from,
        date_to=date_to,
        days=list(days.values()),
        total=total,
    )


def takings_csv(takings: Takings) -> str:
    """One CSV row per day, then the period's total (UTF-8 with BOM, for spreadsheet programs).

    A column group per VAT rate of the period (net, VAT, gross), amounts as decimal
    numbers in the currency's unit. Text cells are quoted (a ";" or "," in a name
    splits nothing, whatever separator the spreadsheet expects) and formula-safe.
    """
    currency = takings.restaurant.currency
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
    rate_columns = []
    for rate in takings.rates:
        label = format_rate(rate)
        rate_columns += [f"Net {label}", f"VAT {label}", f"Gross {label}"]
    writer.writerow(
        ["Restaurant", "Date", "Currency", "Paid orders", *rate_columns, "Net", "VAT", "Gross"]
        + [CSV_METHOD_HEADERS[method] for method, _label in METHODS]
        + ["Tips", "Cancelled orders", "Cancelled gross"]
    )

    def money(cents: int) -> Decimal:
        return minor_units_to_amount(cents, currency)

    name = spreadsheet_text(takings.restaurant.name)
    for row in [*takings.days, takings.total]:
        amounts = []
        for rate in takings.rates:
            rate_row = row.rates.get(rate, RateTotal(rate=rate, gross_cents=0, vat_cents=0))
            amounts += [money(rate_row.net_cents), money(rate_row.vat_cents), money(rate_row.gross_cents)]
        writer.writerow(
            [name, row.day.isoformat() if row.day else "Total", currency, row.orders, *amounts]
            + [money(row.net_cents), money(row.vat_cents), money(row.gross_cents)]
            + [money(method_row.gross_cents) for method_row in row.method_rows]
            + [money(row.tip_cents), row.cancelled_orders, money(row.cancelled_gross_cents)]
        )
    return out.getvalue()
