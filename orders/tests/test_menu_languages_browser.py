"""The demo café's menu on a phone in German, English and French; the bakery's French guests read German."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from customers.models import User
from orders.management.commands.seed_demo import BAKERY_NAME, CAFE_NAME
from orders.models import Restaurant

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

DISHES = {
    "de": ("Frühstück", "Käsekuchen", "Nach Omas Rezept, auf Mürbeteig", "4,50\xa0€"),
    "en": ("Breakfast", "German cheesecake", "Grandma’s recipe, made with quark on a shortcrust base", "€4.50"),
    "fr": ("Petit-déjeuner", "Gâteau au fromage blanc", "Recette de grand-mère, sur pâte sablée", "4,50\xa0€"),
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_menu_on_a_phone_in_each_language(live_server, phone_page):
    call_command("seed_demo", force=True, stdout=StringIO())
    cafe, bakery = Restaurant.objects.get(name=CAFE_NAME), Restaurant.objects.get(name=BAKERY_NAME)
    page = phone_page
    SCREENSHOTS.mkdir(exist_ok=True)
    for language, (category, dish, description, price) in DISHES.items():
        page.context.set_extra_http_headers({"Accept-Language": language})
        page.goto(f"{live_server.url}{cafe.tables.get(label='1').get_absolute_url()}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", name=category)).to_be_visible()
        cake = page.locator(".menu-item", has=page.get_by_text(dish, exact=True))
        expect(cake).to_contain_text(description)
        expect(cake).to_contain_text(price)
        # The label names the quantity field in the guest's language (screen readers, basket summary).
        expect(page.get_by_label(dish, exact=True)).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"menu-{language}.png"), full_page=True)

    # The bakery has no French texts: a French guest reads its own language, German.
    page.context.set_extra_http_headers({"Accept-Language": "fr"})
    page.goto(f"{live_server.url}{bakery.tables.get(label='1').get_absolute_url()}")
    expect(page.get_by_role("heading", name="Brot & Brötchen")).to_be_visible()
    expect(page.get_by_label("Pflaumenkuchen", exact=True)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "menu-bakery-fr.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_edit_a_dish_per_language_in_the_admin(live_server, desktop_page, axe_check, settings):
    from customers.tests.factories import DEFAULT_PASSWORD
    from orders.models import MenuItem

    settings.STAFF_REQUIRE_MFA = False
    call_command("seed_demo", force=True, stdout=StringIO())
    staff = User.objects.get(email="staff@demo.example")
    staff.set_password(DEFAULT_PASSWORD)
    staff.save()
    cake = MenuItem.objects.get(name_de="Käsekuchen")
    page, base = desktop_page, live_server.url
    page.context.set_extra_http_headers({"Accept-Language": "de"})
    page.goto(f"{base}/admin/")
    page.locator("input[name=auth-username]").fill(staff.email)
    page.locator("input[name=auth-password]").fill(DEFAULT_PASSWORD)
    page.locator("input[name=auth-password]").press("Enter")
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"{base}/admin/orders/menuitem/{cake.pk}/change/")
    for field, value in (
        ("name_de", "Käsekuchen"),
        ("name_en", "German cheesecake"),
        ("name_fr", "Gâteau au fromage blanc"),
    ):
        expect(page.locator(f"#id_{field}")).to_have_value(value)
    expect(page.get_by_role("heading", name="Deutsch (de)")).to_be_visible()
    axe_check(page, state="dish with its texts per language")
    page.screenshot(path=str(SCREENSHOTS / "admin-menuitem-de.png"), full_page=True)

    # The restaurant's own language (German) may not be empty.
    page.locator("#id_name_de").fill("")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    axe_check(page, state="dish without its German name")
    page.locator("#id_name_de").fill("Quarkkuchen")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    cake.refresh_from_db()
    assert (cake.name_de, cake.name_en) == ("Quarkkuchen", "German cheesecake")

    # The guests see it at once, in German, and the French texts stay.
    page.goto(f"{base}{cake.restaurant.tables.get(label='1').get_absolute_url()}")
    expect(page.get_by_label("Quarkkuchen", exact=True)).to_be_visible()
    page.context.set_extra_http_headers({"Accept-Language": "fr"})
    page.reload()
    expect(page.get_by_label("Gâteau au fromage blanc", exact=True)).to_be_visible()
