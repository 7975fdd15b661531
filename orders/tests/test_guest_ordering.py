from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory


@pytest.fixture
def table(db):
    return TableFactory(label="7", restaurant__name="Café Müller & Søn")


@pytest.fixture
def soup(table):
    return MenuItemFactory(restaurant=table.restaurant, name="Soup", price_cents=590, vat_rate=Decimal("7"))


@pytest.fixture
def lemonade(table):
    return MenuItemFactory(
        restaurant=table.restaurant, name="Lemonade", price_cents=490, vat_rate=Decimal("19"), category__name="Drinks"
    )


def menu_url(table):
    return reverse("orders:menu", args=[table.token])


def order_url(table):
    return reverse("orders:order_create", args=[table.token])


def test_menu_page_shows_restaurant_table_and_items(client, table, soup, lemonade):
    hidden = MenuItemFactory(restaurant=table.restaurant, name="Secret special", is_available=False)
    response = client.get(menu_url(table))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Café Müller &amp; Søn" in html
    assert "Table <strong" in html and ">7<" in html
    assert "Soup" in html and "€5.90" in html
    assert "Lemonade" in html and "Drinks" in html
    assert hidden.name not in html
    assert f'name="qty_{soup.pk}"' in html


def test_menu_page_query_count_does_not_grow_with_the_menu(client, table, soup, django_assert_max_num_queries):
    for _ in range(30):
        MenuItemFactory(restaurant=table.restaurant)
    with django_assert_max_num_queries(4):
        assert client.get(menu_url(table)).status_code == 200


@pytest.mark.parametrize("token", ["does-not-exist", "x" * 43])
def test_unknown_token_is_a_friendly_404(client, db, token):
    response = client.get(reverse("orders:menu", args=[token]))
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


@pytest.mark.parametrize("token", ["x" * 65, "a.b", "%E2%80%AEevil", "a%20b", "a%00b"])
def test_a_token_outside_the_token_alphabet_is_a_404_before_any_query(client, db, django_assert_num_queries, token):
    with django_assert_num_queries(0):
        assert client.get(f"/menu/{token}/").status_code == 404
        assert client.post(f"/menu/{token}/order", {"note": "x"}).status_code == 404
        assert client.get(f"/order/{token}/").status_code == 404


def test_unknown_token_is_friendly_even_in_the_debug_demo(client, db, settings):
    settings.DEBUG = True
    for url in [reverse("orders:menu", args=["gone"]), reverse("orders:confirmation", args=["gone"])]:
        response = client.get(url)
        assert response.status_code == 404
        assert "find that page" in response.content.decode()


def test_inactive_or_rotated_table_is_404(client, table, soup):
    old_url = menu_url(table)
    table.rotate_token()
    assert client.get(old_url).status_code == 404
    assert client.get(menu_url(table)).status_code == 200
    table.is_active = False
    table.save()
    assert client.get(menu_url(table)).status_code == 404
    assert client.post(order_url(table), {f"qty_{soup.pk}": 1}).status_code == 404
    assert not Order.objects.exists()


def test_guest_places_an_order_and_sees_the_confirmation(client, table, soup, lemonade):
    response = client.post(order_url(table), {f"qty_{soup.pk}": "2", f"qty_{lemonade.pk}": "1", "note": "No croutons"})
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:confirmation", args=[order.public_token])
    assert order.total_cents == 2 * 590 + 490
    assert order.customer is None
    assert order.table == table
    assert client.session["guest_order_ids"] == [order.pk]

    page = client.get(response["Location"]).content.decode()
    assert "€16.70" in page
    assert "2×" in page and "Soup" in page and "Lemonade" in page
    assert "No croutons" in page
    assert order.claim_code_display in page
    assert "Placed" in page


def test_prices_always_come_from_the_database(client, table, soup):
    client.post(order_url(table), {f"qty_{soup.pk}": "1"})
    assert Order.objects.get().total_cents == 590


