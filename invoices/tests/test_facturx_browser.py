"""Browser: the customer downloads the e-invoice XML from the invoice page on a phone; the PDF carries the same XML."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from invoices.facturx.validation import facturx_validate
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_downloads_the_e_invoice_xml_on_a_phone(live_server, phone_page, axe_check):
    customer = CustomerFactory(
        full_name="Jana Nováková", business_name="Nováková Consulting s.r.o.", user__email="jana@example.com"
    )
    invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    invoice.refresh_from_db()
    page = phone_page
    page.goto(f"{live_server.url}/customer/login")
    page.get_by_label("Email").fill("jana@example.com")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(f"{live_server.url}/customer/login")

    page.goto(f"{live_server.url}/customer/invoices/{invoice.pk}")
    link = page.get_by_test_id("download-xml")
    expect(link).to_have_text("Download e-invoice (XML)")
    axe_check(page, state="invoice page with the XML link")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.xml"
    xml = Path(download.path()).read_bytes()
    assert hashlib.sha256(xml).hexdigest() == invoice.xml_sha256
    assert facturx_validate(xml) == []
