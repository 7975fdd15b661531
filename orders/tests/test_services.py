from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orders.models import Order, OrderLine
from orders.services import MAX_QUANTITY_PER_ITEM, OrderRejected, order_place, order_set_status
from orders.tests.factories import MenuItemFactory, OrderFactory, TableFactory


@pytest.fixture
def table(db):
    return TableFactory()


@pytest.fixture
def schnitzel(table):
    return MenuItemFactory(restaurant=table.restaurant, name="Schnitzel", price_cents=2290, vat_rate=Decimal("7"))


@pytest.fixture
def beer(table):
    return MenuItemFactory(restaurant=table.restaurant, name="Pilsner", price_cents=520, vat_rate=Decimal("19"))


def test_order_snapshots_name_price_and_rate(table, schnitzel, beer):
    order = order_place(table=table, quantities={schnitzel.pk: 2, beer.pk: 3}, note=" no onions ")
    assert order.total_cents == 2 * 2290 + 3 * 520
    assert order.currency == "EUR"
    assert order.note == "no onions"
    assert order.status == Order.Status.PLACED
    assert order.placed_at is not None

    schnitzel.name, schnitzel.price_cents, schnitzel.vat_rate = "Schnitzel XXL", 9999, Decimal("19")
    schnitzel.save()
    line = OrderLine.objects.get(order=order, menu_item=schnitzel)
    assert (line.name, line.unit_price_cents, line.vat_rate, line.quantity) == ("Schnitzel", 2290, Decimal("7"), 2)
    order.refresh_from_db()
    assert order.total_cents == 2 * 2290 + 3 * 520


@pytest.mark.parametrize(
    "quantities, message",
    [
        ("none", "empty"),
        ("zero", "empty"),
        ("negative", "negative"),
        ("absurd", f"At most {MAX_QUANTITY_PER_ITEM}"),
    ],
)
def test_bad_quantities_are_refused_and_save_nothing(table, schnitzel, quantities, message):
    quantities = {
        "none": {},
        "zero": {schnitzel.pk: 0},
        "negative": {schnitzel.pk: -1},
        "absurd": {schnitzel.pk: 10_000},
    }[quantities]
    with pytest.raises(OrderRejected, match=message):
        order_place(table=table, quantities=quantities)
    assert not Order.objects.exists()


def test_item_of_another_restaurant_is_refused(table, schnitzel):
    foreign = MenuItemFactory()
    with pytest.raises(OrderRejected, match="not on this restaurant's menu"):
        order_place(table=table, quantities={schnitzel.pk: 1, foreign.pk: 1})
    assert not Order.objects.exists()


def test_unavailable_item_is_refused(table, schnitzel):
    schnitzel.is_available = False
    schnitzel.save()
    with pytest.raises(OrderRejected, match="no longer available: Schnitzel"):
        order_place(table=table, quantities={schnitzel.pk: 1})
    assert not Order.objects.exists()


def test_inactive_table_takes_no_orders(table, schnitzel):
    table.is_active = False
    table.save()
    with pytest.raises(OrderRejected):
        order_place(table=table, quantities={schnitzel.pk: 1})


def test_status_moves_forward_and_stamps_time(db):
    order = OrderFactory()
    order = order_set_status(order=order, status=Order.Status.PREPARING)
    assert order.preparing_at is not None
    order = order_set_status(order=order, status=Order.Status.PAID)
    assert order.status == Order.Status.PAID and order.paid_at is not None
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


@pytest.mark.parametrize("final", [Order.Status.PAID, Order.Status.CANCELLED])
def test_final_states_cannot_change(db, final):
    order = order_set_status(order=OrderFactory(), status=final)
    for status in Order.Status:
        with pytest.raises(ValidationError):
            order_set_status(order=order, status=status)


def test_rotating_a_token_invalidates_the_old_one(table):
    old = table.token
    table.rotate_token()
    table.refresh_from_db()
    assert table.token != old
    assert len(table.token) >= 43  # 256 bits, URL-safe base64


def test_claim_codes_and_tokens_are_unique_and_unguessable(table, schnitzel):
    orders = [order_place(table=table, quantities={schnitzel.pk: 1}) for _ in range(20)]
    assert len({o.claim_code for o in orders}) == 20
    assert len({o.public_token for o in orders}) == 20
    assert all(len(o.claim_code) == 10 for o in orders)
