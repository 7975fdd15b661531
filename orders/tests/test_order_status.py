"""The order status machine: every move it allows, every move it refuses, through the one service."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from orders.models import Order
from orders.services import order_set_status
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

# Written out by hand (not read from Order.STATUS_TRANSITIONS), so a change to
# the machine shows up here as a failing case.
ALLOWED = {
    ("placed", "preparing"),
    ("placed", "served"),
    ("placed", "paid"),
    ("placed", "cancelled"),
    ("preparing", "served"),
    ("preparing", "paid"),
    ("preparing", "cancelled"),
    ("served", "paid"),
    ("served", "cancelled"),
}
STAMPS = {"preparing": "preparing_at", "served": "served_at", "paid": "paid_at", "cancelled": "cancelled_at"}
PAIRS = list(itertools.product([s.value for s in Order.Status], repeat=2))


@pytest.mark.parametrize(("before", "after"), sorted(ALLOWED))
def test_allowed_move_changes_the_status_and_stamps_its_time(before, after):
    order = OrderFactory(status=before)
    moved = order_set_status(order=order, status=after)
    moved.refresh_from_db()
    assert moved.status == after
    assert getattr(moved, STAMPS[after]) is not None


@pytest.mark.parametrize(("before", "after"), sorted(set(PAIRS) - ALLOWED))
def test_refused_move_raises_and_changes_nothing(before, after):
    order = OrderFactory(status=before)
    with pytest.raises(ValidationError, match=f"Order #{order.pk} is {before}"):
        order_set_status(order=order, status=after)
    order.refresh_from_db()
    assert order.status == before
    assert all(getattr(order, field) is None for field in STAMPS.values())


def test_unknown_status_is_refused():
    order = OrderFactory()
    with pytest.raises(ValueError):
        order_set_status(order=order, status="eaten")
    order.refresh_from_db()
    assert order.status == "placed"
