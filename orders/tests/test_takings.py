"""Takings: sums per restaurant-local day against hand-computed figures, scoping, the CSV."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from customers.tests.helpers import staff_force_login
from orders.models import Order, Payment
from orders.services import order_set_status
from orders.services_payment import payment_record
from orders.takings import takings_compute
from orders.tests.factories import order_with_lines

BERLIN = ZoneInfo("Europe/Berlin")
D14, D15 = date(2025, 3, 14), date(2025, 3, 15)


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def paid(restaurant, at, lines):
    order = order_set_status(order=order_with_lines(restaurant=restaurant, lines=lines), status=Order.Status.PAID)
    Order.objects.filter(pk=order.pk).update(paid_at=at)
    return order


@pytest.fixture
def day(restaurant_a, restaurant_b):
    """Friday 14 March 2025 in Berlin (UTC+1), and the first minute of Saturday.

    By hand (VAT = gross * rate / (100 + rate), rounded half up once per order and rate):
      A 23:59 Fri  2 x 12.50 @ 7 %: 25.00, VAT 1.64 (163.55)  |  1 x 4.90 @ 19 %: VAT 0.78 (78.24)
      C 12:00 Fri  1 x 0.03 @ 19 %: VAT 0.00 (0.48)
      D 12:30 Fri  1 x 0.03 @ 19 %: VAT 0.00 (0.48)   (pooled with C it would be 0.01: rounding is per order)
      B 00:01 Sat  1 x 9.90 @ 19 %: VAT 1.58 (158.07)
    Friday:   3 orders; 7 %: 25.00 = 23.36 + 1.64; 19 %: 4.96 = 4.18 + 0.78; gross 29.96
    Saturday: 1 order;  19 %: 9.90 = 8.32 + 1.58
    Not takings: a cancelled order (7.00, Friday 20:00), an unpaid one, one paid Thursday 23:59,
    restaurant B's order paid Friday.
    """
    restaurant_a.timezone = "Europe/Berlin"
    restaurant_a.save()
    paid(restaurant_a, berlin(2025, 3, 14, 23, 59), ((2, 1250, "7.00"), (1, 490, "19.00")))
    paid(restaurant_a, berlin(2025, 3, 14, 12, 0), ((1, 3, "19.00"),))
    paid(restaurant_a, berlin(2025, 3, 14, 12, 30), ((1, 3, "19.00"),))
    paid(restaurant_a, berlin(2025, 3, 15, 0, 1), ((1, 990, "19.00"),))
    paid(restaurant_a, berlin(2025, 3, 13, 23, 59), ((1, 5000, "7.00"),))
    cancelled = order_with_lines(restaurant=restaurant_a, lines=((1, 700, "7.00"),))
    order_set_status(order=cancelled, status=Order.Status.CANCELLED)
    Order.objects.filter(pk=cancelled.pk).update(cancelled_at=berlin(2025, 3, 14, 20, 0), placed_at=berlin(2025, 3, 14))
    order_with_lines(restaurant=restaurant_a, placed_at=berlin(2025, 3, 14, 21, 0))
    paid(restaurant_b, berlin(2025, 3, 14, 19, 0), ((1, 8000, "19.00"),))
    return restaurant_a


def methods(row):
    return {m.method: (m.gross_cents, m.tip_cents) for m in row.method_rows}


def rates(row):
    return {f"{r.rate.normalize():f}": (r.net_cents, r.vat_cents, r.gross_cents) for r in row.rate_rows}


def test_a_day_is_the_restaurants_local_day_and_vat_is_rounded_per_order(day):
    takings = takings_compute(restaurant=day, date_from=D14, date_to=D15)
    friday, saturday = takings.days
    assert (friday.day, friday.orders) == (D14, 3)
    assert rates(friday) == {"7": (2336, 164, 2500), "19": (418, 78, 496)}
    assert (friday.net_cents, friday.vat_cents, friday.gross_cents) == (2754, 242, 2996)
    assert (friday.cancelled_orders, friday.cancelled_gross_cents) == (1, 700)
    assert (saturday.day, saturday.orders) == (D15, 1)
    assert rates(saturday) == {"19": (832, 158, 990)}
    assert (saturday.cancelled_orders, saturday.cancelled_gross_cents) == (0, 0)

    total = takings.total
    assert total.orders == 4
    assert rates(total) == {"7": (2336, 164, 2500), "19": (1250, 236, 1486)}
    assert (total.net_cents, total.vat_cents, total.gross_cents) == (3586, 400, 3986)
    assert takings.rates == [Decimal("19"), Decimal("7")]
    # Marked paid without a recorded payment: no method, no tip, never a made-up figure.
    assert methods(total) == {"cash": (0, 0), "card": (0, 0), "other": (0, 0), "not_recorded": (3986, 0)}
    assert total.tip_cents == 0


def test_the_minute_after_midnight_is_the_next_day_alone(day):
    (saturday,) = takings_compute(restaurant=day, date_from=D15, date_to=D15).days
    assert saturday.orders == 1 and saturday.gross_cents == 990
    (thursday,) = takings_compute(restaurant=day, date_from=date(2025, 3, 13), date_to=date(2025, 3, 13)).days
    assert thursday.orders == 1 and thursday.gross_cents == 5000


def test_the_same_instants_fall_on_other_days_in_another_timezone(day):
    day.timezone = "America/New_York"  # UTC-4 in March (DST from 9 March)
    day.save()
    takings = takings_compute(restaurant=day, date_from=D14, date_to=D14)
    # Berlin's Saturday 00:01 is Friday 19:01 in New York; Berlin's Thursday 23:59 is still Thursday there.
    assert (takings.days[0].orders, takings.days[0].gross_cents) == (4, 3986)


def test_a_day_without_orders_has_a_row_of_zeros(restaurant_a):
    (row,) = takings_compute(restaurant=restaurant_a, date_from=D14, date_to=D14).days
    assert (row.orders, row.gross_cents, row.vat_cents, row.net_cents, row.rate_rows) == (0, 0, 0, 0, [])


def test_the_period_query_count_does_not_grow_with_orders(day, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        takings_compute(restaurant=day, date_from=D14, date_to=D15)


# --- The admin page and CSV ------------------------------------------------------------------


def url(restaurant, csv=False, **params):
    name = "admin:orders_restaurant_takings_csv" if csv else "admin:orders_restaurant_takings"
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse(name, args=[restaurant.pk]) + (f"?{query}" if query else "")


def test_staff_read_the_days_takings(client, staff_a, day):
    staff_force_login(client, staff_a)
    response = client.get(url(day, date_from="2025-03-14"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Friday, March 14, 2025" in html  # the language's DATE_FORMAT
    assert "€29.96" in html and "€23.36" in html and "€1.64" in html and "€4.18" in html and "€0.78" in html
    assert "Not recorded" in html
    assert "1 (€7.00)" in html  # cancelled


def test_staff_of_another_restaurant_get_404(client, staff_b, day):
    staff_force_login(client, staff_b)
    assert client.get(url(day)).status_code == 404
    assert client.get(url(day, csv=True)).status_code == 404


def test_takings_are_linked_from_the_restaurant_list(client, staff_a, day):
    staff_force_login(client, staff_a)
    assert url(day) in client.get(reverse("admin:orders_restaurant_changelist")).content.decode()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_from": "2025-13-45"}, "Enter a valid date"),
        ({"date_from": "2025-03-15", "date_to": "2025-03-14"}, "The end date is before the start date."),
        ({"date_from": "2024-01-01", "date_to": "2025-12-31"}, "Choose at most 366 days at once."),
        ({"date_from": "0001-01-01"}, "Enter a date between"),
    ],
)
def test_a_bad_period_is_explained_not_computed(client, staff_a, day, params, message):
    staff_force_login(client, staff_a)
    for csv_download in (False, True):
        response = client.get(url(day, csv=csv_download, **params))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()


def test_without_dates_the_page_shows_the_restaurants_today(client, staff_a, day):
    staff_force_login(client, staff_a)
    response = client.get(url(day))
    assert response.status_code == 200 and response.context["takings"].days[0].day == response.context["form"].today


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_has_a_row_per_day_and_the_total(client, staff_a, day):
    day.name = "Osteria; Blu"
    day.save()
    staff_force_login(client, staff_a)
    response = client.get(url(day, csv=True, date_from="2025-03-14", date_to="2025-03-15"))
    assert response["Content-Disposition"] == f'attachment; filename="takings-{day.pk}-2025-03-14-2025-03-15.csv"'
    header, friday, saturday, total = read_csv(response)
    assert header == [
        "Restaurant", "Date", "Currency", "Paid orders",
        "Net 19 %", "VAT 19 %", "Gross 19 %", "Net 7 %", "VAT 7 %", "Gross 7 %",
        "Net", "VAT", "Gross", "Cash", "Card", "Other", "Not recorded", "Tips", "Cancelled orders", "Cancelled gross",
    ]  # fmt: skip
    assert friday == [
        "Osteria; Blu", "2025-03-14", "EUR", "3", "4.18", "0.78", "4.96", "23.36", "1.64", "25.00",
        "27.54", "2.42", "29.96", "0.00", "0.00", "0.00", "29.96", "0.00", "1", "7.00",
    ]  # fmt: skip
    assert saturday[1:13] == ["2025-03-15", "EUR", "1", "8.32", "1.58", "9.90", "0.00", "0.00", "0.00"] + [
        "8.32",
        "1.58",
        "9.90",
    ]
    assert total[1:13] == ["Total", "EUR", "4", "12.50", "2.36", "14.86", "23.36", "1.64", "25.00"] + [
        "35.86",
        "4.00",
        "39.86",
    ]
    # The name with a semicolon is one quoted cell, whatever separator a spreadsheet expects.
    assert '"Osteria; Blu"' in response.content.decode()


def test_csv_cells_never_start_a_formula(client, staff_a, day):
    day.name = '=HYPERLINK("http://evil.example")'
    day.save()
    staff_force_login(client, staff_a)
    rows = read_csv(client.get(url(day, csv=True, date_from="2025-03-14")))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'


# --- Payment methods and tips ------------------------------------------------------------------


def pay(orders, method, tip, paid_at, recorded_at=None):
    # A recorded payment is frozen (recorded_at too): record it at that moment instead of moving it later.
    field = Payment._meta.get_field("recorded_at")
    with mock.patch.object(field, "get_default", return_value=recorded_at or paid_at):
        payment = payment_record(order_ids=[o.pk for o in orders], method=method, tip_cents=tip)
    Order.objects.filter(payment=payment).update(paid_at=paid_at)
    return payment


@pytest.fixture
def paid_day(restaurant_a):
    """Friday 14 and Saturday 15 March 2025 in Berlin, by hand:

      card, tip 1.50, one payment for two orders of one table (20.00 + 5.00), Fri 20:00
      cash, no tip, 12.00, Fri 21:00
      marked paid on the board, no payment: 8.00, Fri 22:00
      card, tip 0.40, 9.90: recorded Fri 23:59:59, its order paid Sat 00:00:01
    Friday:   gross 45.00 = card 25.00 + cash 12.00 + not recorded 8.00; tips 1.50 (card)
    Saturday: gross 9.90 = card 9.90; tips 0.40 (card), on the day its order was paid
    Total:    gross 54.90 = card 34.90 + cash 12.00 + not recorded 8.00; tips 1.90
    """
    restaurant_a.timezone = "Europe/Berlin"
    restaurant_a.save()
    first = order_with_lines(restaurant=restaurant_a, lines=((1, 2000, "19.00"),))
    second = order_with_lines(restaurant=restaurant_a, table=first.table, lines=((1, 500, "7.00"),))
    pay([first, second], "card", 150, berlin(2025, 3, 14, 20, 0))
    pay([order_with_lines(restaurant=restaurant_a, lines=((1, 1200, "7.00"),))], "cash", 0, berlin(2025, 3, 14, 21))
    paid(restaurant_a, berlin(2025, 3, 14, 22, 0), ((1, 800, "19.00"),))
    pay(
        [order_with_lines(restaurant=restaurant_a, lines=((1, 990, "19.00"),))],
        "card",
        40,
        berlin(2025, 3, 15, 0, 0, 1),
        recorded_at=berlin(2025, 3, 14, 23, 59, 59),
    )
    return restaurant_a


def test_gross_per_method_adds_up_to_the_gross_and_tips_count_once(paid_day):
    friday, saturday = takings_compute(restaurant=paid_day, date_from=D14, date_to=D15).days
    assert (friday.orders, friday.gross_cents, friday.tip_cents) == (4, 4500, 150)
    assert methods(friday) == {"cash": (1200, 0), "card": (2500, 150), "other": (0, 0), "not_recorded": (800, 0)}
    assert (saturday.orders, saturday.gross_cents, saturday.tip_cents) == (1, 990, 40)
    assert methods(saturday) == {"cash": (0, 0), "card": (990, 40), "other": (0, 0), "not_recorded": (0, 0)}
    total = takings_compute(restaurant=paid_day, date_from=D14, date_to=D15).total
    assert (total.gross_cents, total.tip_cents) == (5490, 190)
    assert methods(total) == {"cash": (1200, 0), "card": (3490, 190), "other": (0, 0), "not_recorded": (800, 0)}
    for row in (friday, saturday, total):
        assert sum(m.gross_cents for m in row.method_rows) == row.gross_cents


def test_a_payment_split_over_two_reports_counts_its_tip_once(paid_day):
    # The two-order payment's orders fall on either side of midnight (a payment recorded at 23:59:59.999).
    card = Payment.objects.get(tip_cents=150)
    first, second = card.orders.order_by("pk")
    Order.objects.filter(pk=second.pk).update(paid_at=berlin(2025, 3, 15, 0, 0, 0))
    (friday,) = takings_compute(restaurant=paid_day, date_from=D14, date_to=D14).days
    (saturday,) = takings_compute(restaurant=paid_day, date_from=D15, date_to=D15).days
    assert methods(friday)["card"] == (2000, 150) and methods(saturday)["card"] == (500 + 990, 40)


def test_the_query_count_does_not_grow_with_payments(paid_day, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        takings = takings_compute(restaurant=paid_day, date_from=D14, date_to=D15)
    assert takings.total.tip_cents == 190


def test_page_and_csv_show_methods_and_tips(client, staff_a, paid_day):
    staff_force_login(client, staff_a)
    html = client.get(url(paid_day, date_from="2025-03-14")).content.decode()
    assert "€45.00" in html and "€25.00" in html and "€12.00" in html and "€8.00" in html and "€1.50" in html
    header, friday, saturday, total = read_csv(
        client.get(url(paid_day, csv=True, date_from="2025-03-14", date_to="2025-03-15"))
    )
    start = header.index("Gross")
    assert header[start : start + 6] == ["Gross", "Cash", "Card", "Other", "Not recorded", "Tips"]
    assert friday[start : start + 6] == ["45.00", "12.00", "25.00", "0.00", "8.00", "1.50"]
    assert saturday[start : start + 6] == ["9.90", "0.00", "9.90", "0.00", "0.00", "0.40"]
    assert total[start : start + 6] == ["54.90", "12.00", "34.90", "0.00", "8.00", "1.90"]
