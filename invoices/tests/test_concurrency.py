"""Concurrent issuing on PostgreSQL: real threads, real HTTP requests, real row locks.

Run with DATABASE_URL=postgres://... (skipped on SQLite, which has no row locks).
"""

import threading
import urllib.error
import urllib.request
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from invoices import services
from invoices.models import Invoice, InvoiceNumberCounter
from invoices.services import invoice_issue, invoice_number_allocate, numbering
from invoices.tests.factories import paid_order
from orders.models import Order
from orders.tests.factories import RestaurantFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def post_all_at_once(live_server, jobs) -> list:
    """POST every (path, session) at the same moment from its own thread; returns (status, Location)."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    opener = urllib.request.build_opener(NoRedirect)

    def run(index, path, session):
        csrf = _get_new_csrf_string()
        request = urllib.request.Request(
            live_server.url + path,
            data=b"",
            method="POST",
            headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
                "X-CSRFToken": csrf,
            },
        )
        barrier.wait(30)
        try:
            response = opener.open(request, timeout=60)
            results[index] = (response.status, response.headers.get("Location"))
        except urllib.error.HTTPError as exc:
            results[index] = (exc.code, exc.headers.get("Location"))

    threads = [threading.Thread(target=run, args=(i, path, session)) for i, (path, session) in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return results


def test_twenty_orders_of_one_restaurant_get_twenty_consecutive_numbers(live_server, restaurant_a):
    customers = [CustomerFactory() for _ in range(20)]
    orders = [paid_order(customer=c, restaurant=restaurant_a) for c in customers]
    jobs = [
        (f"/customer/orders/{o.pk}/invoice", session_cookie(c.user)) for o, c in zip(orders, customers, strict=True)
    ]

    results = post_all_at_once(live_server, jobs)

    assert [status for status, _ in results] == [302] * 20, results
    invoices = Invoice.objects.filter(restaurant=restaurant_a)
    assert invoices.count() == 20
    assert sorted(invoices.values_list("sequence", flat=True)) == list(range(1, 21))
    year = invoices.first().year
    assert set(invoices.values_list("number", flat=True)) == {f"INV-{year}-{n:04d}" for n in range(1, 21)}
    assert {inv.order_id for inv in invoices} == {o.pk for o in orders}


def test_ten_requests_for_one_order_give_exactly_one_invoice(live_server, customer, restaurant_a):
    order = paid_order(customer=customer, restaurant=restaurant_a)
    session = session_cookie(customer.user)

    results = post_all_at_once(live_server, [(f"/customer/orders/{order.pk}/invoice", session)] * 10)

    assert [status for status, _ in results] == [302] * 10, results
    invoice = Invoice.objects.get(order=order)
    assert invoice.sequence == 1
    assert {location for _, location in results} == {f"/customer/invoices/{invoice.pk}"}


def _wait_for_a_lock_wait(timeout=10.0) -> bool:
    """True once another connection waits for a row lock; False if none does within ``timeout``."""
    import time

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.parametrize("locking", [True, False], ids=["with-lock", "lock-disabled"])
def test_the_counter_lock_is_what_keeps_numbers_unique(restaurant_a, monkeypatch, locking):
    """Two allocations interleaved on purpose: the first holds its transaction open.

    With the lock the second waits and gets the next number; with the switch
    off it reads the same counter value and hands out the same number again,
    which shows the tests above would catch a missing lock.
    """
    monkeypatch.setattr(numbering, "LOCKING_ENABLED", locking)
    InvoiceNumberCounter.objects.create(company=restaurant_a.company, year=2026, last_number=0)
    first_allocated, release = threading.Event(), threading.Event()
    numbers: dict = {}

    def first():
        with transaction.atomic():
            numbers["first"] = invoice_number_allocate(restaurant=restaurant_a, year=2026)[0]
            first_allocated.set()
            release.wait(15)
        connection.close()

    def second():
        first_allocated.wait(15)
        with transaction.atomic():
            numbers["second"] = invoice_number_allocate(restaurant=restaurant_a, year=2026)[0]
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_allocated.wait(15)
    # With the lock the second waits at SELECT ... FOR UPDATE; without it, it reads
    # the stale value and then waits only at its UPDATE (a lost update).
    assert _wait_for_a_lock_wait()
    release.set()
    for thread in threads:
        thread.join(30)

    if locking:
        assert (numbers["first"], numbers["second"]) == (1, 2)
    else:
        assert numbers["first"] == numbers["second"] == 1  # the duplicate a missing lock produces


@pytest.mark.parametrize("held", ["order", "counter"], ids=["waits-for-the-order", "waits-for-the-counter"])
def test_an_invoice_that_waited_over_new_year_gets_the_new_years_number_and_date(monkeypatch, customer, held):
    """A request starts at 23:59:59 on 31 December and waits for a lock into the new year.

    Meanwhile another invoice is issued on 1 January and gets INV-2026-0001. If
    the waiting request had read the clock before its wait, it would be dated
    31 December and take INV-2025-…, although it was numbered after
    INV-2026-0001. The held lock is either the order's row (a concurrent
    request for the same order) or last year's counter (another invoice being
    numbered at midnight).
    """
    berlin = RestaurantFactory(timezone="Europe/Berlin")
    waiting_order = paid_order(customer=customer, restaurant=berlin)
    other_order = paid_order(customer=customer, restaurant=berlin)
    clock = {"now": datetime(2025, 12, 31, 22, 59, 59, tzinfo=UTC)}  # 23:59:59 in Berlin
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    lock_held, release = threading.Event(), threading.Event()
    issued: dict = {}

    def hold_lock():
        with transaction.atomic():
            if held == "order":
                Order.objects.select_for_update().get(pk=waiting_order.pk)
            else:
                invoice_number_allocate(restaurant=berlin, year=2025)  # INV-2025-0001, committed on release
            lock_held.set()
            release.wait(15)
        connection.close()

    def issue_waiting():
        lock_held.wait(15)
        issued["waiting"] = invoice_issue(order=waiting_order, customer=customer)
        connection.close()

    threads = [threading.Thread(target=hold_lock), threading.Thread(target=issue_waiting)]
    for thread in threads:
        thread.start()
    lock_held.wait(15)
    assert _wait_for_a_lock_wait()
    clock["now"] = datetime(2025, 12, 31, 23, 0, 5, tzinfo=UTC)  # 00:00:05 on 1 January 2026 in Berlin
    first_of_2026 = invoice_issue(order=other_order, customer=customer)
    release.set()
    for thread in threads:
        thread.join(30)

    waiting = issued["waiting"]
    assert (first_of_2026.number, first_of_2026.issue_date) == ("INV-2026-0001", date(2026, 1, 1))
    assert (waiting.number, waiting.issue_date) == ("INV-2026-0002", date(2026, 1, 1))
    # Over the whole sequence, a higher number never carries an earlier date.
    dates = list(
        Invoice.objects.filter(restaurant=berlin, year=2026).order_by("sequence").values_list("issue_date", flat=True)
    )
    assert dates == sorted(dates)


def test_overlapping_pending_mail_runs_send_each_mail_once(customer, mailoutbox):
    """Two cron runs at once: the one that holds the row sends; the other skips it."""
    from django.core import mail as django_mail

    invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    # As if the after-commit mail had failed: issued, not sent.
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.ISSUED, sent_at=None)
    from common.models import OutboundMail

    OutboundMail.objects.filter(kind="invoice_ready").update(status=OutboundMail.Status.PENDING, sent_at=None)
    django_mail.outbox.clear()
    holding, release = threading.Event(), threading.Event()

    def other_run_holds_the_row():
        try:
            with transaction.atomic():
                Invoice.objects.select_for_update().get(pk=invoice.pk)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run_holds_the_row)
    thread.start()
    assert holding.wait(10)
    try:
        assert services.invoice_deliver(invoice=invoice) is None
        assert django_mail.outbox == []
    finally:
        release.set()
        thread.join()
    assert services.invoice_deliver(invoice=invoice) is True
    assert services.invoice_deliver(invoice=invoice) is None  # sent: nothing left to do
    assert len(django_mail.outbox) == 1


def test_two_restaurants_of_one_company_share_one_gapless_range_and_another_company_has_its_own(live_server):
    first = RestaurantFactory()
    second = RestaurantFactory(company=first.company)
    other = RestaurantFactory()
    places = [first] * 8 + [second] * 8 + [other] * 6
    customers = [CustomerFactory() for _ in places]
    orders = [paid_order(customer=c, restaurant=r) for c, r in zip(customers, places, strict=True)]
    jobs = [
        (f"/customer/orders/{o.pk}/invoice", session_cookie(c.user)) for o, c in zip(orders, customers, strict=True)
    ]

    results = post_all_at_once(live_server, jobs)

    assert [status for status, _ in results] == [302] * len(jobs), results
    shared = Invoice.objects.filter(company=first.company)
    assert sorted(shared.values_list("sequence", flat=True)) == list(range(1, 17))
    assert set(shared.values_list("restaurant_id", flat=True)) == {first.pk, second.pk}
    year = shared.first().year
    assert set(shared.values_list("number", flat=True)) == {f"INV-{year}-{n:04d}" for n in range(1, 17)}
    own = Invoice.objects.filter(company=other.company)
    assert sorted(own.values_list("sequence", flat=True)) == list(range(1, 7))
    assert InvoiceNumberCounter.objects.get(company=first.company, year=year).last_number == 16
