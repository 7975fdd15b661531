"""Menus in several languages: per-restaurant fallback, frozen order-line names, documents, admin, cache."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from customers.tests.helpers import staff_force_login
from invoices.services import invoice_issue, invoice_lines_compute
from orders.models import MenuItem, OrderLine, Restaurant, default_language_for_country
from orders.services import OrderRejected, order_place, order_set_status
from orders.tests.factories import MenuCategoryFactory, MenuItemFactory, RestaurantFactory, TableFactory
from orders.translation import menu_text, menu_text_exact


@pytest.fixture
def cafe(db):
    return RestaurantFactory(name="Café Lindner", country="DE")


@pytest.fixture
def table(cafe):
    return TableFactory(restaurant=cafe, label="4")


@pytest.fixture
def cakes(cafe):
    return MenuCategoryFactory(restaurant=cafe, name_de="Kuchen", name_en="Cakes", name_fr="")


@pytest.fixture
def cheesecake(cafe, cakes):
    return MenuItemFactory(
        restaurant=cafe,
        category=cakes,
        name_de="Käsekuchen",
        name_en="Cheesecake",
        name_fr="Gâteau au fromage blanc",
        description_de="Nach Omas Rezept",
        description_en="Grandma's recipe",
        description_fr="",
        price_cents=450,
        vat_rate=Decimal("7"),
    )


@pytest.fixture
def strudel(cafe, cakes):
    # Only German: every other language falls back to it.
    return MenuItemFactory(
        restaurant=cafe, category=cakes, name_de="Apfelstrudel", name_en="", name_fr="", price_cents=690
    )


def menu_page(client, table, language):
    return client.get(table.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()


# --- The restaurant's own language -------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "language"), [("DE", "de"), ("AT", "de"), ("CH", "de"), ("FR", "fr"), ("BE", "fr"), ("GB", "en")]
)
def test_a_restaurants_own_language_defaults_from_its_country(db, country, language):
    assert default_language_for_country(country) == language
    assert RestaurantFactory(country=country).language == language


def test_a_chosen_language_is_kept(db):
    restaurant = RestaurantFactory(country="DE", language="en")
    restaurant.refresh_from_db()
    assert restaurant.language == "en"


# --- Which text a guest reads ------------------------------------------------------------


def test_menu_text_falls_back_to_the_restaurants_own_language_not_a_global_one(db):
    german = RestaurantFactory(country="DE")
    english = RestaurantFactory(country="GB")
    category = MenuCategoryFactory(restaurant=german)
    dish = MenuItemFactory(restaurant=german, category=category, name_de="Brezel", name_en="Pretzel", name_fr="")
    # French is empty: a German restaurant's French guest reads German, an English one's English.
    assert menu_text(dish, "name", language="fr", fallback=german.language) == "Brezel"
    assert menu_text(dish, "name", language="fr", fallback=english.language) == "Pretzel"
    assert menu_text(dish, "name", language="en", fallback="de") == "Pretzel"
    # Whitespace counts as empty; when the own language is empty too, any language with a text.
    dish.name_de, dish.name_fr = "  ", ""
    assert menu_text(dish, "name", language="fr", fallback="de") == "Pretzel"


def test_guests_read_the_menu_in_their_language_and_the_restaurants_where_it_is_missing(
    client, table, cheesecake, strudel
):
    german, english, french = (menu_page(client, table, code) for code in ("de", "en", "fr"))
    assert "Käsekuchen" in german and "Nach Omas Rezept" in german and "Kuchen" in german
    assert "Cheesecake" in english and "Grandma&#x27;s recipe" in english and "Cakes" in english
    assert "Käsekuchen" not in english and "Cheesecake" not in german
    # French: the dish's own French name, else (name, description, category) German, never empty.
    assert (
        "Gâteau au fromage blanc" in french and "Nach Omas Rezept" in french and '<h2 lang="de">Kuchen</h2>' in french
    )
    assert 'class="menu-item-name">Apfelstrudel</label>' in german
    for page in (english, french):
        assert 'class="menu-item-name" lang="de">Apfelstrudel</label>' in page
        assert 'class="menu-item-name"></label>' not in page


def test_the_menu_fragment_is_cached_per_language(client, table, cheesecake):
    menu_page(client, table, "de")
    menu_page(client, table, "en")  # a German fragment in the cache must not be served to English guests
    with CaptureQueriesContext(connection) as cached:
        english = menu_page(client, table, "en")
    assert "Cheesecake" in english and "Käsekuchen" not in english
    assert not [q for q in cached.captured_queries if "orders_menuitem" in q["sql"]]
    assert "€4.50" in english and "4,50\xa0€" in menu_page(client, table, "de")


def test_an_admin_edit_shows_in_the_next_request_in_every_language(client, table, cheesecake, staff_a, cafe):
    cafe.staff.add(staff_a)
    for code in ("de", "en", "fr"):
        menu_page(client, table, code)  # all three fragments cached
    staff_force_login(client, staff_a)
    response = client.post(
        reverse("admin:orders_menuitem_change", args=[cheesecake.pk]),
        {
            "restaurant": cafe.pk,
            "category": cheesecake.category_id,
            "name_de": "Quarkkuchen",
            "name_en": "Quark cake",
            "name_fr": "",
            "description_de": "",
            "description_en": "",
            "description_fr": "",
            "price": "4.80",
            "vat_rate": "7",
            "is_available": "on",
            "position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    german, english, french = (menu_page(client, table, code) for code in ("de", "en", "fr"))
    assert "Quarkkuchen" in german and "Käsekuchen" not in german and "4,80\xa0€" in german
    assert "Quark cake" in english and "Cheesecake" not in english and "€4.80" in english
    # French was emptied: the restaurant's own language now.
    assert "Quarkkuchen" in french and "Gâteau au fromage blanc" not in french


# --- The admin -----------------------------------------------------------------------------


def test_staff_enter_texts_per_language_and_the_restaurants_own_name_is_required(client, cafe, cakes, staff_a):
    cafe.staff.add(staff_a)
    staff_force_login(client, staff_a)
    url = reverse("admin:orders_menuitem_add")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    for field in ("name_en", "name_de", "name_fr", "description_en", "description_de", "description_fr"):
        assert f'name="{field}"' in page
    assert "Deutsch (de)" in page and "Français (fr)" in page
    form = {"restaurant": cafe.pk, "category": cakes.pk, "price": "3.90", "vat_rate": "7", "position": "0"}
    # English only, for a German restaurant: refused, German is the menu's base language.
    response = client.post(url, {**form, "name_en": "Bee sting cake"})
    assert response.status_code == 200
    assert "own language" in response.content.decode()
    assert not MenuItem.objects.filter(restaurant=cafe).exists()
    # German only is enough.
    assert client.post(url, {**form, "name_de": "Bienenstich"}).status_code == 302
    item = MenuItem.objects.get(restaurant=cafe)
    assert (item.name_de, item.name_en or "", item.name_fr or "") == ("Bienenstich", "", "")
    # On the dish's page the restaurant's own language comes first, its name marked as required.
    page = client.get(reverse("admin:orders_menuitem_change", args=[item.pk])).content.decode()
    assert page.index("Deutsch (de)") < page.index("English (en)") < page.index("Français (fr)")
    assert 'class="required" for="id_name_de"' in page and 'class="required" for="id_name_en"' not in page


def test_a_category_needs_its_name_in_the_restaurants_own_language(client, cafe, staff_a):
    cafe.staff.add(staff_a)
    staff_force_login(client, staff_a)
    url = reverse("admin:orders_menucategory_add")
    response = client.post(url, {"restaurant": cafe.pk, "position": "0", "name_fr": "Boissons"})
    assert response.status_code == 200 and not cafe.categories.exists()
    assert client.post(url, {"restaurant": cafe.pk, "position": "0", "name_de": "Getränke"}).status_code == 302
    assert cafe.categories.get().name_de == "Getränke"


def test_staff_find_dishes_by_any_languages_name(client, cafe, cheesecake, staff_a):
    cafe.staff.add(staff_a)
    staff_force_login(client, staff_a)
    for query in ("Käsekuchen", "Cheesecake", "fromage"):
        page = client.get(reverse("admin:orders_menuitem_changelist"), {"q": query}).content.decode()
        assert f"/admin/orders/menuitem/{cheesecake.pk}/change/" in page, query


# --- Order lines freeze the names ----------------------------------------------------------


def test_an_order_line_freezes_every_languages_name_and_staff_read_the_restaurants(table, cheesecake, strudel):
    with translation.override("fr"):  # a French guest orders
        order = order_place(table=table, quantities={cheesecake.pk: 2, strudel.pk: 1})
    lines = {line.menu_item_id: line for line in order.lines.all()}
    assert lines[cheesecake.pk].name == "Käsekuchen"
    assert lines[cheesecake.pk].names == {"de": "Käsekuchen", "en": "Cheesecake", "fr": "Gâteau au fromage blanc"}
    assert lines[strudel.pk].name == "Apfelstrudel" and lines[strudel.pk].names == {"de": "Apfelstrudel"}
    assert lines[strudel.pk].name_in("fr") == "Apfelstrudel"  # no French name: the restaurant's

    # Later menu edits never change a placed order.
    cheesecake.name_de, cheesecake.name_fr = "Quarkkuchen", "Tarte au fromage"
    cheesecake.save()
    line = OrderLine.objects.get(pk=lines[cheesecake.pk].pk)
    assert line.name == "Käsekuchen" and line.names["fr"] == "Gâteau au fromage blanc"


def test_the_restaurants_language_decides_the_staff_name_even_for_an_english_restaurant(db):
    pub = RestaurantFactory(country="IE")
    dish = MenuItemFactory(restaurant=pub, name_en="Irish stew", name_de="Irischer Eintopf", name_fr="")
    table = TableFactory(restaurant=pub)
    with translation.override("de"):
        order = order_place(table=table, quantities={dish.pk: 1})
    assert order.lines.get().name == "Irish stew"


def test_a_sold_out_refusal_names_the_dish_in_the_guests_language(table, cheesecake):
    cheesecake.is_available = False
    cheesecake.save()
    with translation.override("en"), pytest.raises(OrderRejected, match="Cheesecake"):
        order_place(table=table, quantities={cheesecake.pk: 1})


def test_the_guest_confirmation_shows_the_guests_language_and_the_staff_admin_the_restaurants(
    client, table, cheesecake, staff_a, cafe
):
    cafe.staff.add(staff_a)
    response = client.post(
        reverse("orders:order_create", args=[table.token]),
        {f"qty_{cheesecake.pk}": "1", "submission": "7c6a0a8e-8f4e-4a53-9d53-0c1f3f7b1a11"},
        HTTP_ACCEPT_LANGUAGE="fr",
        follow=True,
    )
    assert "Gâteau au fromage blanc" in response.content.decode()
    order = cafe.orders.get()
    staff_force_login(client, staff_a)
    admin_page = client.get(reverse("admin:orders_order_change", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Käsekuchen" in admin_page.content.decode()
    assert "Gâteau au fromage blanc" not in admin_page.content.decode()


# --- Documents --------------------------------------------------------------------------------


def test_invoice_lines_take_the_documents_language_from_the_frozen_names(table, cheesecake, strudel):
    order = order_place(table=table, quantities={cheesecake.pk: 1, strudel.pk: 1})
    lines = list(order.lines.order_by("id"))
    assert [line.description for line in invoice_lines_compute(lines, language="fr")] == [
        "Gâteau au fromage blanc",
        "Apfelstrudel",
    ]
    assert [line.description for line in invoice_lines_compute(lines, language="en")] == ["Cheesecake", "Apfelstrudel"]
    with translation.override("de"):
        assert [line.description for line in invoice_lines_compute(lines)] == ["Käsekuchen", "Apfelstrudel"]


def test_an_issued_invoice_keeps_the_words_of_the_moment_the_order_was_placed(table, cheesecake, customer):
    order = order_place(table=table, quantities={cheesecake.pk: 2}, customer=customer)
    cheesecake.name_en = "Baked cheesecake"  # edited after the order, before the invoice
    cheesecake.save()
    order = order_set_status(order=order, status="paid")
    with translation.override("en"):
        invoice = invoice_issue(order=order, customer=customer)
    assert [line.description for line in invoice.lines.all()] == ["Cheesecake"]
    cheesecake.name_en = "Something else"
    cheesecake.save()
    invoice.refresh_from_db()
    assert [line.description for line in invoice.lines.all()] == ["Cheesecake"]


def test_lines_from_before_the_languages_fall_back_to_their_name(db):
    line = OrderLine(name="Burrata", names={})
    assert line.name_in("fr") == line.name_in(None) == "Burrata"


def test_restaurant_language_choices_are_the_sites_languages():
    field = Restaurant._meta.get_field("language")
    assert [code for code, _label in field.choices] == ["en", "de", "fr"]


# --- The data migration ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_existing_menus_into_each_restaurants_own_language():
    from django.db.migrations.executor import MigrationExecutor

    before = [("orders", "0009_datev_company_accounts")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Company = old_apps.get_model("orders", "Company")
    OldRestaurant = old_apps.get_model("orders", "Restaurant")
    company = Company.objects.create(
        legal_name="Bistro SARL", street="1 rue", postal_code="75001", city="Paris", country="FR", vat_id="FR1"
    )
    made = {}
    for country in ("FR", "AT", "IE"):
        restaurant = OldRestaurant.objects.create(
            company=company,
            name=f"Place {country}",
            street="1",
            postal_code="1",
            city="X",
            country=country,
            email="a@example.com",
        )
        category = old_apps.get_model("orders", "MenuCategory").objects.create(restaurant=restaurant, name="Plats")
        item = old_apps.get_model("orders", "MenuItem").objects.create(
            restaurant=restaurant,
            category=category,
            name="Croque",
            description="Jambon",
            price_cents=900,
            vat_rate=Decimal("10"),
        )
        table = old_apps.get_model("orders", "Table").objects.create(restaurant=restaurant, label="1", token=country)
        order = old_apps.get_model("orders", "Order").objects.create(
            restaurant=restaurant, table=table, currency="EUR", public_token=country, claim_code=country
        )
        line = old_apps.get_model("orders", "OrderLine").objects.create(
            order=order, menu_item=item, name="Croque", unit_price_cents=900, vat_rate=Decimal("10"), quantity=1
        )
        made[country] = (restaurant.pk, category.pk, item.pk, line.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from orders.models import MenuCategory

    for country, language in (("FR", "fr"), ("AT", "de"), ("IE", "en")):
        restaurant_id, category_id, item_id, line_id = made[country]
        assert Restaurant.objects.get(pk=restaurant_id).language == language
        item = MenuItem.objects.get(pk=item_id)
        assert (menu_text_exact(item, "name", language), menu_text_exact(item, "description", language)) == (
            "Croque",
            "Jambon",
        )
        others = [code for code in ("en", "de", "fr") if code != language]
        assert not any(menu_text_exact(item, "name", code) for code in others)
        assert menu_text_exact(MenuCategory.objects.get(pk=category_id), "name", language) == "Plats"
        assert OrderLine.objects.get(pk=line_id).names == {language: "Croque"}


def test_the_customers_order_page_shows_the_lines_in_the_customers_language(
    customer_client, customer, table, cheesecake
):
    order = order_place(table=table, quantities={cheesecake.pk: 1}, customer=customer)
    url = reverse("portal:order_detail", args=[order.pk])
    assert "Gâteau au fromage blanc" in customer_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Cheesecake" in customer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_fallback_text_is_marked_with_its_own_language(client, table, cheesecake, strudel):
    """A French reader gets the German "Apfelstrudel" inside lang="de", so a screen reader says it in German."""
    french = menu_page(client, table, "fr")
    assert 'lang="de">Apfelstrudel</label>' in french
    assert '<h2 lang="de">Kuchen</h2>' in french  # the category has no French name
    assert ">Gâteau au fromage blanc</label>" in french and 'lang="fr">Gâteau' not in french
    assert '<p class="menu-item-desc" lang="de">Nach Omas Rezept</p>' in french
    german = menu_page(client, table, "de")
    assert 'lang="de">Apfelstrudel' not in german and "<h2>Kuchen</h2>" in german


def test_allergen_marks_follow_the_readers_language(client, table, cheesecake):
    """German menus use the customary letters (G = Milch), French ones French abbreviations (LA = lait)."""
    MenuItem.objects.filter(pk=cheesecake.pk).update(allergens="gluten,eggs,milk")
    german, french, english = (menu_page(client, table, code) for code in ("de", "fr", "en"))
    assert '<span aria-hidden="true">G</span><span class="visually-hidden">Milch</span>' in german
    assert '<span aria-hidden="true">A</span><span class="visually-hidden">Enthält: Glutenhaltiges Getreide' in german
    assert '<span aria-hidden="true">LA</span>' in french and '<span aria-hidden="true">OE</span>' in french
    assert '<span aria-hidden="true">MI</span><span class="visually-hidden">Milk</span>' in english


def test_german_staff_type_the_price_and_rate_with_a_comma(client, staff_a, cheesecake, settings):
    settings.STAFF_REQUIRE_MFA = False
    cheesecake.restaurant.staff.add(staff_a)
    staff_force_login(client, staff_a)
    url = reverse("admin:orders_menuitem_change", args=[cheesecake.pk])
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'value="4,50"' in form and 'value="7,00"' in form and "z. B. 12,90" in form
