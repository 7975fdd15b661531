"""The guest's journey in the browser's language on a phone, and the board in German for German staff."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory, order_with_lines
from orders.tests.test_board_browser import staff_context

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each language says and how it writes money (Babel on the server, Intl in basket.js).
JOURNEY = {
    "en": {
        "send": "Send order",
        "confirm": "Send order",
        "review": "Check your order",
        "thanks": "Thank you!",
        "placed": "Placed",
        "basket": "3 items · €16.30",
        "total": "€16.30",
    },
    "de": {
        "send": "Bestellung absenden",
        "confirm": "Absenden",
        "review": "Bestellung prüfen",
        "thanks": "Vielen Dank!",
        "placed": "Aufgegeben",
        "basket": "3 Artikel · 16,30\u00a0€",
        "total": "16,30\u00a0€",
    },
    "fr": {
        "send": "Envoyer la commande",
        "confirm": "Envoyer",
        "review": "Vérifiez votre commande",
        "thanks": "Merci\u00a0!",
        "placed": "Reçue",
        "basket": "3 articles · 16,30\u00a0€",
        "total": "16,30\u00a0€",
    },
}


@pytest.fixture
def table(db):
    table = TableFactory(label="7", restaurant__name="Café Lindenblatt")
    MenuItemFactory(
        restaurant=table.restaurant,
        name="Linsensuppe",
        description="Rote Linsen, Kreuzkümmel, Zitrone",
        price_cents=590,
        vat_rate=Decimal("7"),
        is_vegan=True,
        allergens="celery,mustard",
        category__name="Suppen",
    )
    MenuItemFactory(
        restaurant=table.restaurant,
        name="Käsekuchen",
        price_cents=450,
        vat_rate=Decimal("7"),
        is_vegetarian=True,
        allergens="gluten,eggs,milk",
        category__name="Kuchen",
    )
    return table


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_a_guest_orders_in_the_browsers_language(live_server, phone_page, table, language):
    words = JOURNEY[language]
    page = phone_page
    page.set_extra_http_headers({"Accept-Language": f"{language},en;q=0.5"})
    page.goto(f"{live_server.url}/menu/{table.token}/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.get_by_label("Linsensuppe").fill("2")
    page.get_by_label("Käsekuchen").fill("1")
    # The basket line is written by the script, in the page's language and money format.
    expect(page.get_by_test_id("basket-total")).to_have_text(words["total"])
    expect(page.locator("[data-basket]")).to_have_text(words["basket"])
    assert fits_the_screen(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"i18n-menu-{language}.png"), full_page=True)

    page.get_by_role("button", name=words["send"]).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=words["review"])).to_be_visible()
    expect(dialog.locator("[data-review-total]")).to_have_text(words["total"])
    page.screenshot(path=str(SCREENSHOTS / f"i18n-review-{language}.png"))
    dialog.get_by_role("button", name=words["confirm"], exact=True).click()

    expect(page.get_by_role("heading", name=words["thanks"])).to_be_visible()
    expect(page.get_by_test_id("order-total")).to_have_text(words["total"])
    expect(page.get_by_test_id("order-status")).to_have_text(words["placed"])
    assert fits_the_screen(page)
    page.screenshot(path=str(SCREENSHOTS / f"i18n-confirmation-{language}.png"), full_page=True)
    assert Order.objects.get().total_cents == 2 * 590 + 450


def test_the_french_menu_formats_the_basket_in_euros_the_french_way(live_server, phone_page, table):
    page = phone_page
    page.set_extra_http_headers({"Accept-Language": "fr"})
    page.goto(f"{live_server.url}/menu/{table.token}/")
    expect(page.get_by_role("button", name="Envoyer la commande")).to_be_visible()
    expect(page.get_by_role("heading", name="Allergènes et régimes")).to_be_visible()
    page.get_by_label("Linsensuppe").fill("1")
    expect(page.get_by_test_id("basket-total")).to_have_text(re.compile(r"^\d+,\d\d\s€$"))
    expect(page.get_by_test_id("basket-total")).to_have_text("5,90\u00a0€")


def test_the_board_is_german_for_a_german_staff_member(browser, live_server, staff_a, restaurant_a, csp_violations):
    staff_a.language = "de"
    staff_a.save(update_fields=["language"])
    order_with_lines(restaurant=restaurant_a, table__label="3", note="Ohne Nüsse, bitte")
    order_with_lines(restaurant=restaurant_a, table__label="5", status="preparing")
    MenuItemFactory(restaurant=restaurant_a, name="Linsensuppe")
    context = staff_context(browser, live_server, staff_a, {"width": 1024, "height": 768}, csp_violations)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/orders/order/board/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name=re.compile("^In Zubereitung"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Zubereitung beginnen"))).to_be_visible()
    # The script counts the ages on with the page's (German) words.
    expect(page.locator(".board-age").first).to_have_text(re.compile(r"^\d+ Min\.$"))
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "i18n-board-de.png"), full_page=True)
    page.get_by_role("button", name=re.compile("^Zubereitung beginnen")).click()
    expect(page.locator(".messagelist")).to_contain_text("ist jetzt in Zubereitung")

    paid = order_with_lines(restaurant=restaurant_a, table__label="8", status="paid", paid_at=timezone.now())
    day = paid.paid_at.astimezone(restaurant_a.tzinfo).date().isoformat()
    page.goto(f"{live_server.url}/admin/orders/restaurant/{restaurant_a.pk}/takings/?date_from={day}")
    expect(page.get_by_test_id("takings-summary")).to_contain_text("Bruttoeinnahmen")
    expect(page.get_by_test_id("takings-summary")).to_contain_text("29,90\u00a0€")
    page.screenshot(path=str(SCREENSHOTS / "i18n-takings-de.png"), full_page=True)
    context.close()
