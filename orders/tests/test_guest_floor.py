"""Issue 14 on the guest side: allergens, the confirmation's live status, the front page (server side)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.helpers import staff_force_login
from orders.allergens import ALLERGENS
from orders.models import MenuItem, Order
from orders.services import order_set_status
from orders.tests.factories import MenuCategoryFactory, MenuItemFactory, TableFactory, order_with_lines


@pytest.fixture
def table(db):
    return TableFactory(label="7", restaurant__name="Café Müller")


def menu_url(table):
    return reverse("orders:menu", args=[table.token])


def dish_marks(html: str, name: str) -> str:
    """The menu entry of one dish, from its name to the end of its <li>."""
    start = html.index(f">{name}</label>")
    return html[start : html.index("</li>\n", html.index('class="qty"', start))]


# --- Allergens on the menu ---------------------------------------------------------------


def test_menu_shows_each_dishs_allergens_and_diet_marks_with_text_and_a_legend(client, table):
    MenuItemFactory(restaurant=table.restaurant, name="Burrata", allergens="milk", is_vegetarian=True)
    MenuItemFactory(restaurant=table.restaurant, name="Bruschetta", allergens="gluten,sesame", is_vegan=True)
    MenuItemFactory(restaurant=table.restaurant, name="Water")
    html = client.get(menu_url(table)).content.decode()

    burrata = dish_marks(html, "Burrata")
    assert '<span aria-hidden="true">V</span><span class="visually-hidden">Vegetarian</span>' in burrata
    assert '<span aria-hidden="true">MI</span><span class="visually-hidden">Contains: Milk</span>' in burrata
    bruschetta = dish_marks(html, "Bruschetta")
    assert "Vegan" in bruschetta and ">V<" not in bruschetta  # vegan is the stronger mark, shown alone
    # Annex II order: gluten before sesame.
    assert bruschetta.index("Cereals containing gluten") < bruschetta.index("Sesame seeds")
    assert 'data-testid="dish-marks"' not in dish_marks(html, "Water")

    legend = html[html.index('data-testid="allergen-legend"') :]
    for allergen in ALLERGENS:
        assert f"<dt>{allergen.mark}</dt><dd>{allergen.label}</dd>" in legend
    assert "<dt>V</dt><dd>Vegetarian</dd>" in legend and "<dt>VG</dt><dd>Vegan</dd>" in legend
    assert len({allergen.mark for allergen in ALLERGENS}) == 14 == len(ALLERGENS)


def test_changing_a_dishs_allergens_retires_the_cached_menu(client, table, django_assert_num_queries):
    soup = MenuItemFactory(restaurant=table.restaurant, name="Soup")
    assert "Celery" not in dish_marks(client.get(menu_url(table)).content.decode(), "Soup")
    with django_assert_num_queries(1):  # the table; the menu comes from the cache
        client.get(menu_url(table))
    soup.allergens = "celery"
    soup.is_vegetarian = True
    soup.save()
    marks = dish_marks(client.get(menu_url(table)).content.decode(), "Soup")
    assert "Contains: Celery" in marks and "Vegetarian" in marks


def test_menu_query_count_is_unchanged_with_allergens(client, table, django_assert_max_num_queries):
    for n in range(30):
        MenuItemFactory(restaurant=table.restaurant, allergens="gluten,milk,nuts", is_vegan=n % 2 == 0)
    with django_assert_max_num_queries(4):
        assert client.get(menu_url(table)).status_code == 200


# --- Allergens in the admin -----------------------------------------------------------


def test_staff_tick_allergens_and_diet_marks_on_labelled_checkboxes(client, staff_a, restaurant_a):
    category = MenuCategoryFactory(restaurant=restaurant_a)
    staff_force_login(client, staff_a)
    add_url = reverse("admin:orders_menuitem_add")
    page = client.get(add_url).content.decode()
    for index, allergen in enumerate(ALLERGENS):
        checkbox = f'<input type="checkbox" name="allergen_codes" value="{allergen.code}"'
        assert checkbox in page
        assert re.search(
            rf'<label for="id_allergen_codes_{index}">\s*{checkbox}[^>]*>\s*{allergen.label}</label>', page
        )
    assert '<label class="vCheckboxLabel" for="id_is_vegan">Vegan</label>' in page

    form = {
        "restaurant": restaurant_a.pk,
        "category": category.pk,
        "name_de": "Pesto pasta",
        "vat_rate": "7",
        "position": 0,
        "price": "12.90",
        "allergen_codes": ["nuts", "gluten", "milk"],
        "is_vegan": "on",
    }
    assert client.post(add_url, form).status_code == 302
    item = MenuItem.objects.get(name_de="Pesto pasta")
    assert item.allergens == "gluten,milk,nuts"  # stored in Annex II order
    assert item.is_vegan and item.is_vegetarian  # a vegan dish is vegetarian too
    assert item.price_cents == 1290

    change_url = reverse("admin:orders_menuitem_change", args=[item.pk])
    page = client.get(change_url).content.decode()
    assert re.search(r'value="milk"[^>]*checked', page) and not re.search(r'value="eggs"[^>]*checked', page)
    # Unticking every box clears them; an unknown code is refused and changes nothing.
    response = client.post(change_url, {**form, "allergen_codes": ["gluten", "arsenic"]})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    item.refresh_from_db()
    assert item.allergens == "gluten,milk,nuts"
    client.post(change_url, {k: v for k, v in form.items() if k not in ("allergen_codes", "is_vegan")})
    item.refresh_from_db()
    assert item.allergens == "" and not item.is_vegan


def test_the_menu_item_list_shows_prices_as_on_the_card_and_no_cents_field(client, staff_a, restaurant_a):
    MenuItemFactory(restaurant=restaurant_a, name="Tiramisu", price_cents=1290)
    staff_force_login(client, staff_a)
    html = client.get(reverse("admin:orders_menuitem_changelist")).content.decode()
    assert "€12.90" in html
    assert "price_cents" not in html and "1290" not in html


# --- Menu errors -----------------------------------------------------------------------


def test_a_bad_quantity_is_marked_invalid_and_described_by_its_error(client, table):
    soup = MenuItemFactory(restaurant=table.restaurant, name="Soup")
    html = client.post(reverse("orders:order_create", args=[table.token]), {f"qty_{soup.pk}": "-1"}).content.decode()
    field = re.search(rf'<input type="number" name="qty_{soup.pk}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1)
    assert f'<div id="{described_by}"><p class="field-error">Quantities cannot be negative.</p></div>' in html
    fresh = client.get(menu_url(table)).content.decode()
    assert "aria-invalid" not in fresh and "aria-describedby" not in re.search(r'<input type="number"[^>]*>', fresh)[0]


# --- Confirmation: tracker and live status ----------------------------------------------


@pytest.mark.parametrize(
    "status, states",
    [
        ("placed", ["current", "todo", "todo", "todo"]),
        ("preparing", ["done", "current", "todo", "todo"]),
        ("served", ["done", "done", "current", "todo"]),
        ("paid", ["done", "done", "done", "current"]),
        ("cancelled", ["todo", "todo", "todo", "todo"]),
    ],
)
def test_tracker_marks_every_step_up_to_the_current_one(client, table, status, states):
    order = order_with_lines(restaurant=table.restaurant, table=table)
    Order.objects.filter(pk=order.pk).update(status=status)
    html = client.get(reverse("orders:confirmation", args=[order.public_token])).content.decode()
    assert re.findall(r'<li class="(\w+)" data-step', html) == states
    assert html.count('aria-current="step"') == states.count("current")
    data = client.get(reverse("orders:confirmation_status", args=[order.public_token])).json()
    assert data["steps"] == states and data["status"] == status
    assert data["final"] is (status in ("paid", "cancelled"))


def test_confirmation_has_a_live_status_and_a_refresh_button_but_no_meta_refresh(client, table):
    order = order_with_lines(restaurant=table.restaurant, table=table)
    url = reverse("orders:confirmation", args=[order.public_token])
    html = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert re.search(r'<p class="status-line" role="status">Status: <span [^>]*>Placed</span>', html)
    assert f'<form method="get" action="{url}" class="status-refresh" data-refresh-fallback>' in html
    assert f'data-order-status-url="{reverse("orders:confirmation_status", args=[order.public_token])}"' in html
    order_set_status(order=order, status=Order.Status.CANCELLED)
    html = client.get(url).content.decode()
    assert "data-refresh-fallback" not in html and "data-order-status-url" not in html


def test_status_poll_is_one_query_and_unknown_orders_are_404(client, table, django_assert_num_queries):
    order = order_with_lines(restaurant=table.restaurant, table=table)
    url = reverse("orders:confirmation_status", args=[order.public_token])
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.json() == {
        "status": "placed",
        "label": "Placed",
        "final": False,
        "steps": ["current", "todo", "todo", "todo"],
    }
    assert "no-cache" in response["Cache-Control"]
    assert client.get(reverse("orders:confirmation_status", args=["nope"])).status_code == 404
    assert client.post(url).status_code == 405


def test_flash_messages_keep_their_list_inside_a_status_region(client, table):
    soup = MenuItemFactory(restaurant=table.restaurant, price_cents=500, vat_rate=Decimal("7"))
    response = client.post(reverse("orders:order_create", args=[table.token]), {f"qty_{soup.pk}": "1"}, follow=True)
    html = response.content.decode()
    assert re.search(
        r'<div class="messages-region" role="status">\s*<ul class="messages">\s*<li class="message message-success">',
        html,
    )
    assert '<ul class="messages" role=' not in html


# --- Front door -----------------------------------------------------------------------------


def test_the_front_page_says_what_this_is_and_links_sign_in_register_and_staff(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Order from your table</h1>" in html
    assert "Scan the QR code on your table" in html
    for url in (reverse("account_login"), reverse("account_signup"), reverse("admin:index")):
        assert f'href="{url}"' in html
    assert '<a class="brand" href="/">' in html
    assert re.search(r'<meta name="description" content="Order from your restaurant table[^"]+">', html)
    assert client.post("/").status_code == 405


def test_meta_descriptions_on_the_guest_pages(client, table):
    MenuItemFactory(restaurant=table.restaurant)
    order = order_with_lines(restaurant=table.restaurant, table=table)
    menu = client.get(menu_url(table)).content.decode()
    confirmation = client.get(reverse("orders:confirmation", args=[order.public_token])).content.decode()
    assert '<meta name="description" content="The menu of Café Müller: choose dishes' in menu
    assert '<meta name="description" content="Your order at Café Müller: its status' in confirmation


def test_not_found_and_too_many_attempts_link_to_the_front_page(client, table, settings):
    not_found = client.get("/menu/no-such-table/")
    assert not_found.status_code == 404
    assert '<a class="button" href="/">Go to the front page</a>' in not_found.content.decode()
    settings.ORDER_RATE_PER_TABLE = "1/h"
    url = reverse("orders:order_create", args=[table.token])
    client.post(url, {"note": "x"})
    limited = client.post(url, {"note": "x"})
    assert limited.status_code == 429
    assert '<a class="button" href="/">Go to the front page</a>' in limited.content.decode()


def test_the_admins_view_site_link_leads_to_the_front_page(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    staff_force_login(client, staff_a)
    html = client.get(reverse("admin:index")).content.decode()
    assert '<a href="/">View site</a>' in html
