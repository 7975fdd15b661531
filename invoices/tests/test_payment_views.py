"""The payment pages: staff's table bill and invoice issuance (scoped), the guest receipt, the business-meal form."""

import io

import pytest
from pypdf import PdfReader

from customers.tests.helpers import staff_force_login
from invoices.models import BusinessMealDeclaration, Invoice
from invoices.services.payment_documents import receipt_issue
from orders.guest_session import GUEST_ORDERS_SESSION_KEY
from orders.models import Order, Payment
from orders.services_payment import payment_record
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def table_a(restaurant_a):
    return TableFactory(restaurant=restaurant_a, label="7")


@pytest.fixture
def table_b(restaurant_b):
    return TableFactory(restaurant=restaurant_b)


def bill_url(table):
    return f"/admin/orders/payment/table/{table.pk}/"


# --- Staff: the table's bill ---------------------------------------------------------


def test_table_bill_shows_open_orders_and_records_one_payment_for_the_chosen(client, staff_a, table_a):
    served = order_with_lines(restaurant=table_a.restaurant, table=table_a)
    also = order_with_lines(restaurant=table_a.restaurant, table=table_a, lines=((1, 1000, "19.00"),))
    not_now = order_with_lines(restaurant=table_a.restaurant, table=table_a, lines=((1, 500, "19.00"),))
    staff_force_login(client, staff_a)
    page = client.get(bill_url(table_a))
    assert page.status_code == 200
    assert "€44.90" in page.content.decode()  # 29.90 + 10.00 + 5.00
    response = client.post(
        bill_url(table_a), {"orders": [served.pk, also.pk], "method": "card", "tip": "3.10"}, follow=True
    )
    assert response.status_code == 200
    payment = Payment.objects.get()
    assert (payment.meal_cents, payment.tip_cents, payment.paid_cents, payment.method) == (3990, 310, 4300, "card")
    assert payment.recorded_by == staff_a
    assert set(payment.orders.all()) == {served, also}
    not_now.refresh_from_db()
    assert not_now.status == Order.Status.PLACED


@pytest.mark.parametrize(
    "tip, message",
    [
        ("-1", "A tip cannot be negative."),
        ("50", "is more than the bill"),
        ("abc", "Enter a number."),
        ("99999999.99", "too large"),
    ],
)
def test_bad_tips_are_refused_with_a_message(client, staff_a, table_a, tip, message):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a)
    staff_force_login(client, staff_a)
    response = client.post(bill_url(table_a), {"orders": [order.pk], "method": "cash", "tip": tip})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_a_large_tip_passes_when_confirmed(client, staff_a, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a)
    staff_force_login(client, staff_a)
    client.post(bill_url(table_a), {"orders": [order.pk], "method": "cash", "tip": "50", "confirm_tip": "on"})
    assert Payment.objects.get().tip_cents == 5000


def test_staff_of_another_restaurant_get_404(client, staff_b, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a)
    staff_force_login(client, staff_b)
    assert client.get(bill_url(table_a)).status_code == 404
    assert client.post(bill_url(table_a), {"orders": [order.pk], "method": "cash"}).status_code == 404
    payment = payment_record(order_ids=[order.pk], method="cash")
    assert client.get(f"/admin/orders/payment/{payment.pk}/invoice/").status_code == 404
    assert client.post(f"/admin/orders/payment/{payment.pk}/invoice/", {"buyer_name": "X"}).status_code == 404


def test_list_action_leads_to_the_bill_with_the_orders_chosen(client, staff_a, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a)
    staff_force_login(client, staff_a)
    response = client.post("/admin/orders/order/", {"action": "record_payment", "_selected_action": [order.pk]})
    assert response.status_code == 302 and response["Location"] == f"{bill_url(table_a)}?orders={order.pk}"
    page = client.get(f"/admin/orders/order/{order.pk}/change/")
    assert f"{bill_url(table_a)}?orders={order.pk}" in page.content.decode()


# --- Staff: invoices for a payment --------------------------------------------------

BUYER_POST = {
    "buyer_name": "Jana Walk-in",
    "buyer_business_name": "Walk-in GmbH",
    "buyer_street": "Torstraße 1",
    "buyer_postal_code": "10119",
    "buyer_city": "Berlin",
    "buyer_country": "DE",
    "buyer_vat_id": "de 136695976",
}


