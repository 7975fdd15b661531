"""Every account page fits a phone screen (no sideways scrolling) and looks like the product."""

import pytest
from playwright.sync_api import expect

from customers.tests.browser import shot
from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUEST_PAGES = {
    "/customer/register": "Create your account",
    "/customer/login": "Log in",
    "/customer/forgot-password": "Forgot your password?",
    "/customer/resend-verification": "Get a new verification link",
    "/customer/verify-email": "Check your inbox",
    "/customer/verify-email/broken-key": "This link doesn't work",
    "/customer/reset-password/1-broken": "This link doesn't work",
}
CUSTOMER_PAGES = {
    "/customer/": "Hello,",
    "/customer/profile": "Business profile",
    "/customer/change-password": "Change password",
    "/customer/change-email": "Change email address",
    "/customer/logout": "Log out",
}


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide"


def test_guest_and_customer_pages_fit_a_phone(live_server, phone_page):
    page = phone_page
    for path, heading in GUEST_PAGES.items():
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_contain_text(heading)
        assert_fits(page)
        shot(page, "page" + path.replace("/", "-").rstrip("-"))

    customer = CustomerFactory(verified=False)
    page.goto(f"{live_server.url}/customer/login")
    page.get_by_label("Email", exact=True).fill(customer.user.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#verify-banner")).to_be_visible()
    for path, heading in CUSTOMER_PAGES.items():
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_contain_text(heading)
        assert_fits(page)
        shot(page, "page" + path.replace("/", "-").rstrip("-"))
