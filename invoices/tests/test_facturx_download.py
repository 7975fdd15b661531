"""Downloading the e-invoice XML alone: customer portal and admin, per persona."""

import hashlib

import pytest

from customers.tests.helpers import staff_force_login
from invoices.facturx import invoice_facturx_xml
from invoices.services import invoice_issue
from invoices.services.payment_documents import payment_invoice_issue, receipt_issue
from invoices.tests.factories import paid_order
from invoices.tests.test_facturx_xml import BUYER
from orders.services_payment import payment_record
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/invoices/invoice/"


@pytest.fixture
def invoice_a(customer, restaurant_a):
    return invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)


@pytest.fixture
def invoice_b(other_customer, restaurant_b):
    return invoice_issue(order=paid_order(customer=other_customer, restaurant=restaurant_b), customer=other_customer)


@pytest.fixture
def receipt_cancellation_a(restaurant_a, customer):
    """A receipt upgraded to a full invoice: the customer gets the receipt's cancellation (no buyer, no XML)."""
    table = TableFactory(restaurant=restaurant_a)
    order = order_with_lines(restaurant=restaurant_a, table=table, lines=((1, 1250, "7.00"),))
    payment = payment_record(order_ids=[order.pk], method="cash")
    receipt = receipt_issue(payment=payment)
    _invoice, cancellation = payment_invoice_issue(payment=payment, buyer=BUYER, customer=customer)
    return receipt, cancellation


def assert_xml_attachment(response, invoice):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.xml"'
    assert "no-store" in response["Cache-Control"]
    assert response.content == invoice_facturx_xml(invoice)
    assert hashlib.sha256(response.content).hexdigest() == invoice.xml_sha256


def test_customer_downloads_the_xml_of_their_invoice(customer_client, invoice_a):
    assert_xml_attachment(customer_client.get(f"/customer/invoices/{invoice_a.pk}/xml"), invoice_a)


def test_invoice_page_links_the_xml(customer_client, invoice_a):
    body = customer_client.get(f"/customer/invoices/{invoice_a.pk}").content.decode()
    assert f'href="/customer/invoices/{invoice_a.pk}/xml"' in body
    assert "Download e-invoice (XML)" in body


def test_another_customers_xml_is_404(customer_client, invoice_b):
    assert customer_client.get(f"/customer/invoices/{invoice_b.pk}/xml").status_code == 404


def test_anonymous_is_sent_to_login(client, invoice_a):
    response = client.get(f"/customer/invoices/{invoice_a.pk}/xml")
    assert response.status_code == 302 and response["Location"].startswith("/customer/login")


def test_document_without_xml_is_404_and_not_linked(customer_client, receipt_cancellation_a):
    _receipt, cancellation = receipt_cancellation_a
    assert customer_client.get(f"/customer/invoices/{cancellation.pk}/xml").status_code == 404
    body = customer_client.get(f"/customer/invoices/{cancellation.pk}").content.decode()
    assert "/xml" not in body


def test_staff_download_their_restaurants_xml_only(client, staff_a, invoice_a, invoice_b):
    staff_force_login(client, staff_a)
    assert_xml_attachment(client.get(f"{CHANGELIST}{invoice_a.pk}/xml/"), invoice_a)
    assert client.get(f"{CHANGELIST}{invoice_b.pk}/xml/").status_code == 404
    page = client.get(f"{CHANGELIST}{invoice_a.pk}/change/").content.decode()
    assert f"{CHANGELIST}{invoice_a.pk}/xml/" in page
    listing = client.get(CHANGELIST).content.decode()
    assert f"{CHANGELIST}{invoice_a.pk}/xml/" in listing


def test_staff_get_404_for_a_receipt(client, staff_a, receipt_cancellation_a):
    staff_force_login(client, staff_a)
    for document in receipt_cancellation_a:
        assert client.get(f"{CHANGELIST}{document.pk}/xml/").status_code == 404


def test_superuser_downloads_any_restaurants_xml(client, superuser, invoice_a, invoice_b):
    staff_force_login(client, superuser)
    assert_xml_attachment(client.get(f"{CHANGELIST}{invoice_b.pk}/xml/"), invoice_b)


def test_customer_session_cannot_use_the_admin_download(customer_client, invoice_a):
    response = customer_client.get(f"{CHANGELIST}{invoice_a.pk}/xml/")
    assert response.status_code == 302 and "/login" in response["Location"]
