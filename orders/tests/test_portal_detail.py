"""/customer/orders/<id>: one of the customer's own orders, everything needed to recognise it."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from orders.models import Order
from orders.services import order_set_status
from orders.tests.factories import OrderLineFactory, RestaurantFactory, TableFactory, order_with_lines


def url(order):
    return reverse("portal:order_detail", args=[order.pk])


@pytest.fixture
def order(customer):
    restaurant = RestaurantFactory(
        name="Gasthaus Krone", street="Marktplatz 3", postal_code="79098", city="Freiburg", timezone="Europe/Berlin"
    )
    placed = datetime(2025, 7, 4, 19, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    return order_with_lines(
        restaurant=restaurant,
        table=TableFactory(restaurant=restaurant, label="Terrace 4"),
        customer=customer,
        placed_at=placed,
        lines=((2, 1250, "7.00"), (1, 490, "19.00"), (3, 350, "19.00")),
    )


def test_shows_restaurant_table_lines_vat_per_rate_total_and_status(customer_client, order):
    order_set_status(order=order, status="served")
    response = customer_client.get(url(order))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gasthaus Krone" in html
    assert "Marktplatz 3, 79098 Freiburg" in html
    assert "Table Terrace 4" in html
    assert "Served" in html
    # Placed at 19:05 local time (17:05 UTC).
    assert "Fri 4 Jul 2025, 19:05" in html
    # Lines: quantity, name, unit price, line total.
    line = order.lines.first()
    assert f'{line.name}<span class="unit">€12.50 each</span>' in html
    assert "€25.00" in html
    # VAT per rate: 7 % on 25.00 -> 1.64; 19 % on 4.90 + 10.50 = 15.40 -> 2.46.
    assert '<td>7 %</td><td class="num">€23.36</td><td class="num">€1.64</td><td class="num">€25.00</td>' in html
    assert '<td>19 %</td><td class="num">€12.94</td><td class="num">€2.46</td><td class="num">€15.40</td>' in html
    assert "€40.40" in html


def test_timestamps_of_each_step_in_local_time(customer_client, order):
    order_set_status(order=order, status="paid")
    order.refresh_from_db()
    html = customer_client.get(url(order)).content.decode()
    assert "<dt>Placed</dt>" in html and "<dt>Paid</dt>" in html
    assert "<dt>Cancelled</dt>" not in html
    local = order.paid_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert local.strftime("%H:%M") in html


def test_money_in_the_orders_currency(customer_client, customer):
    restaurant = RestaurantFactory(currency="GBP")
    order = order_with_lines(restaurant=restaurant, customer=customer, currency="GBP", lines=((1, 995, "20.00"),))
    html = customer_client.get(url(order)).content.decode()
    assert "£9.95" in html and "€" not in html.split("<main")[1]


def test_invoice_action_is_included(customer_client, order):
    response = customer_client.get(url(order))
    assert "invoices/_order_invoice_action.html" in [t.name for t in response.templates]


def test_another_customers_order_is_404(client, other_customer, order):
    client.force_login(other_customer.user)
    assert client.get(url(order)).status_code == 404


def test_guest_order_is_404_until_claimed(customer_client, restaurant_a):
    guest = order_with_lines(restaurant=restaurant_a)
    assert customer_client.get(url(guest)).status_code == 404


def test_nonexistent_order_is_404(customer_client, db):
    assert customer_client.get(reverse("portal:order_detail", args=[999999])).status_code == 404


def test_anonymous_visitor_goes_to_login(client, order):
    response = client.get(url(order))
    assert response.status_code == 302 and response["Location"].startswith("/customer/login")


def test_staff_of_the_restaurant_cannot_use_the_portal_page(client, order):
    from customers.tests.factories import StaffFactory

    client.force_login(StaffFactory(restaurants=[order.restaurant]))
    assert client.get(url(order)).status_code == 403


def test_query_count_does_not_grow_with_lines_or_orders(
    customer_client, customer, order, django_assert_max_num_queries
):
    for i in range(150):
        OrderLineFactory(order=order, vat_rate=Decimal("7.00") if i % 2 else Decimal("19.00"))
    Order.objects.bulk_create(
        [
            Order(
                restaurant=order.restaurant,
                table=order.table,
                customer=customer,
                currency="EUR",
                placed_at=order.placed_at - timedelta(hours=i),
            )
            for i in range(1, 300)
        ]
    )
    # session, user, customer, order (+restaurant, table), lines, and what the invoice include needs.
    with django_assert_max_num_queries(8):
        response = customer_client.get(url(order))
    assert response.status_code == 200


def test_absurdly_large_order_id_is_404(customer_client, db):
    assert customer_client.get("/customer/orders/99999999999999999999999").status_code == 404
