"""The invoice status machine: issued -> sent -> paid, cancelled only with a cancellation document."""

import pytest
from django.core.exceptions import ValidationError

from invoices.models import Invoice
from invoices.services import (
    InvoiceStatusRefused,
    invoice_cancel,
    invoice_email_send,
    invoice_issue,
    invoice_set_status,
)
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(customer, restaurant_a):
    return invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)


def _bring_to(invoice: Invoice, status: str) -> Invoice:
    if status in ("sent", "paid"):
        invoice_set_status(invoice=invoice, status=status)
    if status == "cancelled":
        invoice_cancel(invoice=invoice, reason="Wrong billing address")
    invoice.refresh_from_db()
    assert invoice.status == ("draft" if status == "issued" else status)
    return invoice


def test_an_issued_invoice_is_stored_as_draft_and_shown_as_issued(invoice):
    # The Python name says what it is; the stored value stays what the first schema wrote.
    assert invoice.status == Invoice.Status.ISSUED == "draft"
    assert invoice.get_status_display() == "Issued"


@pytest.mark.parametrize(
    ("before", "after", "stamp"),
    [("issued", "sent", "sent_at"), ("issued", "paid", "paid_at"), ("sent", "paid", "paid_at")],
)
def test_allowed_moves_change_the_status_and_stamp_the_time(invoice, before, after, stamp):
    invoice = _bring_to(invoice, before)
    moved = invoice_set_status(invoice=invoice, status=after)
    moved.refresh_from_db()
    assert moved.status == after and getattr(moved, stamp) is not None


@pytest.mark.parametrize("status", ["sent", "paid"])
def test_asking_for_the_current_status_again_changes_nothing(invoice, status):
    invoice = _bring_to(invoice, status)
    stamp = {"sent": "sent_at", "paid": "paid_at"}[status]
    before = getattr(invoice, stamp)
    again = invoice_set_status(invoice=invoice, status=status)
    again.refresh_from_db()
    assert again.status == status and getattr(again, stamp) == before


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("sent", "draft"),
        ("paid", "sent"),
        ("paid", "draft"),
        ("cancelled", "sent"),
        ("cancelled", "paid"),
        ("cancelled", "draft"),
    ],
)
def test_refused_moves_raise_and_change_nothing(invoice, before, after):
    invoice = _bring_to(invoice, before)
    with pytest.raises(InvoiceStatusRefused, match="cannot be marked"):
        invoice_set_status(invoice=invoice, status=after)
    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.status == invoice.status and stored.sent_at == invoice.sent_at and stored.paid_at == invoice.paid_at


@pytest.mark.parametrize("before", ["issued", "sent", "paid"])
def test_cancelled_is_refused_without_a_cancellation_document(invoice, before):
    invoice = _bring_to(invoice, before)
    with pytest.raises(ValidationError, match="Use invoice_cancel"):
        invoice_set_status(invoice=invoice, status="cancelled")
    assert Invoice.objects.get(pk=invoice.pk).status == invoice.status
    assert not Invoice.objects.filter(kind=Invoice.Kind.CANCELLATION).exists()


def test_cancelled_is_refused_with_the_cancellation_document_of_another_invoice(invoice, customer, restaurant_a):
    other = invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)
    other_cancellation = invoice_cancel(invoice=other, reason="Wrong billing address")
    with pytest.raises(ValidationError, match="Use invoice_cancel"):
        invoice_set_status(invoice=invoice, status="cancelled", cancellation=other_cancellation)
    assert Invoice.objects.get(pk=invoice.pk).status == "draft"


@pytest.mark.parametrize("before", ["issued", "sent", "paid"])
def test_cancelling_moves_any_live_invoice_to_cancelled_with_the_documents_time(invoice, before):
    invoice = _bring_to(invoice, before)
    document = invoice_cancel(invoice=invoice, reason="Wrong billing address")
    invoice.refresh_from_db()
    assert invoice.status == "cancelled" and invoice.cancelled_at is not None
    assert document.cancels == invoice and document.status == Invoice.Status.ISSUED
    assert document.cancels.status == "cancelled"


def test_the_ready_mail_marks_an_issued_invoice_sent(invoice, mailoutbox):
    assert invoice_email_send(invoice=invoice) is True
    invoice.refresh_from_db()
    assert invoice.status == "sent" and invoice.sent_at is not None and len(mailoutbox) == 1


@pytest.mark.parametrize("before", ["paid", "cancelled"])
def test_a_late_ready_mail_leaves_a_paid_or_cancelled_invoice_as_it_is(invoice, before, mailoutbox):
    invoice = _bring_to(invoice, before)
    assert invoice_email_send(invoice=invoice) is True
    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.status == before and stored.sent_at is None
