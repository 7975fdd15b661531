"""Customer invoice pages: list (filters, pagination, constant queries), detail, download, storage."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoices.models import Invoice
from invoices.services import invoice_issue, invoice_pdf_name, invoice_set_status
from invoices.storage import invoice_storage
from invoices.tests.factories import aware, paid_order

pytestmark = pytest.mark.django_db


def issue(customer, when=None, **kwargs):
    return invoice_issue(order=paid_order(customer=customer, **kwargs), customer=customer, now=when)


def test_list_shows_only_my_invoices(customer_client, customer, other_customer):
    mine = issue(customer)
    theirs = issue(other_customer, restaurant=mine.restaurant)
    body = customer_client.get("/customer/invoices").content.decode()
    assert f"/customer/invoices/{mine.pk}" in body
    assert f"/customer/invoices/{theirs.pk}" not in body


def test_list_filters_by_date_range_and_status(customer_client, customer):
    march = issue(customer, aware(2026, 3, 10, 12))
    april = issue(customer, aware(2026, 4, 10, 12))
    may = issue(customer, aware(2026, 5, 10, 12))
    invoice_set_status(invoice=may, status="paid")

    def numbers(query):
        response = customer_client.get("/customer/invoices", query)
        assert response.status_code == 200
        return {inv.number for inv in response.context["page"].object_list}

    assert numbers({"date_from": "2026-04-01", "date_to": "2026-04-30"}) == {april.number}
    assert numbers({"date_from": "2026-04-01"}) == {april.number, may.number}
    assert numbers({"status": "paid"}) == {may.number}
    assert numbers({"date_to": "2026-03-31", "status": "draft"}) == {march.number}


def test_bad_filters_are_explained_and_change_nothing(customer_client, customer):
    issue(customer)
    response = customer_client.get("/customer/invoices", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "The end date is before the start date." in response.content.decode()
    assert len(response.context["page"].object_list) == 1
    response = customer_client.get("/customer/invoices", {"date_from": "yesterday", "status": "bogus"})
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()


def test_list_is_paginated_and_keeps_the_filters(customer_client, customer):
    restaurant = issue(customer).restaurant
    for _ in range(22):
        issue(customer, restaurant=restaurant)
    page2 = customer_client.get("/customer/invoices", {"status": "draft", "page": 2})
    assert len(page2.context["page"].object_list) == 3
    assert "status=draft&amp;page=1" in page2.content.decode()


def test_list_query_count_does_not_grow_with_the_number_of_invoices(customer_client, customer):
    restaurant = issue(customer).restaurant

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert customer_client.get("/customer/invoices").status_code == 200
        return len(ctx)

    few = count()
    for _ in range(15):
        issue(customer, restaurant=restaurant)
    assert count() == few
    assert few <= 6  # session, user, customer, count, page (+ savepoint-free)


def test_detail_shows_the_document(customer_client, customer):
    invoice = issue(customer)
    response = customer_client.get(f"/customer/invoices/{invoice.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    for text in (invoice.number, invoice.seller_name, invoice.seller_vat_id, customer.full_name, "Date of supply"):
        assert text in body
    assert "€41.87" in body


def test_someone_elses_invoice_is_404_everywhere(customer_client, other_customer):
    theirs = issue(other_customer)
    assert customer_client.get(f"/customer/invoices/{theirs.pk}").status_code == 404
    assert customer_client.get(f"/customer/invoices/{theirs.pk}/download").status_code == 404


def test_anonymous_cannot_download(client, customer):
    invoice = issue(customer)
    response = client.get(f"/customer/invoices/{invoice.pk}/download")
    assert response.status_code == 302 and response["Location"].startswith("/customer/login")


def test_download_is_an_attachment_named_after_the_number(customer_client, customer, private_invoice_storage):
    invoice = issue(customer)  # no after-commit here: the file does not exist yet
    response = customer_client.get(f"/customer/invoices/{invoice.pk}/download")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    # ...and the rendering was stored privately under the customer's folder.
    invoice.refresh_from_db()
    assert (
        invoice.pdf_path
        == invoice_pdf_name(invoice)
        == f"customers/{customer.pk}/invoices/{invoice.company_id}-{invoice.number}.pdf"
    )
    assert (private_invoice_storage / invoice.pdf_path).read_bytes() == response.content


def test_private_storage_has_no_public_url(customer):
    with pytest.raises(NotImplementedError):
        invoice_storage().url("customers/1/invoices/INV-2026-0001.pdf")


def test_order_detail_page_offers_the_invoice(customer_client, customer):
    order = paid_order(customer=customer)
    page = customer_client.get(f"/customer/orders/{order.pk}")
    assert page.status_code == 200
    assert 'data-testid="invoice-action"' in page.content.decode()
    assert "Generate invoice" in page.content.decode()


def test_cancelled_invoice_page_points_to_the_cancellation(customer_client, customer):
    from invoices.services import invoice_cancel

    invoice = issue(customer)
    cancellation = invoice_cancel(invoice=invoice, reason="Wrong billing address")
    body = customer_client.get(f"/customer/invoices/{invoice.pk}").content.decode()
    assert "was cancelled" in body and cancellation.number in body
    body = customer_client.get(f"/customer/invoices/{cancellation.pk}").content.decode()
    assert "Cancellation invoice" in body and f"{invoice.number} of" in body and "−€41.87" in body
    assert Invoice.objects.filter(customer=customer).count() == 2


def test_issue_date_is_today_in_the_restaurants_zone(customer):
    invoice = issue(customer, aware(2026, 6, 30, 22, 30), restaurant__timezone="Europe/Berlin")
    assert invoice.issue_date == dt.date(2026, 7, 1)


@pytest.mark.parametrize("query", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}])
def test_out_of_range_dates_get_the_same_message_as_on_the_order_history(customer_client, customer, query):
    issue(customer)
    response = customer_client.get("/customer/invoices", query)
    assert response.status_code == 200
    assert "Enter a date between 1900-01-01 and 2999-12-31." in response.content.decode()
    assert len(response.context["page"].object_list) == 1
