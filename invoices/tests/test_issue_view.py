"""POST /customer/orders/<id>/invoice: who may get an invoice, idempotency, rate limit."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from customers.tests.factories import CustomerFactory, StaffFactory
from invoices.models import Invoice, InvoiceNumberCounter
from invoices.tests.factories import paid_order
from orders.tests.factories import order_with_lines

pytestmark = pytest.mark.django_db


def url(order):
    return f"/customer/orders/{order.pk}/invoice"


def test_owner_of_a_paid_order_gets_the_invoice(customer_client, customer):
    order = paid_order(customer=customer)
    response = customer_client.post(url(order))
    invoice = Invoice.objects.get(order=order)
    assert response.status_code == 302
    assert response["Location"] == f"/customer/invoices/{invoice.pk}"
    assert invoice.customer == customer and invoice.buyer_name == customer.full_name
    follow = customer_client.get(response["Location"])
    assert f"Invoice {invoice.number} has been issued" in follow.content.decode()


def test_asking_again_returns_the_same_invoice(customer_client, customer):
    order = paid_order(customer=customer)
    first = customer_client.post(url(order))
    second = customer_client.post(url(order), follow=True)
    assert Invoice.objects.filter(order=order).count() == 1
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "already has invoice" in second.content.decode()


def test_someone_elses_order_is_404_and_issues_nothing(customer_client, other_customer):
    order = paid_order(customer=other_customer)
    assert customer_client.post(url(order)).status_code == 404
    assert customer_client.post("/customer/orders/999999/invoice").status_code == 404
    assert not Invoice.objects.exists()


def test_guest_order_without_customer_is_404(customer_client):
    order = order_with_lines()
    assert customer_client.post(url(order)).status_code == 404


def test_unpaid_order_is_refused_with_a_reason(customer_client, customer):
    order = order_with_lines(customer=customer)
    response = customer_client.post(url(order))
    assert response.status_code == 409
    assert "once the order has been paid" in response.content.decode()
    assert not Invoice.objects.exists() and not InvoiceNumberCounter.objects.exists()


def test_unverified_email_is_refused(client):
    customer = CustomerFactory(verified=False)
    client.force_login(customer.user)
    response = client.post(url(paid_order(customer=customer)))
    assert response.status_code == 403
    assert "verify your email address" in response.content.decode()
    assert not Invoice.objects.exists()


def test_missing_billing_details_page_says_what_to_fill_in(customer_client, customer):
    customer.street = ""
    customer.postal_code = " "
    customer.save()
    response = customer_client.post(url(paid_order(customer=customer)))
    body = response.content.decode()
    assert response.status_code == 409
    assert "Street address" in body and "Postal code" in body and "City" not in body.split("missing-fields")[1]
    assert 'href="/customer/profile"' in body
    assert not Invoice.objects.exists()


def test_order_whose_lines_do_not_add_up_is_refused_and_nothing_is_saved(customer_client, customer):
    order = paid_order(customer=customer)  # lines add up to €41.87
    order.total_cents += 1
    order.save(update_fields=["total_cents"])

    response = customer_client.post(url(order))

    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="invoice-refused"' in body
    assert "add up to €41.87, but the order total is €41.88" in body
    assert "no invoice number was used" in body
    assert not Invoice.objects.exists() and not InvoiceNumberCounter.objects.exists()


def test_get_is_not_allowed(customer_client, customer):
    assert customer_client.get(url(paid_order(customer=customer))).status_code == 405


def test_anonymous_is_sent_to_login(client, customer):
    response = client.post(url(paid_order(customer=customer)))
    assert response.status_code == 302 and response["Location"].startswith("/customer/login")


def test_staff_account_is_not_a_customer(client, customer):
    client.force_login(StaffFactory())
    assert client.post(url(paid_order(customer=customer))).status_code == 403
    assert not Invoice.objects.exists()


def test_issuing_is_rate_limited(customer_client, customer, settings):
    settings.INVOICE_ISSUE_RATE = "2/h"
    orders = [paid_order(customer=customer) for _ in range(3)]
    assert [customer_client.post(url(order)).status_code for order in orders] == [302, 302, 429]
    assert Invoice.objects.count() == 2


# --- The block on the order page (templates/invoices/_order_invoice_action.html) ------------
def render_action(order, customer):
    request = RequestFactory().get("/")
    request.user = customer.user
    request.customer = customer
    template = Template('{% include "invoices/_order_invoice_action.html" %}')
    return template.render(Context({"order": order, "request": request, "csrf_token": "x"}))


def test_order_page_offers_the_button_for_a_paid_order(customer):
    order = paid_order(customer=customer)
    html = render_action(order, customer)
    assert f'action="/customer/orders/{order.pk}/invoice"' in html and "Generate invoice" in html


def test_order_page_links_the_existing_invoice(customer_client, customer):
    order = paid_order(customer=customer)
    customer_client.post(url(order))
    invoice = Invoice.objects.get()
    html = render_action(order, customer)
    assert invoice.number in html and f"/customer/invoices/{invoice.pk}/download" in html
    assert "Generate invoice" not in html


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda c: order_with_lines(customer=c), "once the order has been paid"),
        (lambda c: paid_order(customer=c, restaurant__company__street=""), "legal details are incomplete"),
    ],
)
def test_order_page_says_why_there_is_no_button(customer, make, reason):
    html = render_action(make(customer), customer)
    assert reason in html and "Generate invoice" not in html


def test_order_page_points_to_the_profile_when_details_are_missing(customer):
    customer.city = ""
    customer.save()
    html = render_action(paid_order(customer=customer), customer)
    assert "Please add: city" in html and 'href="/customer/profile"' in html


def test_order_page_asks_for_a_verified_email(db):
    customer = CustomerFactory(verified=False)
    html = render_action(paid_order(customer=customer), customer)
    assert "verify your email address" in html and "Generate invoice" not in html