def test_staff_issue_an_invoice_for_a_walk_in_buyer_and_mail_it(
    client, staff_a, table_a, smtp_server, django_capture_on_commit_callbacks
):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a)
    payment = payment_record(order_ids=[order.pk], method="card", tip_cents=200)
    staff_force_login(client, staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/orders/payment/{payment.pk}/invoice/", {**BUYER_POST, "buyer_email": "jana@example.com"}
        )
    assert response.status_code == 302
    invoice = Invoice.objects.get(payment=payment)
    assert invoice.kind == "invoice" and invoice.issued_by_staff and invoice.buyer_vat_id == "DE136695976"
    mail = smtp_server.wait_for(1)[0]
    assert mail["To"] == "jana@example.com"
    attachment = next(part for part in mail.iter_attachments())
    text = pdf_text(attachment.get_content())
    assert invoice.number in text and "Walk-in GmbH" in text and "€31.90" in text
    # A second try never duplicates it.
    again = client.post(f"/admin/orders/payment/{payment.pk}/invoice/", BUYER_POST)
    assert again.status_code == 302
    assert Invoice.objects.filter(payment=payment, kind="invoice").count() == 1


def test_bad_vat_id_is_refused(client, staff_a, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a)
    payment = payment_record(order_ids=[order.pk], method="card")
    staff_force_login(client, staff_a)
    response = client.post(f"/admin/orders/payment/{payment.pk}/invoice/", {**BUYER_POST, "buyer_vat_id": "XX12"})
    assert response.status_code == 400 and "VAT ID" in response.content.decode()
    assert not Invoice.objects.exists()


def test_one_staff_action_cancels_the_receipt_and_issues_the_invoice(client, staff_a, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a)
    payment = payment_record(order_ids=[order.pk], method="cash")
    receipt = receipt_issue(payment=payment)
    staff_force_login(client, staff_a)
    page = client.get(f"/admin/orders/payment/{payment.pk}/invoice/")
    assert receipt.number in page.content.decode()
    client.post(f"/admin/orders/payment/{payment.pk}/invoice/", BUYER_POST)
    receipt.refresh_from_db()
    assert receipt.status == "cancelled" and receipt.cancellation.total_cents == -receipt.total_cents
    assert Invoice.objects.get(payment=payment, kind="invoice", status="draft").buyer_name == "Jana Walk-in"


# --- Guests: the receipt ----------------------------------------------------------------


@pytest.fixture
def guest_paid(client, table_a):
    """A guest's order placed in this browser (session) and paid."""
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a, lines=((2, 2000, "7.00"),))
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.pk]
    session.save()
    payment_record(order_ids=[order.pk], method="card", tip_cents=300)
    order.refresh_from_db()
    return order


def receipt_url(order):
    return f"/customer/orders/{order.public_token}/receipt"


