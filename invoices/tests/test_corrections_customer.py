"""The customer's side of corrections: listed under the invoice, announced by mail, and asked for after new billing details."""

import pytest

from invoices.models import Invoice
from invoices.services import invoice_correct, invoice_issue
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db

REASON = "Dessert was never served"


@pytest.fixture
def invoice(customer):
    order = paid_order(customer=customer, lines=((3, 1000, "19.00"), (2, 1250, "7.00")))
    return invoice_issue(order=order, customer=customer)


def detail(invoice) -> str:
    return f"/customer/invoices/{invoice.pk}"


def request_url(invoice) -> str:
    return f"/customer/invoices/{invoice.pk}/request-correction"


def test_customer_sees_the_correction_under_the_invoice_and_gets_a_mail(
    customer, customer_client, invoice, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correction = invoice_correct(invoice=invoice, quantities={invoice.lines.get(position=1).pk: 1}, reason=REASON)

    mails = [m for m in smtp_server.messages if correction.corrected_document.number in m["Subject"]]
    assert len(mails) == 1 and mails[0]["To"] == customer.user.email
    assert mails[0]["Subject"].endswith("has been corrected")
    text = mails[0].get_body(("plain",)).get_content()
    assert f"with invoice correction {correction.number}" in text and f"Reason: {REASON}" in text
    assert "−€10.00" in text and f"/customer/invoices/{correction.pk}" in text

    page = customer_client.get(detail(invoice)).content.decode()
    assert 'data-testid="invoice-corrections"' in page
    for expected in (
        correction.number,
        "Invoice correction",
        REASON,
        "−€10.00",
        f"/customer/invoices/{correction.pk}/download",
    ):
        assert expected in page

    page = customer_client.get(detail(correction)).content.decode()
    assert "Invoice correction" in page and "Corrects invoice" in page and REASON in page
    assert f"{invoice.number} of" in page
    assert f'This invoice correction corrects <a href="/customer/invoices/{invoice.pk}">{invoice.number}</a>' in page
    assert customer_client.get(f"/customer/invoices/{correction.pk}/download").content.startswith(b"%PDF-")


def test_another_customer_sees_no_correction_of_mine(client, other_customer, invoice):
    correction = invoice_correct(invoice=invoice, quantities={invoice.lines.get(position=1).pk: 1}, reason=REASON)
    client.force_login(other_customer.user)
    assert client.get(detail(correction)).status_code == 404


def change_billing(customer):
    customer.street = "Neue Straße 7"
    customer.business_name = "Muster GmbH"
    customer.save()


def test_customer_with_new_billing_details_gets_a_corrected_invoice(customer, customer_client, invoice):
    page = customer_client.get(detail(invoice)).content.decode()
    assert "same as on this invoice" in page and 'data-testid="request-correction-button"' not in page

    change_billing(customer)
    page = customer_client.get(detail(invoice)).content.decode()
    assert 'data-testid="request-correction-button"' in page

    response = customer_client.post(request_url(invoice), follow=True)
    cancellation = Invoice.objects.get(cancels=invoice)
    replacement = Invoice.objects.get(replaces=invoice)
    assert response.redirect_chain[-1][0] == detail(replacement)
    assert cancellation.correction_reason == "Billing details changed at the customer's request"
    assert (replacement.buyer_street, replacement.buyer_business_name) == ("Neue Straße 7", "Muster GmbH")
    assert replacement.total_cents == invoice.total_cents == -cancellation.total_cents
    body = response.content.decode()
    assert "Replaces invoice" in body and f"This invoice replaces invoice {invoice.number} of" in body
    assert Invoice.objects.get(pk=invoice.pk).status == "cancelled"

    old = customer_client.get(detail(invoice)).content.decode()
    assert cancellation.number in old and replacement.number in old  # listed and linked from the original


def test_request_is_refused_when_billing_details_did_not_change(customer_client, invoice):
    response = customer_client.post(request_url(invoice))
    assert response.status_code == 409
    assert "same as on this invoice" in response.content.decode()
    assert not Invoice.objects.filter(cancels=invoice).exists()


def test_request_is_post_only_and_404_for_another_customers_invoice(client, other_customer, customer_client, invoice):
    assert customer_client.get(request_url(invoice)).status_code == 405
    client.force_login(other_customer.user)
    change_billing(other_customer)
    assert client.post(request_url(invoice)).status_code == 404
    assert not Invoice.objects.filter(cancels=invoice).exists()


def test_requests_are_rate_limited_with_a_readable_429(customer, customer_client, invoice, settings):
    settings.INVOICE_CORRECTION_REQUEST_RATE = "2/h"
    assert customer_client.post(request_url(invoice)).status_code == 409  # unchanged: refused, but counted
    change_billing(customer)
    assert customer_client.post(request_url(invoice)).status_code == 302
    response = customer_client.post(request_url(Invoice.objects.get(replaces=invoice)))
    assert response.status_code == 429
    assert "Too many" in response.content.decode() or "too many" in response.content.decode()
    assert Invoice.objects.filter(replaces__isnull=False).count() == 1


def test_a_walk_in_buyer_gets_the_correction_with_the_pdf_attached(
    restaurant_a, staff_a, smtp_server, django_capture_on_commit_callbacks
):
    from invoices.services.payment_documents import payment_invoice_issue
    from orders.services_payment import payment_record
    from orders.tests.factories import TableFactory, order_with_lines

    table = TableFactory(restaurant=restaurant_a)
    order = order_with_lines(restaurant=restaurant_a, table=table, lines=((2, 450, "19.00"), (1, 300, "7.00")))
    payment = payment_record(order_ids=[order.pk], method="card", tip_cents=0, tip_confirmed=True)
    buyer = {
        "buyer_name": "Erika Mustermann",
        "buyer_street": "Hauptstraße 1",
        "buyer_postal_code": "80331",
        "buyer_city": "München",
        "buyer_country": "DE",
        "buyer_email": "erika@example.com",
    }
    with django_capture_on_commit_callbacks(execute=True):
        invoice, _ = payment_invoice_issue(payment=payment, buyer=buyer, issued_by=staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        correction = invoice_correct(invoice=invoice, quantities={invoice.lines.get(position=1).pk: 1}, reason=REASON)
    [message] = [m for m in smtp_server.messages if correction.number in m["Subject"]]
    assert message["To"] == "erika@example.com"
    assert message["Subject"].startswith(f"Invoice correction {correction.number} for invoice {invoice.number}")
    text = message.get_body(("plain",)).get_content()
    assert f"with invoice correction {correction.number}" in text and f"Reason: {REASON}" in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == correction.pdf_filename


def test_the_reissue_reason_is_in_the_documents_language_and_the_business_meal_carries_over(customer, customer_client):
    from invoices.models import BusinessMealDeclaration
    from invoices.services.payment_documents import business_meal_declare

    order = paid_order(customer=customer, lines=((3, 1000, "19.00"),))
    french = invoice_issue(order=order, customer=customer, language="fr")
    business_meal_declare(invoice=french, host="Dr. Ada", occasion="Kick-off", participants="Bob, Eve")
    change_billing(customer)
    # The customer reads German; the documents stay French.
    customer_client.post(request_url(french), HTTP_ACCEPT_LANGUAGE="de")
    cancellation = Invoice.objects.get(cancels=french)
    replacement = Invoice.objects.get(replaces=french)
    assert cancellation.correction_reason == "Coordonnées de facturation modifiées à la demande du client"
    carried = BusinessMealDeclaration.objects.get(invoice=replacement)
    assert (carried.host, carried.occasion, carried.participants) == ("Dr. Ada", "Kick-off", "Bob, Eve")
    assert BusinessMealDeclaration.objects.filter(invoice=french).count() == 1  # the original keeps its own
