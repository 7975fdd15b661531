"""Two accounts racing for one receipt code: the row lock lets exactly one win (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from customers.tests.factories import CustomerFactory
from orders.models import Order
from orders.services import ClaimRefused, order_claim_by_code, order_claim_session_orders
from orders.tests.factories import order_with_lines

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _wait_until_someone_waits_for_a_lock(timeout=10.0):
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second claim never waited for the row lock")


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as exc:  # noqa: BLE001 - the test inspects what happened
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_claim_waits_for_a_concurrent_owner_change_and_then_refuses(restaurant_a):
    order = order_with_lines(restaurant=restaurant_a)
    winner, loser = CustomerFactory(), CustomerFactory()
    locked = threading.Event()
    release = threading.Event()
    results: dict = {}

    def first_claim_holds_the_row():
        with transaction.atomic():
            row = Order.objects.select_for_update().get(pk=order.pk)
            locked.set()
            release.wait(10)
            row.customer = winner
            row.save(update_fields=["customer"])
        return "committed"

    def second_claim():
        locked.wait(10)
        return order_claim_by_code(customer=loser, code=order.claim_code)

    first = _in_thread(first_claim_holds_the_row, results, "first")
    second = _in_thread(second_claim, results, "second")
    locked.wait(10)
    # Without the lock in order_claim_by_code the second claim would read the
    # row as unclaimed before the first commits, then overwrite the owner.
    _wait_until_someone_waits_for_a_lock()
    release.set()
    first.join(15)
    second.join(15)

    assert results["first"] == "committed"
    assert isinstance(results["second"], ClaimRefused)
    order.refresh_from_db()
    assert order.customer == winner


def test_many_accounts_claiming_one_code_at_once_exactly_one_wins(restaurant_a):
    order = order_with_lines(restaurant=restaurant_a)
    customers = [CustomerFactory() for _ in range(6)]
    start = threading.Barrier(len(customers))
    results: dict = {}

    def claim(customer):
        def run():
            start.wait(10)
            return order_claim_by_code(customer=customer, code=order.claim_code_display.lower())

        return run

    threads = [_in_thread(claim(c), results, c.pk) for c in customers]
    for thread in threads:
        thread.join(20)

    wins = [pk for pk, result in results.items() if isinstance(result, tuple)]
    assert len(wins) == 1
    assert all(isinstance(r, ClaimRefused) for pk, r in results.items() if pk not in wins)
    order.refresh_from_db()
    assert order.customer_id == wins[0]


def test_session_claim_and_code_claim_racing_leave_one_owner(restaurant_a):
    order = order_with_lines(restaurant=restaurant_a)
    by_session, by_code = CustomerFactory(), CustomerFactory()
    start = threading.Barrier(2)
    results: dict = {}

    def session_claim():
        start.wait(10)
        return order_claim_session_orders(customer=by_session, order_ids=[order.pk])

    def code_claim():
        start.wait(10)
        return order_claim_by_code(customer=by_code, code=order.claim_code)

    threads = [_in_thread(session_claim, results, "session"), _in_thread(code_claim, results, "code")]
    for thread in threads:
        thread.join(20)

    order.refresh_from_db()
    session_won = results["session"] == [order]
    code_won = isinstance(results["code"], tuple)
    assert session_won != code_won
    assert order.customer == (by_session if session_won else by_code)