def test_guest_downloads_a_receipt_in_the_same_browser(client, guest_paid):
    assert client.get(receipt_url(guest_paid)).status_code == 200
    response = client.post(receipt_url(guest_paid), {"action": "receipt"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    receipt = Invoice.objects.get(kind="receipt")
    assert receipt.number in text and "€40.00" in text and "€3.00" in text and "€43.00" in text
    assert client.post(receipt_url(guest_paid), {"action": "receipt"}).status_code == 200
    assert Invoice.objects.count() == 1  # the same receipt again


def test_another_browser_without_the_code_gets_404(client, guest_paid):
    from django.test import Client

    stranger = Client()
    assert stranger.get(receipt_url(guest_paid)).status_code == 404
    assert stranger.post(receipt_url(guest_paid), {"action": "receipt"}).status_code == 404
    assert stranger.post("/customer/receipt", {"code": "0000000000", "action": "receipt"}).status_code == 404
    assert not Invoice.objects.exists()


def test_another_browser_with_the_code_gets_the_receipt(guest_paid):
    from django.test import Client

    other = Client()
    assert other.get("/customer/receipt").status_code == 200
    page = other.post("/customer/receipt", {"code": guest_paid.claim_code_display.lower()})
    assert page.status_code == 200 and b"download-receipt" in page.content
    response = other.post("/customer/receipt", {"code": guest_paid.claim_code, "action": "receipt"})
    assert response["Content-Type"] == "application/pdf"


def test_above_250_the_guest_must_give_a_buyer_and_gets_a_full_invoice(client, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a, lines=((10, 3200, "7.00"),))
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.pk]
    session.save()
    payment_record(order_ids=[order.pk], method="card")
    page = client.get(receipt_url(order))
    assert b"guest-buyer-form" in page.content
    refused = client.post(receipt_url(order), {"action": "receipt"})
    assert refused.status_code == 400 and "buyer" in refused.content.decode()
    missing = client.post(receipt_url(order), {"action": "invoice", "buyer_name": "Only a name"})
    assert missing.status_code == 400 and not Invoice.objects.exists()
    response = client.post(receipt_url(order), {**BUYER_POST, "action": "invoice"})
    assert response["Content-Type"] == "application/pdf"
    assert Invoice.objects.get().kind == "invoice"
    assert "Walk-in GmbH" in pdf_text(response.content)


def test_confirmation_page_links_the_receipt_once_paid(client, guest_paid):
    from django.urls import reverse

    page = client.get(reverse("orders:confirmation", args=[guest_paid.public_token]))
    assert receipt_url(guest_paid) in page.content.decode()


# --- Customers: the business-meal block --------------------------------------------------


def test_customer_fills_the_business_meal_block_and_edits_keep_history(customer_client, customer, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a, customer=customer)
    payment_record(order_ids=[order.pk], method="card")
    response = customer_client.post(f"/customer/orders/{order.pk}/invoice")
    invoice = Invoice.objects.get(kind="invoice")
    assert response.status_code == 302
    detail = customer_client.get(f"/customer/invoices/{invoice.pk}")
    assert b"business-meal-form" in detail.content
    url = f"/customer/invoices/{invoice.pk}/business-meal"
    customer_client.post(url, {"host": "A. Host", "occasion": "Kick-off", "participants": "B"})
    customer_client.post(url, {"host": "A. Host", "occasion": "Project kick-off", "participants": "B, C"})
    assert BusinessMealDeclaration.objects.filter(invoice=invoice).count() == 2
    pdf = customer_client.get(f"/customer/invoices/{invoice.pk}/download")
    text = pdf_text(pdf.content)
    assert "Project kick-off" in text and "B, C" in text
    empty = customer_client.post(url, {"host": "", "occasion": "", "participants": ""})
    assert empty.status_code == 400 and "Enter the host" in empty.content.decode()


def test_control_characters_in_the_business_meal_are_refused(customer_client, customer, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a, customer=customer)
    payment_record(order_ids=[order.pk], method="card")
    customer_client.post(f"/customer/orders/{order.pk}/invoice")
    invoice = Invoice.objects.get(kind="invoice")
    response = customer_client.post(
        f"/customer/invoices/{invoice.pk}/business-meal", {"host": "A\u202eB", "occasion": "", "participants": ""}
    )
    assert response.status_code == 400 and not BusinessMealDeclaration.objects.exists()


def test_bytes_that_are_not_utf8_in_the_business_meal_are_refused(customer_client, customer, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a, customer=customer)
    payment_record(order_ids=[order.pk], method="card")
    customer_client.post(f"/customer/orders/{order.pk}/invoice")
    invoice = Invoice.objects.get(kind="invoice")
    response = customer_client.post(
        f"/customer/invoices/{invoice.pk}/business-meal",
        "host=%ff%fe&occasion=%C0%AF&participants=",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and "could not be read" in response.content.decode()
    assert not BusinessMealDeclaration.objects.exists()


def test_another_customers_invoice_business_meal_is_404(client, other_customer, customer, table_a):
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a, customer=customer)
    payment_record(order_ids=[order.pk], method="card")
    from invoices.services import invoice_issue

    order.refresh_from_db()
    invoice = invoice_issue(order=order, customer=customer)
    client.force_login(other_customer.user)
    assert client.post(f"/customer/invoices/{invoice.pk}/business-meal", {"host": "X"}).status_code == 404
    assert not BusinessMealDeclaration.objects.exists()


def test_a_german_waiter_types_the_tip_with_a_comma(client, staff_a, table_a):
    """ "3,50" is 3.50 € for German staff; in English a comma is refused, never read as 350 €."""
    order = order_with_lines(restaurant=table_a.restaurant, table=table_a)
    staff_force_login(client, staff_a)
    page = client.get(bill_url(table_a), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "z. B. 3,50" in page and 'inputmode="decimal"' in page
    english = client.post(bill_url(table_a), {"orders": [order.pk], "method": "card", "tip": "3,50"})
    assert english.status_code == 400 and "Enter a number." in english.content.decode()
    assert not Payment.objects.exists()
    german = client.post(
        bill_url(table_a), {"orders": [order.pk], "method": "card", "tip": "3,50"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert german.status_code == 302
    assert Payment.objects.get().tip_cents == 350
