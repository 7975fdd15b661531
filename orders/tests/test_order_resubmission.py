"""A menu form sent twice (double tap, retry on a flaky connection) places one order."""

import re
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from orders.models import Order
from orders.services import order_place
from orders.tests.factories import MenuItemFactory, TableFactory


@pytest.fixture
def table(db):
    return TableFactory(label="4")


@pytest.fixture
def soup(table):
    return MenuItemFactory(restaurant=table.restaurant, name="Soup", price_cents=590)


def form_key(html: str) -> str:
    return re.search(r'name="submission" value="([0-9a-f-]{36})"', html).group(1)


def test_sending_the_same_form_twice_places_one_order(client, table, soup):
    key = form_key(client.get(reverse("orders:menu", args=[table.token])).content.decode())
    data = {f"qty_{soup.pk}": "2", "submission": key}
    first = client.post(reverse("orders:order_create", args=[table.token]), data)
    second = client.post(reverse("orders:order_create", args=[table.token]), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    assert client.session["guest_order_ids"] == [Order.objects.get().pk]


def test_each_page_view_gets_a_new_key_and_a_rerender_keeps_its_key(client, table, soup):
    menu = reverse("orders:menu", args=[table.token])
    first, second = (form_key(client.get(menu).content.decode()) for _ in range(2))
    assert first != second
    rejected = client.post(
        reverse("orders:order_create", args=[table.token]), {f"qty_{soup.pk}": "0", "submission": first}
    )
    assert rejected.status_code == 400
    assert form_key(rejected.content.decode()) == first
    # Nothing was placed with it, so the corrected form goes through with the same key.
    ok = client.post(reverse("orders:order_create", args=[table.token]), {f"qty_{soup.pk}": "1", "submission": first})
    assert ok.status_code == 302 and Order.objects.count() == 1


def test_orders_without_a_key_and_with_different_keys_are_separate(table, soup):
    order_place(table=table, quantities={soup.pk: 1})
    order_place(table=table, quantities={soup.pk: 1})
    order_place(table=table, quantities={soup.pk: 1}, submission_key=uuid.uuid4())
    order_place(table=table, quantities={soup.pk: 1}, submission_key=uuid.uuid4())
    assert Order.objects.count() == 4


def test_a_key_from_another_table_places_a_separate_order(table, soup):
    key = uuid.uuid4()
    first = order_place(table=table, quantities={soup.pk: 1}, submission_key=key)
    other = TableFactory(restaurant=table.restaurant)
    second = order_place(table=other, quantities={soup.pk: 1}, submission_key=key)
    assert second.pk != first.pk and second.table == other and second.submission_key is None


def test_the_same_form_sent_again_with_other_dishes_is_a_new_order(client, table, soup):
    # Back to the menu (an old copy of the page), add cake, send again: the cake must reach the kitchen.
    cake = MenuItemFactory(restaurant=table.restaurant, name="Cake", price_cents=450)
    key = form_key(client.get(reverse("orders:menu", args=[table.token])).content.decode())
    url = reverse("orders:order_create", args=[table.token])
    first = client.post(url, {f"qty_{soup.pk}": "1", "submission": key})
    second = client.post(url, {f"qty_{soup.pk}": "1", f"qty_{cake.pk}": "1", "submission": key})
    assert first["Location"] != second["Location"]
    assert Order.objects.count() == 2
    assert Order.objects.order_by("-pk").first().lines.get(menu_item=cake).quantity == 1
    # A changed note alone is a different order too.
    third = client.post(url, {f"qty_{soup.pk}": "1", "note": "no onions", "submission": key})
    assert third["Location"] not in (first["Location"], second["Location"])


def test_the_menu_page_is_never_cached(client, table, soup):
    response = client.get(reverse("orders:menu", args=[table.token]))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_form_place_one_order():
    table = TableFactory()
    soup = MenuItemFactory(restaurant=table.restaurant)
    key = uuid.uuid4()
    barrier = threading.Barrier(6)
    results = []

    def send():
        try:
            barrier.wait(5)
            results.append(order_place(table=table, quantities={soup.pk: 1}, submission_key=key).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Order.objects.count() == 1
    assert results == [Order.objects.get().pk] * 6
