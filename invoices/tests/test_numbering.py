"""Invoice numbers: gapless per restaurant and year, formatted by the settings, never reused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from customers.tests.factories import CustomerFactory
from invoices.models import Invoice, InvoiceNumberCounter
from invoices.services import (
    InvoiceRefused,
    invoice_cancel,
    invoice_issue,
    invoice_number_allocate,
    invoice_number_format_check,
)
from invoices.tests.factories import aware, paid_order
from orders.models import Company
from orders.tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db


def issue(customer, restaurant, now=None):
    return invoice_issue(order=paid_order(customer=customer, restaurant=restaurant), customer=customer, now=now)


def test_numbers_follow_each_other_without_gaps(customer, restaurant_a):
    now = aware(2026, 3, 2, 12, 0)
    invoices = [issue(customer, restaurant_a, now) for _ in range(3)]
    assert [i.number for i in invoices] == ["INV-2026-0001", "INV-2026-0002", "INV-2026-0003"]
    assert [i.sequence for i in invoices] == [1, 2, 3]


def test_each_restaurant_has_its_own_sequence(customer, restaurant_a, restaurant_b):
    now = aware(2026, 3, 2, 12, 0)
    a1, b1, a2 = (
        issue(customer, restaurant_a, now),
        issue(customer, restaurant_b, now),
        issue(customer, restaurant_a, now),
    )
    assert (a1.number, b1.number, a2.number) == ("INV-2026-0001", "INV-2026-0001", "INV-2026-0002")


def test_sequence_restarts_with_the_calendar_year_of_the_restaurants_time_zone(customer):
    berlin = RestaurantFactory(timezone="Europe/Berlin")
    last_of_2025 = issue(customer, berlin, aware(2025, 12, 31, 12, 0))
    # 23:30 UTC on 31 December is already 1 January 2026 in Berlin.
    first_of_2026 = issue(customer, berlin, aware(2025, 12, 31, 23, 30))
    second_of_2026 = issue(customer, berlin, aware(2026, 1, 1, 9, 0))
    assert last_of_2025.number == "INV-2025-0001"
    assert (first_of_2026.number, first_of_2026.issue_date.isoformat()) == ("INV-2026-0001", "2026-01-01")
    assert second_of_2026.number == "INV-2026-0002"
    assert InvoiceNumberCounter.objects.filter(company=berlin.company).count() == 2


def test_format_of_the_company_with_prefix(customer, restaurant_a):
    company = restaurant_a.company
    company.invoice_prefix = "RE"
    company.invoice_number_format = "{prefix}/{year}/{number:06d}"
    company.save()
    invoice = issue(customer, restaurant_a, aware(2026, 5, 1, 12, 0))
    assert invoice.number == "RE/2026/000001"
    assert invoice.pdf_filename == "RE-2026-000001.pdf"


def test_default_format_is_inv_year_four_digits():
    assert Company().invoice_number(year=2026, number=7) == "INV-2026-0007"


def test_company_form_refuses_a_format_that_could_repeat_numbers(restaurant_a):
    company = restaurant_a.company
    company.invoice_number_format = "INV-{number:04d}"
    with pytest.raises(ValidationError) as caught:
        company.full_clean()
    assert "must contain {year} and {number}" in str(caught.value.message_dict["invoice_number_format"])


@pytest.mark.parametrize(
    "fmt",
    [
        "INV-{number:04d}",
        "{year}-{counter}",
        "INV-{year}-{number:04q}",
        "{prefix}-{year}",
        "{year}-{number",
        "x" * 50 + "{year}{number}",
    ],
)
def test_formats_that_could_repeat_or_break_are_refused_at_start_up(fmt):
    assert invoice_number_format_check(fmt) is not None


def test_a_failed_issue_leaves_no_gap(customer, restaurant_a):
    now = aware(2026, 3, 2, 12, 0)
    broken = paid_order(customer=customer, restaurant=restaurant_a)
    broken.total_cents += 1  # lines no longer add up: the service must refuse and roll back
    broken.save(update_fields=["total_cents"])
    with pytest.raises(InvoiceRefused) as refused:
        invoice_issue(order=broken, customer=customer, now=now)
    assert refused.value.refusal.code == "lines_mismatch"
    assert not Invoice.objects.exists()
    assert issue(customer, restaurant_a, now).number == "INV-2026-0001"


def test_numbers_are_never_reused_after_a_cancellation(customer, restaurant_a):
    now = aware(2026, 3, 2, 12, 0)
    order = paid_order(customer=customer, restaurant=restaurant_a)
    first = invoice_issue(order=order, customer=customer, now=now)
    cancellation = invoice_cancel(invoice=first, reason="Wrong billing address", now=now)
    again = invoice_issue(order=order, customer=customer, now=now)

    assert (first.number, cancellation.number, again.number) == ("INV-2026-0001", "INV-2026-0002", "INV-2026-0003")
    first.refresh_from_db()
    assert first.status == Invoice.Status.CANCELLED
    assert cancellation.cancels == first
    assert cancellation.total_cents == -first.total_cents
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused(restaurant_a):
    # Without the transaction the lock would end at once and a rollback could not return the number.
    with pytest.raises(RuntimeError):
        invoice_number_allocate(restaurant=restaurant_a, year=2026)
    with transaction.atomic():
        assert invoice_number_allocate(restaurant=restaurant_a, year=2026) == (1, "INV-2026-0001")


def test_a_second_customer_cannot_take_over_anothers_order(customer, restaurant_a):
    order = paid_order(customer=customer, restaurant=restaurant_a)
    invoice_issue(order=order, customer=customer)
    with pytest.raises(ValidationError):
        invoice_issue(order=order, customer=CustomerFactory())
