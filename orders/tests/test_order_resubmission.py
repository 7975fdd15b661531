"""A menu form sent twice (double tap, retry on a flaky connection) places one order."""

import re
import threading
import uuid

import pytest
from django.db import IntegrityError, connection
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


def test_a_key_from_another_table_is_not_reused(table, soup):
    key = uuid.uuid4()
    order_place(table=table, quantities={soup.pk: 1}, submission_key=key)
    other = TableFactory(restaurant=table.restaurant)
    with pytest.raises(IntegrityError):  # the unique index refuses; no order is returned
        order_place(table=other, quantities={soup.pk: 1}, submission_key=key)
    assert Order.objects.filter(table=other).count() == 0


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
