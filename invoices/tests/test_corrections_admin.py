"""Staff correct a document in the admin: choose, preview, confirm; errors re-render; other restaurants 404."""

import pytest

from audit.models import AuditEntry
from customers.tests.helpers import staff_force_login
from invoices.models import Invoice
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/invoices/invoice/"


@pytest.fixture
def invoice_a(customer, restaurant_a):
    order = paid_order(customer=customer, restaurant=restaurant_a, lines=((3, 1000, "19.00"), (2, 1250, "7.00")))
    return invoice_issue(order=order, customer=customer)


@pytest.fixture
def invoice_b(other_customer, restaurant_b):
    return invoice_issue(order=paid_order(customer=other_customer, restaurant=restaurant_b), customer=other_customer)


def correct_url(invoice) -> str:
    return f"{CHANGELIST}{invoice.pk}/correct/"


def partial(invoice, **quantities_by_position):
    data = {"mode": "partial", "reason": "Dessert was never served"}
    for line in invoice.lines.all():
        data[f"qty_{line.pk}"] = str(quantities_by_position.get(f"p{line.position}", 0))
    return data


def test_staff_a_corrects_one_line_with_preview_then_confirmation(client, staff_a, invoice_a):
    staff_force_login(client, staff_a)
    change = client.get(f"{CHANGELIST}{invoice_a.pk}/change/").content.decode()
    assert correct_url(invoice_a) in change  # the way in, from the invoice's page

    page = client.get(correct_url(invoice_a))
    assert page.status_code == 200 and "Preview the correction" in page.content.decode()

    preview = client.post(correct_url(invoice_a), partial(invoice_a, p1=1))
    body = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="correction-preview"' in body
    assert "−€10.00" in body and "Dessert was never served" in body
    assert not Invoice.objects.filter(corrects=invoice_a).exists()  # a preview issues nothing

    done = client.post(correct_url(invoice_a), {**partial(invoice_a, p1=1), "confirm": "1"}, follow=True)
    correction = Invoice.objects.get(corrects=invoice_a)
    assert correction.kind == "correction" and correction.total_cents == -1000
    assert correction.correction_reason == "Dessert was never served"
    text = done.content.decode()
    assert done.redirect_chain[-1][0].endswith(f"{invoice_a.pk}/change/")
    assert f"Invoice correction {correction.number} issued for {invoice_a.number}" in text
    assert 'data-testid="corrections-list"' in text and correction.number in text  # listed on the original
    assert Invoice.objects.get(pk=invoice_a.pk).status == "draft"  # still in force

    entry = AuditEntry.objects.get(action="document_issued", object_id=str(correction.pk))
    assert entry.actor == staff_a and entry.data["corrects"] == invoice_a.number and entry.data["lines"] == {"1": 1}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda inv: partial(inv), "Choose at least one line"),
        (lambda inv: partial(inv, p1=4), "only 3 remain charged, so 4 cannot be reversed"),
        (lambda inv: partial(inv, p1=3, p2=2), "choose the full cancellation"),
        (lambda inv: {**partial(inv, p1=1), "reason": "  "}, "This field is required"),
        (lambda inv: {**partial(inv, p1=1), "reason": "x" * 501}, "at most 500 characters"),
        (lambda inv: {**partial(inv, p1="two")}, "Enter a whole number"),
        (lambda inv: {**partial(inv, p1=1), "mode": "bogus"}, "Select a valid choice"),
    ],
)
def test_bad_input_re_renders_with_the_error_and_issues_nothing(client, staff_a, invoice_a, data, message):
    staff_force_login(client, staff_a)
    response = client.post(correct_url(invoice_a), {**data(invoice_a), "confirm": "1"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invoice.objects.filter(corrects=invoice_a).exists()
    assert not Invoice.objects.filter(cancels=invoice_a).exists()


def test_full_cancellation_from_the_admin_marks_the_original_cancelled(client, staff_a, invoice_a):
    staff_force_login(client, staff_a)
    client.post(correct_url(invoice_a), {**partial(invoice_a, p1=1), "confirm": "1"})
    response = client.post(
        correct_url(invoice_a), {"mode": "full", "reason": "Guest disputed the bill", "confirm": "1"}, follow=True
    )
    cancellation = Invoice.objects.get(cancels=invoice_a)
    assert cancellation.total_cents == -(invoice_a.total_cents - 1000)  # only what remained
    assert Invoice.objects.get(pk=invoice_a.pk).status == "cancelled"
    assert "Cancellation invoice" in response.content.decode()
    # A cancelled document offers no correction any more; asking anyway is refused with a message.
    again = client.get(correct_url(invoice_a), follow=True)
    assert "already cancelled" in again.content.decode()


def test_staff_b_gets_404_for_restaurant_a(client, staff_b, invoice_a):
    staff_force_login(client, staff_b)
    assert client.get(correct_url(invoice_a)).status_code == 404
    response = client.post(correct_url(invoice_a), {**partial(invoice_a, p1=1), "confirm": "1"})
    assert response.status_code == 404
    assert not Invoice.objects.filter(corrects=invoice_a).exists()


def test_a_correction_document_itself_has_no_correction_page(client, staff_a, invoice_a):
    staff_force_login(client, staff_a)
    client.post(correct_url(invoice_a), {**partial(invoice_a, p1=1), "confirm": "1"})
    correction = Invoice.objects.get(corrects=invoice_a)
    response = client.get(correct_url(correction), follow=True)
    assert "itself a correction document" in response.content.decode()
    assert correct_url(correction) not in client.get(f"{CHANGELIST}{correction.pk}/change/").content.decode()