@pytest.mark.parametrize(
    "extra, message",
    [
        ({}, "Your order is empty"),
        ({"qty": 0}, "Your order is empty"),
        ({"qty": -2}, "Quantities cannot be negative."),
        ({"qty": 500}, "At most 20 per item."),
        ({"qty": "two"}, "Enter a whole number."),
        ({"qty": 1, "price_soup": "1"}, "prices are set by the restaurant"),
        ({"qty": 1, "unit_price_cents": "1"}, "prices are set by the restaurant"),
        ({"qty": 1, "note": "x" * 501}, "at most 500 characters"),
    ],
)
def test_bad_input_rerenders_with_a_message_and_saves_nothing(client, table, soup, extra, message):
    data = {}
    if "qty" in extra:
        data[f"qty_{soup.pk}"] = extra.pop("qty")
    data.update(extra)
    response = client.post(order_url(table), data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Order.objects.exists()


def test_item_of_another_restaurant_is_refused(client, table, soup):
    foreign = MenuItemFactory(name="Foreign dish")
    response = client.post(order_url(table), {f"qty_{soup.pk}": 1, f"qty_{foreign.pk}": 1})
    assert response.status_code == 400
    assert "not on this restaurant&#x27;s menu" in response.content.decode()
    assert not Order.objects.exists()


def test_item_that_became_unavailable_is_refused(client, table, soup, lemonade):
    client.get(menu_url(table))
    lemonade.is_available = False
    lemonade.save()
    response = client.post(order_url(table), {f"qty_{soup.pk}": 1, f"qty_{lemonade.pk}": 1})
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()
    assert not Order.objects.exists()


def test_one_guest_at_a_table_is_rate_limited_with_a_readable_429(client, table, soup):
    guest = {"REMOTE_ADDR": "198.51.100.1"}
    for _ in range(20):
        assert client.post(order_url(table), {f"qty_{soup.pk}": 1}, **guest).status_code == 302
    response = client.post(order_url(table), {f"qty_{soup.pk}": 1}, **guest)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Order.objects.count() == 20
    # Whoever floods a table (say, with a URL kept from an earlier visit) does not
    # lock out the guests sitting there now, nor their own other tables' limits.
    assert client.post(order_url(table), {f"qty_{soup.pk}": 1}, REMOTE_ADDR="198.51.100.2").status_code == 302
    other_table = TableFactory(restaurant=table.restaurant)
    assert client.post(order_url(other_table), {f"qty_{soup.pk}": 1}, **guest).status_code == 302


def test_one_address_is_rate_limited_across_tables(client, table, soup, settings):
    settings.ORDER_RATE_PER_IP = "12/h"
    tables = [table] + [TableFactory(restaurant=table.restaurant) for _ in range(3)]
    for n in range(12):
        assert client.post(order_url(tables[n % 4]), {f"qty_{soup.pk}": 1}).status_code == 302
    assert client.post(order_url(tables[0]), {f"qty_{soup.pk}": 1}).status_code == 429
    assert client.post(order_url(tables[1]), {f"qty_{soup.pk}": 1}, REMOTE_ADDR="203.0.113.7").status_code == 302


def test_default_limits_leave_room_for_a_busy_restaurant_on_one_wifi(settings):
    # 120 orders a minute from one public address; 20 a minute from one table.
    assert settings.ORDER_RATE_PER_IP == "120/m"
    assert settings.ORDER_RATE_PER_TABLE == "20/m"


def test_confirmation_of_unknown_order_is_404(client, db):
    assert client.get(reverse("orders:confirmation", args=["nope"])).status_code == 404


def test_menu_is_served_from_the_cache_until_it_changes(client, table, soup, django_assert_num_queries):
    assert "€5.90" in client.get(menu_url(table)).content.decode()
    with django_assert_num_queries(1):  # the table; the menu comes from the cache
        html = client.get(menu_url(table)).content.decode()
    assert "Soup" in html

    soup.price_cents = 650
    soup.save()
    html = client.get(menu_url(table)).content.decode()
    assert "€6.50" in html and "€5.90" not in html

    soup.is_available = False
    soup.save()
    assert "Soup" not in client.get(menu_url(table)).content.decode()

    other_table = TableFactory()
    MenuItemFactory(restaurant=other_table.restaurant, name="Other menu only")
    assert "Other menu only" not in client.get(menu_url(table)).content.decode()
    assert "Other menu only" in client.get(menu_url(other_table)).content.decode()


def test_rerendered_menu_keeps_the_guests_quantities_and_marks_errors(client, table, soup, lemonade):
    response = client.post(order_url(table), {f"qty_{soup.pk}": "2", f"qty_{lemonade.pk}": "99", "note": "window seat"})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'name="qty_{soup.pk}" id="id_qty_{soup.pk}"' in html and 'value="2"' in html
    assert "At most 20 per item." in html and "has-error" in html
    assert "window seat" in html


def test_a_category_moved_to_another_restaurant_does_not_bring_its_dishes(client, table, soup):
    other = TableFactory()
    soup.category.restaurant = other.restaurant
    soup.category.save()
    # The dish still belongs to the first restaurant; it must not show up on the other menu.
    assert "Soup" not in client.get(menu_url(other)).content.decode()
