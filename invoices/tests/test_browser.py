"""Browser journey: a verified customer with a paid order generates the invoice and downloads the PDF."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from invoices.models import Invoice
from invoices.tests.factories import paid_order
from orders.tests.factories import RestaurantFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"invoices-{name}.png"), full_page=True)


def test_customer_generates_and_downloads_the_invoice(live_server, page, mailoutbox):
    restaurant = RestaurantFactory(
        name="Café Müller",
        company__legal_name="Café Müller & Søn GmbH",
        street="Große Straße 5",
        company__vat_id="DE123456789",
    )
    customer = CustomerFactory(
        full_name="Jana Nováková", business_name="Nováková Consulting s.r.o.", user__email="jana@example.com"
    )
    order = paid_order(customer=customer, restaurant=restaurant)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/customer/login")
    page.get_by_label("Email").fill("jana@example.com")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(f"{live_server.url}/customer/login")

    page.goto(f"{live_server.url}/customer/orders")
    page.get_by_test_id("order-row").first.click()
    expect(page.get_by_test_id("invoice-action")).to_contain_text("Generate invoice")
    shot(page, "order-before")
    page.get_by_role("button", name="Generate invoice").click()

    invoice = Invoice.objects.get(order=order)
    expect(page.get_by_text(f"Invoice {invoice.number} has been issued")).to_be_visible()
    expect(page.get_by_test_id("invoice-total")).to_have_text("€41.87")
    shot(page, "detail")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    data = Path(download.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert invoice.number in text and "Café Müller & Søn GmbH" in text and "Nováková Consulting s.r.o." in text
    assert "€41.87" in text

    # The order page now links the invoice instead of offering a second one.
    page.goto(f"{live_server.url}/customer/orders/{order.pk}")
    expect(page.get_by_test_id("invoice-action")).to_contain_text(invoice.number)
    expect(page.get_by_role("button", name="Generate invoice")).to_have_count(0)
    shot(page, "order-after")

    page.goto(f"{live_server.url}/customer/invoices")
    expect(page.get_by_test_id("invoice-list")).to_contain_text(invoice.number)
    shot(page, "list")

    # The mail went out after the commit, and the PDF was stored by then.
    assert [m.subject for m in mailoutbox] == [f"Your invoice {invoice.number} from Café Müller & Søn GmbH is ready"]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT and invoice.pdf_path


def test_invoice_pages_on_a_phone(live_server, phone_page):
    customer = CustomerFactory(full_name="Ζωή Παπαδοπούλου", user__email="zoe@example.com")
    order = paid_order(
        customer=customer, lines=((2, 1250, "7.00"), (1, 490, "19.00"), (3, 399, "19.00"), (1, 2890, "7.00"))
    )
    page = phone_page
    page.goto(f"{live_server.url}/customer/login")
    page.get_by_label("Email").fill("zoe@example.com")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(f"{live_server.url}/customer/login")
    page.goto(f"{live_server.url}/customer/orders/{order.pk}")
    page.get_by_role("button", name="Generate invoice").click()
    expect(page.get_by_test_id("invoice-document")).to_contain_text("Ζωή Παπαδοπούλου")
    shot(page, "phone-detail")
    page.goto(f"{live_server.url}/customer/invoices")
    expect(page.get_by_test_id("invoice-list")).to_be_visible()
    shot(page, "phone-list")


def test_missing_billing_details_are_explained_on_the_order_page(live_server, phone_page):
    customer = CustomerFactory(user__email="nostreet@example.com", street="", postal_code="")
    order = paid_order(customer=customer)
    page = phone_page
    page.goto(f"{live_server.url}/customer/login")
    page.get_by_label("Email").fill("nostreet@example.com")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(f"{live_server.url}/customer/login")
    page.goto(f"{live_server.url}/customer/orders/{order.pk}")
    action = page.get_by_test_id("invoice-action")
    expect(action).to_contain_text("Please add: street address, postal code.")
    expect(action.get_by_role("link", name="Go to your profile")).to_have_attribute("href", "/customer/profile")
    action.scroll_into_view_if_needed()
    shot(page, "phone-missing-details")
    assert not Invoice.objects.exists()
