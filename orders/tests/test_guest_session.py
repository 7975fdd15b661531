"""The guest orders a browser session remembers (orders.guest_session owns the key)."""

from types import SimpleNamespace

from orders.guest_session import (
    GUEST_ORDERS_KEPT,
    GUEST_ORDERS_SESSION_KEY,
    guest_order_ids,
    guest_order_remember,
    guest_orders_forget,
)


def guest_order(pk: int, customer_id=None):
    return SimpleNamespace(pk=pk, customer_id=customer_id)


def test_a_guest_order_is_remembered_once():
    session: dict = {}
    guest_order_remember(session=session, order=guest_order(7))
    guest_order_remember(session=session, order=guest_order(7))
    assert guest_order_ids(session=session) == [7]


def test_an_order_with_a_customer_is_not_remembered():
    session: dict = {}
    guest_order_remember(session=session, order=guest_order(7, customer_id=3))
    assert guest_order_ids(session=session) == [] and GUEST_ORDERS_SESSION_KEY not in session


def test_only_the_newest_orders_are_kept():
    session: dict = {}
    for pk in range(1, GUEST_ORDERS_KEPT + 6):
        guest_order_remember(session=session, order=guest_order(pk))
    assert GUEST_ORDERS_KEPT == 50
    assert guest_order_ids(session=session) == list(range(6, GUEST_ORDERS_KEPT + 6))


def test_anything_but_ids_in_the_session_is_ignored_and_forget_clears_it():
    session = {GUEST_ORDERS_SESSION_KEY: [1, "2", None, 3]}
    assert guest_order_ids(session=session) == [1, 3]
    guest_orders_forget(session=session)
    assert guest_order_ids(session=session) == [] and GUEST_ORDERS_SESSION_KEY not in session
