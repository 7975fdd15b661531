"""Issue 14 in a real browser at 390x844: basket, review, focus above the send bar, live status, front door, axe."""

import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from common.tests.a11y import axe_check
from conftest import PHONE_VIEWPORT
from orders import views
from orders.models import Order
from orders.services import order_set_status
from orders.tests.factories import MenuItemFactory, TableFactory

SHOTS = Path("/work/wt/shots-guest")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, *, full_page=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def menu(db):
    table = TableFactory(label="12", restaurant__name="Café Müller")
    restaurant = table.restaurant
    items = {
        "risotto": MenuItemFactory(
            restaurant=restaurant,
            name="Mushroom risotto",
            price_cents=1690,
            vat_rate=Decimal("7"),
            category__name="Mains",
            allergens="milk,sulphites",
            is_vegetarian=True,
        ),
        "lemonade": MenuItemFactory(
            restaurant=restaurant,
            name="Fresh lemonade",
            price_cents=490,
            vat_rate=Decimal("19"),
            category__name="Drinks",
            is_vegan=True,
        ),
    }
    for n in range(10):  # a menu longer than the screen
        items[f"dish{n}"] = MenuItemFactory(
            restaurant=restaurant, name=f"Dish {n}", price_cents=100_000 + n, allergens="gluten,eggs"
        )
    return table, items


def test_basket_shows_count_and_total_and_the_review_sends_the_order(live_server, phone_page, menu):
    table, items = menu
    page = phone_page
    page.goto(f"{live_server.url}/menu/{table.token}/")
    basket = page.locator("[data-basket]")
    expect(basket).to_be_hidden()
    axe_check(page, state="menu")
    shot(page, "menu")

    page.get_by_label("Mushroom risotto").fill("2")
    expect(basket).to_have_text("2 items · €33.80")
    page.get_by_label("Fresh lemonade").fill("1")
    expect(basket).to_have_text("3 items · €38.70")
    page.get_by_label("Dish 3").fill("1")  # thousands grouped like the server: €1,000.03
    expect(page.get_by_test_id("basket-total")).to_have_text("€1,038.73")
    page.get_by_label("Dish 3").fill("")
    expect(basket).to_have_text("3 items · €38.70")
    page.get_by_label("Note for the kitchen").fill("One without parmesan")
    page.get_by_label("Mushroom risotto").focus()
    shot(page, "menu-basket", full_page=False)

    page.locator(".submit-bar").get_by_role("button", name="Send order").click()
    dialog = page.get_by_role("dialog", name="Check your order")
    expect(dialog).to_be_visible()
    expect(dialog.locator("tbody tr")).to_have_count(2)
    expect(dialog.locator("tbody")).to_contain_text("2×Mushroom risotto€33.80")
    expect(dialog.locator("tbody")).to_contain_text("1×Fresh lemonade€4.90")
    expect(dialog).to_contain_text("One without parmesan")
    expect(dialog.locator("[data-review-total]")).to_have_text("€38.70")
    axe_check(page, state="menu with the review open")
    shot(page, "menu-review", full_page=False)
    assert Order.objects.count() == 0  # nothing is sent before the guest confirms

    dialog.get_by_role("button", name="Change").click()
    expect(dialog).to_be_hidden()
    page.get_by_label("Fresh lemonade").fill("2")
    page.locator(".submit-bar").get_by_role("button", name="Send order").click()
    expect(dialog.locator("[data-review-total]")).to_have_text("€43.60")
    dialog.get_by_role("button", name="Send order").click()

    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_test_id("order-total")).to_have_text("€43.60")
    order = Order.objects.get()
    assert order.total_cents == 2 * 1690 + 2 * 490 and order.note == "One without parmesan"


