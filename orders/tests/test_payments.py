"""Recording a payment: orders of one table, method, tip rules, TSE data, audit, the race."""

import threading

import pytest
from django.db import connection

from audit.models import AuditEntry
from customers.tests.factories import StaffFactory
from orders.models import Order, Payment
from orders.services import order_set_status
from orders.services_payment import PaymentRefused, payment_record
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(restaurant_a):
    return TableFactory(restaurant=restaurant_a)


def test_one_payment_settles_several_orders_of_a_table_with_tip(table, staff_a):
    first = order_with_lines(restaurant=table.restaurant, table=table)  # 29.90
    second = order_with_lines(restaurant=table.restaurant, table=table, lines=((1, 1000, "19.00"),))
    payment = payment_record(order_ids=[first.pk, second.pk], method="card", tip_cents=310, recorded_by=staff_a)
    assert (payment.meal_cents, payment.tip_cents, payment.paid_cents) == (3990, 310, 4300)
    assert payment.method == "card" and payment.recorded_by == staff_a and payment.table == table
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == Order.Status.PAID and order.paid_at is not None and order.payment == payment
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PAYMENT_RECORDED)
    assert entry.restaurant_id == table.restaurant_id and entry.actor == staff_a
    assert entry.data["paid_cents"] == 4300


def test_the_fake_tse_signs_and_says_it_is_not_certified(table):
    order = order_with_lines(restaurant=table.restaurant, table=table)
    payment = payment_record(order_ids=[order.pk], method="cash")
    assert payment.has_tse_data and payment.tse_certified is False
    assert payment.tse_serial == "FAKE-TSE-NOT-CERTIFIED"
    assert payment.tse_signature_counter == payment.pk and payment.tse_transaction_number == str(payment.pk)
    assert payment.tse_start_at <= payment.tse_end_at
    assert payment.tse_qr_data.startswith("V0;FAKE-TSE-NOT-CERTIFIED;Kassenbeleg-V1;")


def test_a_configured_signer_that_fails_records_nothing(table, settings):
    settings.TSE_SIGNER = "orders.tse.TseSigner"  # the bare interface raises NotImplementedError
    order = order_with_lines(restaurant=table.restaurant, table=table)
    with pytest.raises(NotImplementedError):
        payment_record(order_ids=[order.pk], method="cash")
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED and not Payment.objects.exists()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"tip_cents": -1}, "A tip cannot be negative."),
        ({"tip_cents": "1.50"}, "The tip must be a whole number of cents."),
        ({"method": "bitcoin"}, "Choose a payment method"),
        ({"tip_cents": 3000}, "is more than the bill"),
        ({"tip_cents": 10**12, "tip_confirmed": True}, "too large"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(table, kwargs, message):
    order = order_with_lines(restaurant=table.restaurant, table=table)  # 29.90
    with pytest.raises(PaymentRefused, match=message):
        payment_record(order_ids=[order.pk], **{"method": "cash", **kwargs})
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED and order.payment_id is None
    assert not Payment.objects.exists()


def test_a_tip_above_the_bill_passes_when_confirmed(table):
    order = order_with_lines(restaurant=table.restaurant, table=table)
    payment = payment_record(order_ids=[order.pk], method="cash", tip_cents=5000, tip_confirmed=True)
    assert payment.paid_cents == 2990 + 5000


def test_orders_of_two_tables_are_refused(table):
    other = TableFactory(restaurant=table.restaurant)
    a = order_with_lines(restaurant=table.restaurant, table=table)
    b = order_with_lines(restaurant=table.restaurant, table=other)
    with pytest.raises(PaymentRefused, match="one table only"):
        payment_record(order_ids=[a.pk, b.pk], method="cash")
    assert not Payment.objects.exists()


def test_an_order_is_in_at_most_one_payment(table):
    order = order_with_lines(restaurant=table.restaurant, table=table)
    payment_record(order_ids=[order.pk], method="cash")
    with pytest.raises(PaymentRefused, match="already settled"):
        payment_record(order_ids=[order.pk], method="card")
    assert Payment.objects.count() == 1


def test_a_cancelled_or_paid_order_rolls_the_whole_payment_back(table):
    good = order_with_lines(restaurant=table.restaurant, table=table)
    cancelled = order_with_lines(restaurant=table.restaurant, table=table)
    order_set_status(order=cancelled, status="cancelled")
    with pytest.raises(PaymentRefused, match="cancelled"):
        payment_record(order_ids=[good.pk, cancelled.pk], method="cash")
    good.refresh_from_db()
    assert good.status == Order.Status.PLACED and not Payment.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_paying_the_same_order_at_once_make_one_payment(restaurant_a):
    table = TableFactory(restaurant=restaurant_a)
    shared = order_with_lines(restaurant=restaurant_a, table=table)
    extra = [order_with_lines(restaurant=restaurant_a, table=table) for _ in range(2)]
    staff = [StaffFactory(restaurants=[restaurant_a]) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list = []

    def pay(index):
        try:
            barrier.wait()
            results.append(
                payment_record(order_ids=[shared.pk, extra[index].pk], method="cash", recorded_by=staff[index])
            )
        except PaymentRefused as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    payments = [r for r in results if isinstance(r, Payment)]
    refusals = [r for r in results if isinstance(r, PaymentRefused)]
    assert len(payments) == 1 and len(refusals) == 1
    assert Payment.objects.count() == 1
    shared.refresh_from_db()
    assert shared.payment_id == payments[0].pk
    # The loser's other order was rolled back with it.
    loser = extra[1] if payments[0].orders.filter(pk=extra[0].pk).exists() else extra[0]
    loser.refresh_from_db()
    assert loser.status == Order.Status.PLACED and loser.payment_id is None
