"""The Content-Security-Policy in a real browser: injected code is refused, our own pages run clean.

The phone_page fixture fails any test whose pages report a CSP violation, so the
admin walk below proves the admin and the staff two-factor pages work under the policy.
"""

import pytest
from playwright.sync_api import expect

from customers.tests.factories import DEFAULT_PASSWORD
from orders.tests.factories import TableFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_and_style_are_refused(live_server, phone_page, csp_violations):
    page = phone_page
    page.goto(f"{live_server.url}/menu/{TableFactory().token}/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
            document.body.insertAdjacentHTML("beforeend", '<img src="x.png" onerror="window.injected = true">');
            document.querySelector("h1").setAttribute("style", "color: lime");
        }"""
    )
    page.wait_for_function("() => document.readyState === 'complete'")
    page.wait_for_timeout(300)  # the violation events are dispatched asynchronously
    assert page.evaluate("() => window.injected") is None
    assert page.evaluate("() => getComputedStyle(document.querySelector('h1')).color") != "rgb(0, 255, 0)"
    reported = " ".join(csp_violations)
    assert "script-src-elem" in reported
    assert "script-src-attr" in reported
    assert "style-src-attr" in reported
    csp_violations.clear()  # expected here; any other violation still fails the test


def test_admin_and_staff_two_factor_setup_work_under_the_policy(live_server, phone_page, staff_a, restaurant_a):
    page = phone_page
    table = TableFactory(restaurant=restaurant_a)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name='auth-username']", staff_a.email)
    page.fill("input[name='auth-password']", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#site-name")).to_be_visible()
    for path in [
        "/admin/orders/order/",
        "/admin/orders/restaurant/",
        f"/admin/orders/restaurant/{restaurant_a.pk}/change/",
        # The tables' QR thumbnails and preview are sized by admin-qr.css, not style="".
        "/admin/orders/table/",
        f"/admin/orders/table/{table.pk}/change/",
        "/admin/invoices/invoice/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()
    # The printable QR sheet: stylesheet and print button come from static files.
    page.goto(f"{live_server.url}/admin/orders/restaurant/{restaurant_a.pk}/qr-codes/")
    expect(page.locator(".qr-card svg")).to_have_count(1)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.qr-sheet')).display") == "grid"
    # Staff MFA setup: the QR code (an SVG from /admin/mfa/qrcode/) loads under img-src 'self'.
    page.goto(f"{live_server.url}/admin/mfa/setup/")
    page.get_by_role("button", name="Next").click()
    qr = page.locator(".mfa-qr img")
    expect(qr).to_be_visible()
    page.wait_for_function("() => document.querySelector('.mfa-qr img').complete")
    assert page.evaluate("() => document.querySelector('.mfa-qr img').naturalWidth") > 0
    page.goto(f"{live_server.url}/admin/mfa/")
    expect(page.locator("h1")).to_be_visible()
