"""Browser journey: staff correct one line of an invoice in the admin, then the customer sees the correction on a phone."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from invoices.models import Invoice
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order

SHOTS = Path("/tmp/shots-corrections")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_staff_correct_one_line_and_the_customer_sees_it(
    live_server, desktop_page, phone_page, staff_a, restaurant_a, axe_check, mailoutbox, settings
):
    settings.STAFF_REQUIRE_MFA = False
    customer = CustomerFactory(full_name="Jana Nováková", user__email="jana@example.com")
    order = paid_order(
        customer=customer, restaurant=restaurant_a, lines=((3, 1000, "19.00"), (2, 1250, "7.00"), (1, 490, "19.00"))
    )
    invoice = invoice_issue(order=order, customer=customer)
    dish = invoice.lines.get(position=1)

    page, base = desktop_page, live_server.url
    page.goto(f"{base}/admin/login/")
    page.locator("input[name=auth-username]").fill(staff_a.email)
    page.locator("input[name=auth-password]").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"{base}/admin/invoices/invoice/{invoice.pk}/change/")
    page.get_by_test_id("correct-document").click()
    expect(page.get_by_test_id("correction-lines")).to_contain_text(dish.description)
    axe_check(page, state="correction form")
    page.get_by_test_id("preview-correction").click()  # nothing chosen, no reason: errors, nothing issued
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label(f"Quantity to reverse, line 1: {dish.description}").fill("1")
    page.get_by_label("Reason (printed on the document)").fill("One portion was cold and sent back")
    shot(page, "admin-form")
    page.get_by_test_id("preview-correction").click()
    expect(page.get_by_test_id("correction-preview")).to_contain_text("−€10.00")
    shot(page, "admin-preview")
    axe_check(page, state="correction preview")
    assert not Invoice.objects.filter(corrects=invoice).exists()
    page.get_by_test_id("confirm-correction").click()

    correction = Invoice.objects.get(corrects=invoice)
    expect(page.locator(".messagelist")).to_contain_text(f"Invoice correction {correction.number} issued")
    expect(page.get_by_test_id("corrections-list")).to_contain_text(correction.number)
    shot(page, "admin-original-after")

    phone = phone_page
    phone.goto(f"{base}/customer/login")
    phone.get_by_label("Email").fill("jana@example.com")
    phone.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).not_to_have_url(f"{base}/customer/login")
    phone.goto(f"{base}/customer/invoices/{invoice.pk}")
    corrections = phone.get_by_test_id("invoice-corrections")
    expect(corrections).to_contain_text(correction.number)
    expect(corrections).to_contain_text("One portion was cold and sent back")
    expect(corrections).to_contain_text("−€10.00")
    shot(phone, "customer-original")
    axe_check(phone, state="invoice with corrections")
    corrections.get_by_role("link", name=correction.number, exact=True).click()
    expect(phone.get_by_test_id("invoice-document")).to_contain_text("Invoice correction")
    expect(phone.get_by_test_id("invoice-corrects")).to_contain_text(invoice.number)
    expect(phone.get_by_test_id("invoice-correction-reason")).to_contain_text("One portion was cold")
    shot(phone, "customer-correction")

    assert any(m.subject.endswith("has been corrected") and correction.number in m.body for m in mailoutbox)
