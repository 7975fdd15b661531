"""A guest at a phone-sized viewport orders from a table in a real browser."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_guest_orders_two_items_with_different_vat_rates(live_server, phone_page):
    table = TableFactory(label="12", restaurant__name="Café Müller & Søn")
    restaurant = table.restaurant
    risotto = MenuItemFactory(
        restaurant=restaurant, name="Mushroom risotto", price_cents=1690, vat_rate=Decimal("7"), category__name="Mains"
    )
    lemonade = MenuItemFactory(
        restaurant=restaurant, name="Fresh lemonade", price_cents=490, vat_rate=Decimal("19"), category__name="Drinks"
    )
    page = phone_page
    page.goto(f"{live_server.url}/menu/{table.token}/")
    expect(page.get_by_role("heading", name="Café Müller & Søn")).to_be_visible()
    expect(page.get_by_text("Table 12")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "guest-menu.png"), full_page=True)

    page.get_by_label("Mushroom risotto").fill("2")
    page.get_by_label("Fresh lemonade").fill("1")
    page.get_by_label("Note for the kitchen").fill("One without parmesan")
    page.get_by_role("button", name="Send order").click()
    # With JavaScript the order is checked in a summary first (static/js/basket.js).
    page.get_by_role("dialog").get_by_role("button", name="Send order").click()

    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_test_id("order-total")).to_have_text("€38.70")
    expect(page.get_by_test_id("order-status")).to_have_text("Placed")
    page.screenshot(path=str(SCREENSHOTS / "guest-confirmation.png"), full_page=True)

    order = Order.objects.get()
    assert order.total_cents == 2 * 1690 + 490
    assert {(line.menu_item_id, line.quantity) for line in order.lines.all()} == {(risotto.pk, 2), (lemonade.pk, 1)}

    # Bad input in the browser: an empty order re-renders with a message.
    page.goto(f"{live_server.url}/menu/{table.token}/")
    page.get_by_role("button", name="Send order").click()
    expect(page.get_by_role("alert")).to_contain_text("Your order is empty")
    page.screenshot(path=str(SCREENSHOTS / "guest-menu-error.png"), full_page=True)
    assert Order.objects.count() == 1
