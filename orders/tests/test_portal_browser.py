"""Customer journeys in a real browser at a phone viewport: order while logged in, claim a guest order."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory, order_with_lines

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"portal-{name}.png"), full_page=True)


@pytest.fixture
def table(db):
    table = TableFactory(
        label="5",
        restaurant__name="Osteria Blu",
        restaurant__street="Kastanienallee 12",
        restaurant__city="Berlin",
        restaurant__timezone="Europe/Berlin",
    )
    MenuItemFactory(
        restaurant=table.restaurant, name="Gnocchi", price_cents=1450, vat_rate=Decimal("7"), category__name="Mains"
    )
    MenuItemFactory(
        restaurant=table.restaurant, name="Espresso", price_cents=280, vat_rate=Decimal("19"), category__name="Drinks"
    )
    return table


def test_logged_in_customer_orders_at_a_table_and_finds_it_in_the_history(live_server, phone_page, table):
    customer = CustomerFactory(full_name="Mara Schulz", user__email="mara@example.com")
    # Some history already, so the new order must come out on top.
    for _ in range(3):
        order_with_lines(restaurant=table.restaurant, table=table, customer=customer)
    page = phone_page

    page.goto(f"{live_server.url}/menu/{table.token}/")
    page.get_by_role("link", name="Log in to keep your orders").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email").fill("mara@example.com")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Back at the same table, ordering under her name.
    expect(page.get_by_test_id("identity")).to_contain_text("Ordering as Mara Schulz")
    expect(page.get_by_text("Table 5")).to_be_visible()
    shot(page, "table-identity")

    page.get_by_label("Gnocchi").fill("2")
    page.get_by_label("Espresso").fill("1")
    page.get_by_role("button", name="Send order").click()
    # With JavaScript the order is checked in a summary first (static/js/basket.js).
    page.get_by_role("dialog").get_by_role("button", name="Send order").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_test_id("linked-notice")).to_contain_text("saved in your account")

    order = Order.objects.latest("pk")
    assert order.customer == customer
    assert order.total_cents == 2 * 1450 + 280

    page.goto(f"{live_server.url}/customer/orders")
    rows = page.get_by_test_id("order-row")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Osteria Blu")
    expect(rows.first).to_contain_text("€31.80")
    expect(rows.first).to_contain_text("Placed")
    shot(page, "history")

    # Filter: only placed orders at this restaurant, kept in the URL.
    page.get_by_text("Filter").click()
    page.get_by_label("Status").select_option("placed")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"status=placed"))
    expect(page.get_by_test_id("order-row")).to_have_count(4)
    page.get_by_label("From").fill("2000-01-02")
    page.get_by_label("To").fill("2000-01-01")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("The end date is before the start date.")).to_be_visible()
    shot(page, "history-filter-error")

    page.goto(f"{live_server.url}/customer/orders")
    page.get_by_test_id("order-row").first.click()
    expect(page.get_by_role("heading", name="Osteria Blu")).to_be_visible()
    expect(page.get_by_test_id("order-total")).to_have_text("€31.80")
    expect(page.get_by_test_id("vat-breakdown")).to_contain_text("7 %")
    expect(page.get_by_test_id("vat-breakdown")).to_contain_text("19 %")
    expect(page.get_by_text("Kastanienallee 12")).to_be_visible()
    shot(page, "detail")


def test_guest_orders_registers_and_claims_the_order_with_one_click(live_server, phone_page, table):
    page = phone_page
    page.goto(f"{live_server.url}/menu/{table.token}/")
    expect(page.get_by_test_id("guest-account-link")).to_be_visible()
    shot(page, "table-guest")
    page.get_by_label("Gnocchi").fill("1")
    page.get_by_role("button", name="Send order").click()
    # With JavaScript the order is checked in a summary first (static/js/basket.js).
    page.get_by_role("dialog").get_by_role("button", name="Send order").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_test_id("claim-code")).to_be_visible()
    order = Order.objects.get()
    assert order.customer is None

    page.get_by_role("link", name="create an account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Full name").fill("Jonas Weber")
    page.get_by_label("Email").fill("jonas@example.com")
    page.get_by_label("Password", exact=True).fill("a long and unusual passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(re.compile("inbox", re.I)).first).to_be_visible()

    # The verification link, opened in the same browser, logs Jonas in.
    link = re.search(r"https?://\S+/customer/\S+", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    # Registration started from the confirmation page, and leads back to it.
    expect(page).to_have_url(re.compile(f"/order/{order.public_token}/$"))
    expect(page.get_by_test_id("session-claim-offer")).to_be_visible()
    shot(page, "session-offer-confirmation")
    # The dashboard offers it as well; one click there links it.
    page.goto(f"{live_server.url}/customer/")
    offer = page.get_by_test_id("session-claim-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Osteria Blu")
    expect(offer).to_contain_text("€14.50")
    shot(page, "session-offer-dashboard")
    offer.get_by_role("button", name="Add to my account").click()
    expect(page.get_by_text(f"Order #{order.pk} added to your account.")).to_be_visible()
    expect(page.get_by_test_id("session-claim-offer")).to_have_count(0)

    order.refresh_from_db()
    assert order.customer.full_name == "Jonas Weber"
    page.goto(f"{live_server.url}/customer/orders")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    expect(page.get_by_test_id("order-row")).to_contain_text("€14.50")


def test_customer_claims_a_guest_order_by_its_receipt_code(live_server, phone_page, table):
    order = order_with_lines(restaurant=table.restaurant, table=table, lines=((1, 1450, "7.00"),))
    customer = CustomerFactory(user__email="lea@example.com")
    page = phone_page
    page.goto(f"{live_server.url}/customer/orders/claim")
    page.get_by_label("Email").fill("lea@example.com")
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Add an order")).to_be_visible()
    page.get_by_label("Receipt code").fill("ZZZZZ-ZZZZZ")
    page.get_by_role("button", name="Add to my account").click()
    expect(page.get_by_text("does not match an order")).to_be_visible()
    shot(page, "claim-error")

    # Typed from the receipt in lower case, without the dash.
    page.get_by_label("Receipt code").fill(order.claim_code.lower())
    page.get_by_role("button", name="Add to my account").click()
    expect(page.get_by_text(f"Order #{order.pk} is now in your account.")).to_be_visible()
    expect(page.get_by_role("heading", name="Osteria Blu")).to_be_visible()
    order.refresh_from_db()
    assert order.customer == customer
    page.goto(f"{live_server.url}/customer/orders/claim")
    shot(page, "claim")
