"""Guest orders of this browser session, offered for linking right after login (one click)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from orders.guest_session import GUEST_ORDERS_SESSION_KEY
from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory, order_with_lines

CLAIM_URL = reverse("portal:session_orders_claim")


@pytest.fixture
def table(db):
    return TableFactory(label="3", restaurant__name="Bistro Zwei", restaurant__timezone="Europe/Berlin")


@pytest.fixture
def soup(table):
    return MenuItemFactory(restaurant=table.restaurant, name="Soup", price_cents=590, vat_rate=Decimal("7"))


def order_as_guest(client, table, item, qty=1) -> Order:
    client.post(reverse("orders:order_create", args=[table.token]), {f"qty_{item.pk}": qty})
    return Order.objects.latest("pk")


def test_guest_orders_survive_login_and_are_offered_on_the_table_page(client, customer, table, soup):
    first = order_as_guest(client, table, soup, qty=1)
    second = order_as_guest(client, table, soup, qty=3)
    client.force_login(customer.user)

    html = client.get(table.get_absolute_url()).content.decode()
    assert 'data-testid="session-claim-offer"' in html
    assert "your 2 guest orders" in html
    assert "Bistro Zwei" in html
    assert "€5.90" in html and "€17.70" in html
    assert f"Order #{first.pk}" in html and f"Order #{second.pk}" in html
    assert f'name="next" value="{table.get_absolute_url()}"' in html


def test_one_click_links_the_session_orders_and_returns_to_the_page(client, customer, table, soup):
    first = order_as_guest(client, table, soup)
    second = order_as_guest(client, table, soup)
    client.force_login(customer.user)

    response = client.post(CLAIM_URL, {"action": "claim", "next": table.get_absolute_url()})

    assert response.status_code == 302
    assert response["Location"] == table.get_absolute_url()
    assert set(Order.objects.filter(customer=customer)) == {first, second}
    assert GUEST_ORDERS_SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "2 orders added to your account" in page
    assert 'data-testid="session-claim-offer"' not in page


def test_offer_is_also_rendered_by_the_dashboard_include(client, customer, table, soup):
    order = order_as_guest(client, table, soup)
    client.force_login(customer.user)
    request = RequestFactory().get("/customer/")
    request.user = customer.user
    request.session = client.session
    html = Template('{% include "orders/portal/_session_claim_offer.html" %}').render(
        Context({"request": request, "csrf_token": "x"})
    )
    assert "Keep your guest order in your account?" in html
    assert f"Order #{order.pk}" in html


def test_dashboard_include_costs_no_query_without_guest_orders(customer, django_assert_num_queries, rf):
    request = rf.get("/customer/")
    request.user = customer.user
    request.session = {}
    with django_assert_num_queries(0):
        html = Template('{% include "orders/portal/_session_claim_offer.html" %}').render(Context({"request": request}))
    assert html.strip() == ""


def test_order_claimed_by_someone_else_meanwhile_is_neither_offered_nor_taken(
    client, customer, other_customer, table, soup
):
    mine = order_as_guest(client, table, soup)
    taken = order_as_guest(client, table, soup)
    Order.objects.filter(pk=taken.pk).update(customer=other_customer)
    client.force_login(customer.user)

    html = client.get(table.get_absolute_url()).content.decode()
    assert f"Order #{mine.pk}" in html and f"Order #{taken.pk}" not in html

    client.post(CLAIM_URL, {"action": "claim"})
    taken.refresh_from_db()
    mine.refresh_from_db()
    assert taken.customer == other_customer
    assert mine.customer == customer


def test_order_ids_in_the_form_are_ignored(client, customer, table):
    # Only the server-side session says which orders this browser placed.
    stranger_order = order_with_lines(restaurant=table.restaurant, table=table)
    client.force_login(customer.user)
    client.post(
        CLAIM_URL, {"action": "claim", "order_ids": [stranger_order.pk], GUEST_ORDERS_SESSION_KEY: stranger_order.pk}
    )
    stranger_order.refresh_from_db()
    assert stranger_order.customer is None


def test_not_mine_dismisses_the_offer_without_linking(client, customer, table, soup):
    order = order_as_guest(client, table, soup)
    client.force_login(customer.user)
    response = client.post(CLAIM_URL, {"action": "dismiss", "next": table.get_absolute_url()}, follow=True)
    order.refresh_from_db()
    assert order.customer is None
    assert 'data-testid="session-claim-offer"' not in response.content.decode()
    assert GUEST_ORDERS_SESSION_KEY not in client.session


def test_next_to_another_site_is_ignored(client, customer, table, soup):
    order_as_guest(client, table, soup)
    client.force_login(customer.user)
    response = client.post(CLAIM_URL, {"action": "claim", "next": "https://evil.example/phish"})
    assert response["Location"] == reverse("portal:order_list")


def test_claiming_needs_a_logged_in_customer(client, table, soup):
    order = order_as_guest(client, table, soup)
    response = client.post(CLAIM_URL, {"action": "claim"})
    assert response.status_code == 302
    assert response["Location"].startswith("/customer/login")
    order.refresh_from_db()
    assert order.customer is None


def test_claiming_is_post_only(customer_client):
    assert customer_client.get(CLAIM_URL).status_code == 405


def test_confirmation_page_offers_the_order_after_login(client, customer, table, soup):
    order = order_as_guest(client, table, soup)
    client.force_login(customer.user)
    html = client.get(reverse("orders:confirmation", args=[order.public_token])).content.decode()
    assert 'data-testid="session-claim-offer"' in html


def test_order_history_page_shows_the_offer_too(client, customer, table, soup):
    order = order_as_guest(client, table, soup)
    client.force_login(customer.user)
    html = client.get(reverse("portal:order_list")).content.decode()
    assert 'data-testid="session-claim-offer"' in html
    assert f"Order #{order.pk}" in html
    assert 'name="next" value="/customer/orders"' in html


def test_offer_shows_the_restaurants_local_time(client, customer, table, soup):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    order = order_as_guest(client, table, soup)
    Order.objects.filter(pk=order.pk).update(placed_at=datetime(2025, 12, 31, 23, 15, tzinfo=ZoneInfo("UTC")))
    client.force_login(customer.user)
    html = client.get(table.get_absolute_url()).content.decode()
    # 23:15 UTC on New Year's Eve is already 00:15 on 1 January in Berlin.
    assert "Thu 1 Jan 2026, 00:15" in html
