"""Two corrections of the same units at once, on PostgreSQL: the original's row lock lets only one credit them.

Run with DATABASE_URL=postgres://... (skipped on SQLite, which has no row locks).
"""

import threading

import pytest
from django.db import connection, transaction

from invoices.models import Invoice
from invoices.services import CorrectionRefused, invoice_correct, invoice_issue
from invoices.services import corrections as corrections_module
from invoices.tests.factories import paid_order
from invoices.tests.test_concurrency import _wait_for_a_lock_wait

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locking", [True, False], ids=["with-lock", "lock-disabled"])
def test_two_concurrent_corrections_cannot_credit_the_same_units_twice(customer, monkeypatch, locking):
    """The first correction holds its transaction open; the second asks for the same two units meanwhile.

    With the lock the second waits for the original's row, then re-reads the
    corrections and is refused. With the switch off it reads the stale state,
    waits only for the number counter, and credits the units a second time:
    the over-credit this test exists to catch.
    """
    monkeypatch.setattr(corrections_module, "LOCKING_ENABLED", locking)
    order = paid_order(customer=customer, lines=((2, 1000, "19.00"), (1, 490, "7.00")))
    invoice = invoice_issue(order=order, customer=customer)
    line = invoice.lines.get(position=1)
    first_done, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def first():
        try:
            with transaction.atomic():
                outcome["first"] = invoice_correct(invoice=invoice, quantities={line.pk: 2}, reason="Cold").number
                first_done.set()
                release.wait(15)
        finally:
            first_done.set()
            connection.close()

    def second():
        first_done.wait(15)
        try:
            outcome["second"] = invoice_correct(invoice=invoice, quantities={line.pk: 2}, reason="Cold").number
        except CorrectionRefused as exc:
            outcome["second"] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_done.wait(15)
    # With the lock the second waits for the original; without, for the number counter.
    assert _wait_for_a_lock_wait()
    release.set()
    for thread in threads:
        thread.join(30)

    credited = sum(c.quantity for c in line.correction_lines.all())
    if locking:
        assert "only 0 remain charged, so 2 cannot be reversed" in outcome["second"]
        assert credited == -2 and Invoice.objects.filter(corrects=invoice).count() == 1
    else:
        assert credited == -4  # two documents credited the same two units
        assert Invoice.objects.filter(corrects=invoice).count() == 2
