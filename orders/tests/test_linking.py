"""Item 2 of the customer-orders issue: who an order is placed as."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.factories import StaffFactory
from orders.guest_session import GUEST_ORDERS_SESSION_KEY
from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory


@pytest.fixture
def table(db):
    return TableFactory(label="12", restaurant__name="Trattoria Uno")


@pytest.fixture
def soup(table):
    return MenuItemFactory(restaurant=table.restaurant, name="Soup", price_cents=590, vat_rate=Decimal("7"))


def place(client, table, item, qty=1):
    return client.post(reverse("orders:order_create", args=[table.token]), {f"qty_{item.pk}": qty})


def test_logged_in_customer_sees_who_they_order_as(client, customer, table, soup):
    customer.full_name = "Ada Lovelace"
    customer.save()
    client.force_login(customer.user)
    html = client.get(table.get_absolute_url()).content.decode()
    assert 'data-testid="identity"' in html
    assert "Ordering as <strong>Ada Lovelace</strong>" in html
    assert customer.user.email in html
    assert "Log in to keep your orders" not in html


def test_order_of_logged_in_customer_is_linked_and_not_remembered_as_guest_order(client, customer, table, soup):
    client.force_login(customer.user)
    response = place(client, table, soup, qty=2)
    order = Order.objects.get()
    assert response.status_code == 302
    assert order.customer == customer
    assert GUEST_ORDERS_SESSION_KEY not in client.session
    confirmation = client.get(response["Location"]).content.decode()
    assert "saved in your account" in confirmation
    assert reverse("portal:order_detail", args=[order.pk]) in confirmation
    # The receipt code is only for guests; a linked order has nothing left to claim.
    assert order.claim_code_display not in confirmation


def test_guest_sees_discreet_login_link_back_to_the_same_table(client, table, soup):
    html = client.get(table.get_absolute_url()).content.decode()
    assert 'data-testid="identity"' not in html
    next_query = f"next=%2Fmenu%2F{table.token}%2F"
    assert f'href="/customer/login?{next_query}"' in html
    assert f"register?{next_query}" in html
    assert "Log in to keep your orders" in html


def test_guest_order_stays_unlinked_and_is_remembered_in_the_session(client, table, soup, customer):
    response = place(client, table, soup)
    order = Order.objects.get()
    assert order.customer is None
    assert client.session[GUEST_ORDERS_SESSION_KEY] == [order.pk]
    confirmation = client.get(response["Location"]).content.decode()
    assert order.claim_code_display in confirmation
    assert f"/customer/login?next=%2Forder%2F{order.public_token}%2F" in confirmation


def test_staff_member_ordering_is_a_guest_order_without_the_login_link(client, table, soup):
    # Staff accounts have no customer profile: nothing to link to, and no login prompt either.
    client.force_login(StaffFactory(restaurants=[table.restaurant]))
    html = client.get(table.get_absolute_url()).content.decode()
    assert "Log in to keep your orders" not in html
    assert 'data-testid="identity"' not in html
    place(client, table, soup)
    assert Order.objects.get().customer is None


def test_guest_orders_of_others_are_untouched_when_a_customer_orders(client, customer, table, soup):
    guest_order = Order.objects.create(restaurant=table.restaurant, table=table, currency="EUR")
    client.force_login(customer.user)
    place(client, table, soup)
    guest_order.refresh_from_db()
    assert guest_order.customer is None
    assert Order.objects.filter(customer=customer).count() == 1


def test_menu_page_of_a_logged_in_customer_stays_within_a_few_queries(
    client, customer, table, soup, django_assert_max_num_queries
):
    for _ in range(20):
        MenuItemFactory(restaurant=table.restaurant)
    client.force_login(customer.user)
    # session, user, customer, table, categories, items
    with django_assert_max_num_queries(6):
        assert client.get(table.get_absolute_url()).status_code == 200


def test_an_admin_sign_in_does_not_order_as_the_customer(client, customer, table, soup):
    # A staff member who also has a customer profile, signed in through the
    # admin login (which skips the customer's MFA and idle timeout).
    from common.sessions import STAFF_SESSION_KEY

    client.force_login(customer.user)
    session = client.session
    session[STAFF_SESSION_KEY] = True
    session[GUEST_ORDERS_SESSION_KEY] = []
    session.save()
    assert 'data-testid="identity"' not in client.get(table.get_absolute_url()).content.decode()
    assert place(client, table, soup).status_code == 302
    assert Order.objects.get().customer is None


def test_an_mfa_account_orders_as_itself_only_after_the_second_factor(client, customer, table, soup):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=customer.user, name="phone", confirmed=True)
    client.force_login(customer.user)  # password only: the second factor never happened
    place(client, table, soup)
    assert Order.objects.get().customer is None

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    place(client, table, soup)
    assert Order.objects.order_by("-pk").first().customer == customer
