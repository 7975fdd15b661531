"""Browser journeys at 390x844: a guest downloads a receipt, a customer fills the business-meal block,
staff record a payment with tip and card and issue an invoice for a walk-in buyer."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from invoices.models import BusinessMealDeclaration, Invoice
from orders.models import Order, Payment
from orders.services_payment import payment_record
from orders.tests.factories import MenuItemFactory, TableFactory, order_with_lines

SHOTS = Path("/work/wt/shots-payments")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(path).read_bytes())).pages)


def test_guest_downloads_a_receipt_without_an_account(live_server, phone_page, axe_check):
    table = TableFactory(label="4", restaurant__name="Café Müller & Søn")
    MenuItemFactory(restaurant=table.restaurant, name="Burrata", price_cents=1150, category__name="Starters")
    MenuItemFactory(
        restaurant=table.restaurant, name="Pilsner", price_cents=520, vat_rate=Decimal("19"), category__name="Drinks"
    )
    page = phone_page
    page.goto(f"{live_server.url}/menu/{table.token}/")
    page.get_by_label("Burrata").fill("3")
    page.get_by_label("Pilsner").fill("1")
    page.get_by_role("button", name="Send order").click()
    # The basket's review step (JavaScript on): confirm in the summary dialog.
    page.get_by_role("dialog").get_by_role("button", name="Send order").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_test_id("receipt-link")).to_have_count(0)  # not paid yet

    order = Order.objects.get()
    payment_record(order_ids=[order.pk], method="cash", tip_cents=30)
    page.reload()
    expect(page.get_by_test_id("receipt-link")).to_be_visible()
    shot(page, "guest-confirmation-paid")
    page.get_by_role("link", name="Get your receipt").click()
    expect(page.get_by_test_id("guest-receipt")).to_contain_text("€40.00")
    shot(page, "guest-receipt-page")
    axe_check(page, state="guest receipt page")
    with page.expect_download() as info:
        page.get_by_test_id("download-receipt").click()
    receipt = Invoice.objects.get(kind="receipt")
    assert info.value.suggested_filename == receipt.pdf_filename
    text = pdf_text(info.value.path())
    assert receipt.number in text and "Burrata" in text and "Pilsner" in text
    assert "€39.70" in text and "€0.30" in text and "€40.00" in text
    box = page.evaluate("() => document.documentElement.scrollWidth")
    assert box <= 390  # no sideways scrolling on the phone
    page.goto(f"{live_server.url}/customer/receipt")
    axe_check(page, state="receipt by code")


def test_customer_fills_the_business_meal_block(live_server, phone_page, axe_check):
    customer = CustomerFactory(full_name="Erika Mustermann", user__email="erika@example.com")
    table = TableFactory(label="2")
    order = order_with_lines(
        restaurant=table.restaurant, table=table, customer=customer, lines=((10, 2800, "7.00"), (8, 500, "19.00"))
    )
    payment_record(order_ids=[order.pk], method="card", tip_cents=3000)  # 320.00 + 30.00
    page = phone_page
    page.goto(f"{live_server.url}/customer/login")
    page.get_by_label("Email").fill("erika@example.com")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(f"{live_server.url}/customer/login")
    page.goto(f"{live_server.url}/customer/orders/{order.pk}")
    page.get_by_role("button", name="Generate invoice").click()
    invoice = Invoice.objects.get(kind="invoice")
    expect(page.get_by_test_id("invoice-tip")).to_contain_text("€30.00")
    expect(page.get_by_test_id("invoice-paid")).to_contain_text("€350.00")

    form = page.get_by_test_id("business-meal-form")
    form.get_by_label("Occasion").fill("Project kick-off")
    form.get_by_role("button", name="Save business-meal details").click()
    expect(page.get_by_role("alert")).to_contain_text("the host's name is required")
    axe_check(page, state="business-meal form with an error")
    form = page.get_by_test_id("business-meal-form")
    form.get_by_label("Host").fill("Erika Mustermann")
    form.get_by_label("Participants").fill("Max Muster (ACME), Jane Doe")
    form.get_by_role("button", name="Save business-meal details").click()
    expect(page.get_by_text("The business-meal details were saved")).to_be_visible()
    expect(page.get_by_test_id("meal-host")).to_have_text("Erika Mustermann")
    shot(page, "customer-business-meal")
    axe_check(page, state="invoice page with business-meal details")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert BusinessMealDeclaration.objects.get(invoice=invoice).occasion == "Project kick-off"

    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    text = pdf_text(info.value.path())
    assert "Project kick-off" in text and "Max Muster (ACME), Jane Doe" in text and "€350.00" in text


def test_staff_record_a_card_payment_with_tip_and_invoice_a_walk_in(live_server, phone_page, staff_a, restaurant_a):
    table = TableFactory(restaurant=restaurant_a, label="9")
    first = order_with_lines(restaurant=restaurant_a, table=table)  # 29.90
    second = order_with_lines(restaurant=restaurant_a, table=table, lines=((2, 450, "19.00"),))  # 9.00
    page = phone_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name='auth-username']", staff_a.email)
    page.fill("input[name='auth-password']", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"{live_server.url}/admin/orders/order/{first.pk}/change/")
    page.get_by_test_id("record-payment").click()
    expect(page.get_by_test_id("open-total")).to_have_text("€38.90")
    page.get_by_label(f"#{second.pk} ·").check()
    page.get_by_label("Card").check()
    page.locator("#id_tip").fill("4.10")
    shot(page, "staff-table-bill")
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator(".messagelist")).to_contain_text("€43.00 (tip €4.10)")
    payment = Payment.objects.get()
    assert (payment.method, payment.tip_cents, payment.orders.count()) == ("card", 410, 2)

    page.get_by_role("link", name="Issue invoice").click()
    page.locator("#id_buyer_name").fill("Jonas Walk-in")
    page.locator("#id_buyer_business_name").fill("Walk-in Consulting GmbH")
    page.locator("#id_buyer_street").fill("Torstraße 1")
    page.locator("#id_buyer_postal_code").fill("10119")
    page.locator("#id_buyer_city").fill("Berlin")
    shot(page, "staff-issue-invoice")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.locator(".messagelist")).to_contain_text("issued")
    invoice = Invoice.objects.get(payment=payment)
    assert invoice.buyer_business_name == "Walk-in Consulting GmbH" and invoice.issued_by_staff
    assert invoice.total_cents == 3890 and invoice.tip_cents == 410 and invoice.paid_cents == 4300
    shot(page, "staff-invoice-issued")
