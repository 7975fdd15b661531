"""The accountant's export against a bare query: ``.venv/bin/python -m bench.accounting_export``.

Creates a throw-away database (``test_<name>`` beside the one ``DATABASE_URL`` names,
PostgreSQL or SQLite), loads one company with ``--payments`` payments (default 10,000;
one order of two lines, 19 % and 7 %, each, spread over a month, methods and tips
mixed), then times, alternating, ``--runs`` times each:

- **export**: every DATEV booking line of the month (``invoices.accounting.bookings``
  through ``invoices.accounting.datev``: takings per day, rate and method, tips),
  encoded, as the ZIP receives them;
- **bare query**: the same order lines read with one streamed query
  (``values_list(...).iterator()``), no grouping, no rounding, no formatting.

Prints medians, the queries of one export and the peak Python memory of each
(tracemalloc), which shows the rows are streamed, not loaded at once.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.accounting_export", description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args(argv)


def load(payments: int):
    from orders.models import Company, Order, OrderLine, Payment, Restaurant, Table

    company = Company.objects.create(
        legal_name="Bench GmbH",
        street="Kastanienallee 12",
        postal_code="10435",
        city="Berlin",
        country="DE",
        vat_id="DE136695976",
        datev_adviser_number=29098,
        datev_client_number=55003,
    )
    restaurant = Restaurant.objects.create(
        company=company,
        name="Bench",
        street="Kastanienallee 12",
        postal_code="10435",
        city="Berlin",
        country="DE",
        email="bench@example.com",
        timezone="Europe/Berlin",
    )
    table = Table.objects.create(restaurant=restaurant, label="T1")
    zone = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 11, 1, 11, 0, tzinfo=zone)
    methods = ["cash", "card", "other"]
    step = timedelta(seconds=(30 * 24 * 3600 - 13 * 3600) // payments)
    payment_rows = []
    for n in range(payments):
        at = start + step * n
        tip = (n % 7) * 50
        payment_rows.append(
            Payment(
                restaurant=restaurant,
                table=table,
                method=methods[n % 3],
                currency="EUR",
                meal_cents=2390,
                tip_cents=tip,
                paid_cents=2390 + tip,
                recorded_at=at,
            )
        )
    payment_rows = Payment.objects.bulk_create(payment_rows, batch_size=2000)
    orders = Order.objects.bulk_create(
        [
            Order(
                restaurant=restaurant,
                table=table,
                status=Order.Status.PAID,
                placed_at=payment.recorded_at,
                paid_at=payment.recorded_at,
                currency="EUR",
                total_cents=2390,
                payment=payment,
            )
            for payment in payment_rows
        ],
        batch_size=2000,
    )
    OrderLine.objects.bulk_create(
        [
            line
            for order in orders
            for line in (
                OrderLine(order=order, name="Schnitzel", unit_price_cents=1590, vat_rate=Decimal("19.00"), quantity=1),
                OrderLine(order=order, name="Apfelstrudel", unit_price_cents=400, vat_rate=Decimal("7.00"), quantity=2),
            )
        ],
        batch_size=4000,
    )
    return company, restaurant


def export_lines(company) -> int:
    from invoices.accounting import datev
    from invoices.accounting.bookings import export_entries

    header = datev.Header(
        adviser_number=company.datev_adviser_number,
        client_number=company.datev_client_number,
        fiscal_year_start=date(2026, 1, 1),
        account_length=4,
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 30),
        created_at=datetime(2026, 12, 1, 9, 0),
        label="Bench",
    )
    entries = export_entries(company=company, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    size = 0
    for line in datev.extf_lines(header, (entry.booking() for entry in entries)):
        size += len(line)
    return size


def bare_query(restaurant) -> int:
    from orders.models import OrderLine

    rows = 0
    lines = OrderLine.objects.filter(order__restaurant=restaurant, order__status="paid").values_list(
        "order_id",
        "unit_price_cents",
        "quantity",
        "vat_rate",
        "order__paid_at",
        "order__payment__method",
        "order__payment__tip_cents",
    )
    for _row in lines.iterator(chunk_size=2000):
        rows += 1
    return rows


def timed(func, *args) -> tuple[float, int]:
    started = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - started, result


def peak_memory(func, *args) -> int:
    tracemalloc.start()
    func(*args)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(argv=None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        company, restaurant = load(args.payments)
        print(f"loaded {args.payments} payments in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        export_times, bare_times = [], []
        for _run in range(args.runs):
            seconds, size = timed(export_lines, company)
            export_times.append(seconds)
            seconds, rows = timed(bare_query, restaurant)
            bare_times.append(seconds)
        with CaptureQueriesContext(connection) as queries:
            export_lines(company)
        export_peak, bare_peak = peak_memory(export_lines, company), peak_memory(bare_query, restaurant)
        export_median, bare_median = statistics.median(export_times), statistics.median(bare_times)
        print(f"{'':<34}{'median':>10}{'min':>10}{'peak memory':>14}")
        print(
            f"{'export booking lines (DATEV)':<34}{export_median * 1000:>8.0f}ms{min(export_times) * 1000:>8.0f}ms"
            f"{export_peak / 1e6:>11.1f} MB"
        )
        print(
            f"{'bare query, same order lines':<34}{bare_median * 1000:>8.0f}ms{min(bare_times) * 1000:>8.0f}ms"
            f"{bare_peak / 1e6:>11.1f} MB"
        )
        print(
            f"export / bare = {export_median / bare_median:.2f}x; {rows} order lines -> {size} bytes of bookings; "
            f"{len(queries.captured_queries)} queries per export"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    sys.exit(main())
