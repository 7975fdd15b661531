"""Limits the guest sees in the page are the ones the server enforces."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders import views
from orders.forms import OrderForm
from orders.models import Order
from orders.services import MAX_QUANTITY_PER_ITEM, order_set_status
from orders.tests.factories import MenuItemFactory, TableFactory, order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def table():
    return TableFactory(label="4")


def test_menu_inputs_carry_the_server_limits(client, table):
    MenuItemFactory(restaurant=table.restaurant, name="Soup", price_cents=590, vat_rate=Decimal("7"))
    html = client.get(reverse("orders:menu", args=[table.token])).content.decode()
    assert f'maxlength="{OrderForm().fields["note"].max_length}"' in html
    assert f'max="{MAX_QUANTITY_PER_ITEM}"' in html
    # The re-rendered menu (after bad input) says the same.
    note = "x" * (OrderForm().fields["note"].max_length + 1)
    again = client.post(reverse("orders:order_create", args=[table.token]), {"note": note}).content.decode()
    assert f'max="{MAX_QUANTITY_PER_ITEM}"' in again


def test_confirmation_poll_interval_is_stated_once(client, table, monkeypatch):
    monkeypatch.setattr(views, "CONFIRMATION_POLL_SECONDS", 45)
    order = order_with_lines(restaurant=table.restaurant, table=table)
    url = reverse("orders:confirmation", args=[order.public_token])
    html = client.get(url).content.decode()
    # No meta refresh (WCAG 2.2.1): the page's script polls at the one interval, until the order is final.
    assert 'data-poll-seconds="45"' in html and 'http-equiv="refresh"' not in html
    order_set_status(order=order, status=Order.Status.PAID)
    assert "data-poll-seconds" not in client.get(url).content.decode()
