"""The order board in a real browser: a guest's order appears within 5 s without a reload."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from conftest import watch_csp
from customers.tests.helpers import staff_force_login
from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory, order_with_lines

SHOTS = Path("/work/wt/shots-board")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff_context(browser, live_server, user, viewport, csp_violations):
    client = Client()
    staff_force_login(client, user)
    context = browser.new_context(viewport=viewport, has_touch=viewport["width"] < 800)
    watch_csp(context, csp_violations)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1024, "height": 768}], ids=["phone", "tablet"]
)
def test_guest_order_appears_on_the_board_and_staff_move_it(
    browser, live_server, staff_a, restaurant_a, viewport, csp_violations
):
    SHOTS.mkdir(exist_ok=True)
    name = f"{viewport['width']}x{viewport['height']}"
    table = TableFactory(restaurant=restaurant_a, label="12")
    MenuItemFactory(restaurant=restaurant_a, name="Mushroom risotto", price_cents=1690)
    MenuItemFactory(restaurant=restaurant_a, name="Fresh lemonade", price_cents=490)
    order_with_lines(restaurant=restaurant_a, table__label="3", note="Allergic to nuts", status="preparing")

    context = staff_context(browser, live_server, staff_a, viewport, csp_violations)
    board = context.new_page()
    board.goto(f"{live_server.url}/admin/orders/order/board/")
    expect(board.get_by_role("heading", name="Preparing")).to_be_visible()
    expect(board.get_by_text("Allergic to nuts")).to_be_visible()
    board.evaluate("() => { window.__sameDocument = true; }")
    # The sound switch (off by default) is offered once the script runs.
    sound = board.get_by_label("Sound for new orders")
    expect(sound).not_to_be_checked()
    sound.check()

    # A guest orders on their own phone (another browser context).
    guest_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    watch_csp(guest_context, csp_violations)
    guest = guest_context.new_page()
    guest.goto(f"{live_server.url}/menu/{table.token}/")
    guest.get_by_label("Mushroom risotto").fill("2")
    guest.get_by_label("Note for the kitchen").fill("One without parmesan")
    guest.get_by_role("button", name="Send order").click()
    # The guest menu asks to check the order in a summary first.
    guest.get_by_role("dialog").get_by_role("button", name="Send order").click()
    expect(guest.get_by_role("heading", name="Thank you!")).to_be_visible()
    order = Order.objects.get(table=table)

    card = board.locator(f'[data-order="{order.pk}"]')
    expect(card).to_be_visible(timeout=5000)
    assert board.evaluate("() => window.__sameDocument") is True  # no reload
    expect(card).to_have_class("board-card board-new")
    expect(card).to_contain_text("Table 12")
    expect(card).to_contain_text("2× Mushroom risotto")
    expect(card).to_contain_text("One without parmesan")
    expect(card).to_contain_text("Guest")
    assert no_sideways_scroll(board)
    board.screenshot(path=str(SHOTS / f"board-new-order-{name}.png"), full_page=True)

    # The guest asks for the bill; the board shows it, again without a reload.
    guest.get_by_role("button", name="Ask for the bill").click()
    expect(guest.get_by_test_id("bill-requested")).to_be_visible()
    guest.screenshot(path=str(SHOTS / "guest-asked-for-bill.png"), full_page=True)
    bills = board.locator(".board-bills")
    expect(bills).to_contain_text("Table 12", timeout=5000)
    assert board.evaluate("() => window.__sameDocument") is True

    # One click moves the card to the next column.
    card.get_by_role("button", name="Mark preparing").click()
    expect(board.locator(".messagelist")).to_contain_text(f"Order #{order.pk} (table 12) is now preparing.")
    expect(board.locator(f'.board-column-preparing [data-order="{order.pk}"]')).to_be_visible()
    assert no_sideways_scroll(board)
    board.screenshot(path=str(SHOTS / f"board-moved-{name}.png"), full_page=True)

    bills.get_by_role("button", name="Done").click()
    expect(board.locator(".board-bills")).to_have_count(0)

    # The order page: the allowed moves as buttons, no Save.
    board.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    expect(board.get_by_role("button", name="Mark served")).to_be_visible()
    expect(board.get_by_role("button", name="Mark preparing")).to_have_count(0)
    expect(board.locator("input[name='_save']")).to_have_count(0)
    assert no_sideways_scroll(board)
    board.screenshot(path=str(SHOTS / f"order-page-{name}.png"), full_page=True)
    board.get_by_role("button", name="Mark served").click()
    expect(board.locator(".messagelist")).to_contain_text("is now served")
    guest_context.close()
    context.close()


def test_sold_out_from_the_board_leaves_the_guest_menu(browser, live_server, staff_a, restaurant_a, csp_violations):
    table = TableFactory(restaurant=restaurant_a)
    MenuItemFactory(restaurant=restaurant_a, name="Tiramisu")
    MenuItemFactory(restaurant=restaurant_a, name="Espresso")
    context = staff_context(browser, live_server, staff_a, {"width": 390, "height": 844}, csp_violations)
    board = context.new_page()
    board.goto(f"{live_server.url}/admin/orders/order/board/")
    board.get_by_text("Dishes: sold out / available").click()
    board.get_by_role("button", name="Tiramisu").click()  # "Sold out" + the dish for screen readers
    expect(board.locator(".messagelist")).to_contain_text("Tiramisu is sold out")
    assert no_sideways_scroll(board)
    board.get_by_text("Dishes: sold out / available").click()
    board.screenshot(path=str(SHOTS / "board-dishes-390x844.png"), full_page=True)
    guest = context.new_page()
    guest.goto(f"{live_server.url}/menu/{table.token}/")
    expect(guest.get_by_text("Espresso")).to_be_visible()
    expect(guest.get_by_text("Tiramisu")).to_have_count(0)
    context.close()
