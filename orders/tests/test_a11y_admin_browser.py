"""axe-core (WCAG 2.1 A/AA) on the staff admin at 1024x768, and the takings page at 1024x768 and 390x844.

Staff sign in through the real staff login. ``axe_check`` fails on any serious or
critical violation (common/tests/a11y.py).
"""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from customers.tests.factories import DEFAULT_PASSWORD
from orders.models import Order
from orders.services import order_set_status
from orders.services_payment import payment_record
from orders.tests.factories import MenuItemFactory, order_with_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def floor(restaurant_a):
    restaurant_a.timezone = "Europe/Berlin"
    restaurant_a.save()
    MenuItemFactory(restaurant=restaurant_a, name="Gnocchi", price_cents=1450, category__name="Mains")
    MenuItemFactory(restaurant=restaurant_a, name="Espresso", price_cents=280, is_available=False)
    orders = []
    for hour, lines in ((12, ((2, 1450, "7.00"),)), (19, ((1, 280, "19.00"), (1, 1450, "7.00")))):
        order = order_with_lines(restaurant=restaurant_a, lines=lines)
        if hour == 12:  # marked paid on the board, no payment recorded
            order_set_status(order=order, status=Order.Status.PAID)
        else:  # paid by card with a tip of 2.00
            payment_record(order_ids=[order.pk], method="card", tip_cents=200)
        Order.objects.filter(pk=order.pk).update(paid_at=datetime(2025, 3, 14, hour, tzinfo=BERLIN))
        orders.append(order)
    order_with_lines(restaurant=restaurant_a, note="No onions, please")
    return restaurant_a, orders


def staff_log_in(page, base, user):
    page.goto(f"{base}/admin/")
    page.locator("input[name=auth-username]").fill(user.email)
    page.locator("input[name=auth-password]").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#site-name")).to_be_visible()


def test_admin_pages_pass_axe(live_server, desktop_page, axe_check, floor, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    restaurant, orders = floor
    page, base = desktop_page, live_server.url

    page.goto(f"{base}/admin/login/")
    axe_check(page, state="staff login")
    page.get_by_role("button", name="Continue").click()  # empty: the error state
    axe_check(page, state="staff login with errors")
    staff_log_in(page, base, staff_a)

    for path, state in [
        ("/admin/", "index"),
        ("/admin/orders/order/", "order list"),
        (f"/admin/orders/order/{orders[0].pk}/change/", "order page"),
        ("/admin/orders/restaurant/", "restaurant list"),
        (f"/admin/orders/restaurant/{restaurant.pk}/change/", "restaurant page"),
        ("/admin/orders/menuitem/", "menu list with its list-editable availability"),
        ("/admin/orders/menucategory/", "category list with its list-editable position"),
        ("/admin/orders/table/", "table list"),
        (f"/admin/orders/restaurant/{restaurant.pk}/takings/?date_from=2025-03-14", "takings"),
        (f"/admin/orders/restaurant/{restaurant.pk}/takings/?date_from=2025-03-10&date_to=2025-03-16", "a week"),
        (f"/admin/orders/restaurant/{restaurant.pk}/takings/?date_from=2025-03-16&date_to=2025-03-14", "bad period"),
    ]:
        page.goto(base + path)
        expect(page.locator("#content")).to_be_visible()
        axe_check(page, state=state)

    # The availability checkbox of each row is named after its dish.
    page.goto(f"{base}/admin/orders/menuitem/")
    expect(page.get_by_role("checkbox", name="available: Espresso")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="available: Gnocchi")).to_be_checked()

    # A restaurant page saved with an error.
    page.goto(f"{base}/admin/orders/restaurant/{restaurant.pk}/change/")
    page.locator("#id_name").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist").first).to_be_visible()
    axe_check(page, state="restaurant page with errors")


@pytest.mark.parametrize(
    "viewport, name", [({"width": 1024, "height": 768}, "1024"), ({"width": 390, "height": 844}, "390")]
)
def test_takings_page_on_a_laptop_and_a_phone(
    live_server, browser, csp_violations, floor, staff_a, settings, viewport, name
):
    from conftest import watch_csp

    settings.STAFF_REQUIRE_MFA = False
    restaurant, _ = floor
    context = browser.new_context(viewport=viewport)
    watch_csp(context, csp_violations)
    page = context.new_page()
    staff_log_in(page, live_server.url, staff_a)
    page.goto(f"{live_server.url}/admin/orders/restaurant/")
    page.get_by_role("link", name="Takings").click()
    page.get_by_label("From").fill("2025-03-14")
    page.get_by_role("button", name="Show").click()
    summary = page.get_by_test_id("takings-summary")
    # Two paid orders (the third is still open): 29.00 + (2.80 + 14.50); VAT per order and rate:
    # 7 %: 1.90 (189.72) + 0.95 (94.86) = 2.85 of 43.50; 19 %: 0.45 (44.71) of 2.80.
    expect(summary.locator("dd").nth(0)).to_have_text("2")
    expect(summary.locator("dd").nth(1)).to_have_text("€46.30")
    expect(page.get_by_test_id("takings-rates")).to_contain_text("€2.85")
    expect(page.get_by_test_id("takings-rates")).to_contain_text("€0.45")
    expect(summary.locator("dd").nth(2)).to_have_text("€2.00")  # tips
    methods = page.get_by_test_id("takings-methods")
    expect(methods.get_by_role("row", name="Card")).to_have_text("Card€17.30€2.00")
    expect(methods.get_by_role("row", name="Not recorded")).to_have_text("Not recorded€29.00€0.00")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"takings page is {width}px wide"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"admin-takings-{name}.png"), full_page=True)
    context.close()