def test_an_invalid_quantity_goes_to_the_server_and_its_error_passes_axe(live_server, phone_page, menu):
    table, items = menu
    page = phone_page
    page.goto(f"{live_server.url}/menu/{table.token}/")
    page.get_by_label("Mushroom risotto").fill("-1")
    page.locator(".submit-bar").get_by_role("button", name="Send order").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check the highlighted quantities")
    field = page.get_by_label("Mushroom risotto")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description("Quantities cannot be negative.")
    axe_check(page, state="menu with an error")
    shot(page, "menu-error")
    # An empty order skips the review: the server says what is wrong.
    page.goto(f"{live_server.url}/menu/{table.token}/")
    page.locator(".submit-bar").get_by_role("button", name="Send order").click()
    expect(page.get_by_role("alert")).to_contain_text("Your order is empty")
    assert Order.objects.count() == 0


def test_without_javascript_the_form_posts_straight_and_the_status_has_a_refresh_button(live_server, browser, menu):
    table, items = menu
    context = browser.new_context(viewport=PHONE_VIEWPORT, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/menu/{table.token}/")
        expect(page.locator("[data-basket]")).to_be_hidden()
        page.get_by_label("Fresh lemonade").fill("3")
        page.get_by_role("button", name="Send order").click()
        expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
        order = Order.objects.get()
        assert order.total_cents == 3 * 490
        refresh = page.get_by_role("button", name="Refresh")
        expect(refresh).to_be_visible()
        shot(page, "confirmation-no-js")
        order_set_status(order=order, status=Order.Status.SERVED)
        refresh.click()
        expect(page.get_by_test_id("order-status")).to_have_text("Served")
        order_set_status(order=order, status=Order.Status.PAID)
        page.get_by_role("button", name="Refresh").click()
        expect(page.get_by_test_id("order-status")).to_have_text("Paid")
        expect(page.get_by_role("button", name="Refresh")).to_have_count(0)
    finally:
        context.close()


def test_keyboard_focus_never_lands_under_the_send_bar(live_server, phone_page, menu):
    table, items = menu
    page = phone_page
    page.goto(f"{live_server.url}/menu/{table.token}/")
    page.get_by_label("Mushroom risotto").fill("1")  # the basket line shows: the bar is at its tallest
    fields = page.locator("input.qty-input, #id_note")
    count = fields.count()
    assert count == 13
    checked = []
    for backwards in (False, True):
        page.evaluate("window.scrollTo(0, %s)" % ("document.body.scrollHeight" if backwards else "0"))
        order = range(count - 1, -1, -1) if backwards else range(count)
        fields.nth(order[0]).focus()
        for index in order:
            if index != order[0]:
                page.keyboard.press("Shift+Tab" if backwards else "Tab")
            field = fields.nth(index)
            expect(field).to_be_focused()
            box = field.bounding_box()
            bar = page.locator(".submit-bar").bounding_box()
            assert box["y"] >= 0, f"field {index} above the screen"
            assert box["y"] + box["height"] <= bar["y"], f"field {index} ({box}) under the send bar ({bar})"
            assert bar["y"] + bar["height"] <= PHONE_VIEWPORT["height"] + 1
            checked.append(index)
    assert len(checked) == 2 * count


def test_confirmation_updates_in_place_and_stops_once_paid(live_server, phone_page, menu, monkeypatch):
    monkeypatch.setattr(views, "CONFIRMATION_POLL_SECONDS", 1)
    table, items = menu
    page = phone_page
    page.goto(f"{live_server.url}/menu/{table.token}/")
    page.get_by_label("Fresh lemonade").fill("1")
    page.locator(".submit-bar").get_by_role("button", name="Send order").click()
    page.get_by_role("dialog").get_by_role("button", name="Send order").click()
    status = page.get_by_test_id("order-status")
    expect(status).to_have_text("Placed")
    expect(page.get_by_role("button", name="Refresh")).to_be_hidden()  # JavaScript polls instead
    axe_check(page, state="confirmation")
    page.evaluate("window.__samePage = true")  # gone if the page reloaded
    polls = []
    page.on("request", lambda request: polls.append(request.url) if request.url.endswith("/status") else None)

    order = Order.objects.get()
    order_set_status(order=order, status=Order.Status.PREPARING)
    expect(status).to_have_text("Preparing", timeout=5000)
    expect(page.locator("[data-step]")).to_have_class(["done", "current", "todo", "todo"])
    order_set_status(order=order, status=Order.Status.SERVED)
    expect(status).to_have_text("Served", timeout=5000)
    order_set_status(order=order, status=Order.Status.PAID)
    expect(status).to_have_text("Paid", timeout=5000)
    expect(page.locator("[data-step]")).to_have_class(["done", "done", "done", "current"])
    expect(page.locator("[data-step][aria-current=step]")).to_have_text("Paid")
    assert page.evaluate("window.__samePage") is True
    assert page.get_by_role("status").filter(has_text="Status:").count() == 1
    shot(page, "confirmation-paid")
    after_paid = len(polls)
    time.sleep(3)  # three poll intervals
    assert len(polls) == after_paid, "the page kept polling after the order was paid"
    axe_check(page, state="confirmation (paid)")


def test_the_front_door_and_error_pages(live_server, phone_page, menu, settings):
    table, items = menu
    page = phone_page
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Order from your table")
    expect(page.get_by_text("Scan the QR code on your table")).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Sign in")).to_have_attribute("href", reverse("account_login"))
    expect(main.get_by_role("link", name="Register")).to_have_attribute("href", reverse("account_signup"))
    expect(main.get_by_role("link", name="Staff sign-in")).to_have_attribute("href", reverse("admin:index"))
    axe_check(page, state="front page")
    shot(page, "front-page")

    page.goto(f"{live_server.url}/menu/not-a-table/")
    expect(page.get_by_role("heading", name="We couldn't find that page")).to_be_visible()
    axe_check(page, state="404 page")
    shot(page, "404")
    page.get_by_role("link", name="Go to the front page").click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("link", name="QR Table Ordering").click()  # the logo
    expect(page).to_have_url(f"{live_server.url}/")

    settings.ORDER_RATE_PER_TABLE = "1/h"
    page.goto(f"{live_server.url}/menu/{table.token}/")
    for _ in range(3):
        page.get_by_label("Fresh lemonade").fill("1")
        page.locator(".submit-bar").get_by_role("button", name="Send order").click()
        # Wait for the POST's own answer: a bare wait_for_load_state() can return on the old page,
        # and the next goto() would then abort the order before the server counted it.
        with page.expect_navigation():
            page.get_by_role("dialog").get_by_role("button", name="Send order").click()
        if page.get_by_role("heading", name="Too many attempts").count():
            break
        page.goto(f"{live_server.url}/menu/{table.token}/")
    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()
    axe_check(page, state="429 page")
    shot(page, "429")
    page.get_by_role("link", name="Go to the front page").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_an_order_form_left_open_across_a_sign_out_gets_a_way_back(live_server, phone_page, menu):
    """The CSRF cookie is gone (signed out in another tab): a readable page, no order, and the way back works."""
    table, items = menu
    page = phone_page
    page.goto(f"{live_server.url}/menu/{table.token}/")
    page.context.clear_cookies()
    page.get_by_label("Fresh lemonade").fill("1")
    page.locator(".submit-bar").get_by_role("button", name="Send order").click()
    with page.expect_navigation():
        page.get_by_role("dialog").get_by_role("button", name="Send order").click()
    expect(page.get_by_role("heading", name="This form has expired")).to_be_visible()
    assert Order.objects.count() == 0
    axe_check(page, state="CSRF failure page")
    shot(page, "csrf-expired")
    page.get_by_role("link", name="Open the page again").click()
    expect(page).to_have_url(f"{live_server.url}/menu/{table.token}/")
    page.get_by_label("Fresh lemonade").fill("1")
    page.locator(".submit-bar").get_by_role("button", name="Send order").click()
    with page.expect_navigation():
        page.get_by_role("dialog").get_by_role("button", name="Send order").click()
    expect(page.get_by_role("heading", name="This form has expired")).to_have_count(0)
    assert Order.objects.count() == 1
