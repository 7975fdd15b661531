"""Invoice numbers: gapless and strictly increasing per company (taxable person) and calendar year.

A number must be unique per taxable person, so all restaurants of one company
share one range; the year is the one of the issue date in the issuing
restaurant's time zone. Numbers are never reused, not even after a
cancellation (a cancellation is a new document with its own number from the
same range). Issue dates follow the numbers: the issue time is read only once
the year's counter is locked, so a higher number never has an earlier date or
the previous year's sequence, however long a request waited for its locks.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from invoices.models import InvoiceNumberCounter
from orders.models import Company, Restaurant, invoice_number_format_check

# Only the concurrency tests turn this off, to show that they catch a missing
# lock (as pretix does). Never change it in production code. Issuing and
# cancelling read it from here too, for the order row lock.
LOCKING_ENABLED = True

__all__ = [
    "LOCKING_ENABLED",
    "invoice_number_allocate",
    "invoice_number_and_date_allocate",
    "invoice_number_format",
    "invoice_number_format_check",
]


def invoice_number_format(*, company: Company, year: int, number: int) -> str:
    return company.invoice_number(year=year, number=number)


def invoice_number_allocate(*, restaurant: Restaurant, year: int) -> tuple[int, str]:
    """The next (sequence, formatted number) of ``restaurant``'s company in ``year``, without an issue date.

    Services use ``invoice_number_and_date_allocate``; this stays for the race
    tests, which hold one allocation's transaction open on purpose. Caller must
    be inside ``transaction.atomic()`` and create the invoice in the same
    transaction: the counter row stays locked until commit, and a rollback
    returns the number, so the sequence has no gaps.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_number_allocate must run inside transaction.atomic()")
    return _counter_next(_counter_lock(company_id=restaurant.company_id, year=year))


def _counter_lock(*, company_id: int, year: int) -> InvoiceNumberCounter:
    counters = InvoiceNumberCounter.objects.select_related("company").filter(company_id=company_id, year=year)
    if LOCKING_ENABLED:
        counters = counters.select_for_update(of=("self",))
    counter = counters.first()
    if counter is None:
        # First invoice of the year: INSERT ... ON CONFLICT DO NOTHING waits for a
        # concurrent request doing the same, then both lock the one committed row.
        InvoiceNumberCounter.objects.bulk_create(
            [InvoiceNumberCounter(company_id=company_id, year=year, last_number=0)], ignore_conflicts=True
        )
        counter = counters.get()
    return counter


def _counter_next(counter: InvoiceNumberCounter) -> tuple[int, str]:
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    # The company row was read with the locked counter, so the format is the current one.
    return counter.last_number, invoice_number_format(
        company=counter.company, year=counter.year, number=counter.last_number
    )


def invoice_number_and_date_allocate(
    *, restaurant: Restaurant, now: datetime | None = None
) -> tuple[datetime, date, int, str]:
    """The issue time and date and the next (sequence, number) of ``restaurant``'s company, in that order.

    The clock is read only while the counter of the issue year is locked: every
    invoice numbered before this one has committed by then, so its issue time
    is earlier, and numbers and issue dates rise together. If the year turned
    while this request waited for the lock, it locks the new year's counter and
    reads the clock again. ``now`` fixes the issue time (tests, scripts).
    Same transaction rules as ``invoice_number_allocate``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_number_and_date_allocate must run inside transaction.atomic()")
    year = timezone.localdate(now or timezone.now(), restaurant.tzinfo).year
    while True:
        counter = _counter_lock(company_id=restaurant.company_id, year=year)
        moment = now or timezone.now()
        issue_date = timezone.localdate(moment, restaurant.tzinfo)
        if issue_date.year == year:
            return (moment, issue_date, *_counter_next(counter))
        year = issue_date.year
