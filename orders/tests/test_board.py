"""The staff order board (admin): scoping, status moves, sold-out switch, bill requests, query count."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.tests.factories import CustomerFactory, StaffFactory
from customers.tests.helpers import staff_force_login
from orders.models import Order
from orders.tests.factories import MenuItemFactory, OrderLineFactory, TableFactory, order_with_lines

# CSRF tokens are random letters and digits: "A7" or "B9" turns up in one now and then.
RANDOM_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}")


def without_tokens(html: str) -> str:
    return RANDOM_TOKEN.sub("", html)


BOARD = reverse("admin:orders_order_board")
FRAGMENT = reverse("admin:orders_order_board_fragment")


def move_url(order):
    return reverse("admin:orders_order_move", args=[order.pk])


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def orders(restaurant_a, restaurant_b):
    table_a = TableFactory(restaurant=restaurant_a, label="A7")
    order_a = order_with_lines(restaurant=restaurant_a, table=table_a, note="no onions please")
    OrderLineFactory(order=order_a, name="Margherita", quantity=3)
    order_b = order_with_lines(restaurant=restaurant_b, table__label="B9", note="order-of-b")
    return {"a": order_a, "b": order_b}


def test_board_shows_open_orders_of_own_restaurant_with_dishes_note_and_guest(client, staff_a, orders):
    customer = CustomerFactory(full_name="Ada Lovelace")
    served = order_with_lines(restaurant=orders["a"].restaurant, table=orders["a"].table, status="served")
    served.customer = customer
    served.save()
    order_with_lines(restaurant=orders["a"].restaurant, table__label="PAIDTABLE", status="paid")
    staff_force_login(client, staff_a)
    for url in (BOARD, FRAGMENT):
        html = without_tokens(client.get(url).content.decode())
        assert "Table A7" in html and "3×" in html and "Margherita" in html
        assert "no onions please" in html and "Guest" in html and "Ada Lovelace" in html
        assert "PAIDTABLE" not in html  # paid orders leave the board
        assert "B9" not in html and "order-of-b" not in html
    fragment = client.get(FRAGMENT).content.decode()
    # Columns in the kitchen's order; the served order sits in the third.
    columns = re.split(r'class="board-column board-column-', fragment)[1:]
    assert [c.split('"')[0] for c in columns] == ["placed", "preparing", "served"]
    assert f'data-order="{served.pk}"' in columns[2] and f'data-order="{orders["a"].pk}"' in columns[0]


def test_staff_of_another_restaurant_see_nothing_and_get_404s(client, staff_b, orders):
    staff_force_login(client, staff_b)
    html = without_tokens(client.get(FRAGMENT).content.decode())
    assert "A7" not in html and "no onions" not in html
    order_a = orders["a"]
    assert client.post(move_url(order_a), {"status": "preparing", "from": "placed"}).status_code == 404
    board_move = reverse("admin:orders_order_board_move")
    assert client.post(board_move, {"move": f"{order_a.pk}:placed:preparing"}).status_code == 404
    assert client.post(reverse("admin:orders_order_bill_clear"), {"order": order_a.pk}).status_code == 404
    dish = MenuItemFactory(restaurant=order_a.restaurant)
    assert client.post(reverse("admin:orders_order_board_dish", args=[dish.pk]), {"available": "0"}).status_code == 404
    order_a.refresh_from_db()
    dish.refresh_from_db()
    assert order_a.status == "placed" and dish.is_available


def test_board_needs_a_staff_login(client, orders):
    response = client.get(FRAGMENT)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.post(move_url(orders["a"]), {"status": "preparing"}).status_code == 302
    orders["a"].refresh_from_db()
    assert orders["a"].status == "placed"


def test_one_click_moves_the_order_to_the_next_status(client, staff_a, orders):
    staff_force_login(client, staff_a)
    order = orders["a"]
    response = client.post(move_url(order), {"status": "preparing", "from": "placed"})
    assert response.status_code == 302 and response["Location"] == BOARD
    order.refresh_from_db()
    assert order.status == "preparing" and order.preparing_at is not None
    assert texts(response) == [f"Order #{order.pk} (table A7) is now preparing."]
    assert client.get(move_url(order)).status_code == 405  # only POST moves


def test_board_buttons_share_one_form_and_move_by_value(client, staff_a, orders):
    staff_force_login(client, staff_a)
    order = orders["a"]
    fragment = client.get(FRAGMENT).content.decode()
    assert f'name="move" value="{order.pk}:placed:preparing"' in fragment
    board_move = reverse("admin:orders_order_board_move")
    response = client.post(board_move, {"move": f"{order.pk}:placed:preparing"}, follow=True)
    assert f"Order #{order.pk} (table A7) is now preparing." in response.content.decode()
    response = client.post(board_move, {"move": f"{order.pk}:placed:preparing"}, follow=True)
    assert f"Someone else was faster: order #{order.pk} is already preparing." in response.content.decode()
    for bad in ("", "x:placed:preparing", f"{order.pk}:placed", f"{order.pk}:placed:eaten"):
        response = client.post(board_move, {"move": bad}, follow=True)
        assert "Unknown status: nothing was changed." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "preparing"


def test_an_unchanged_board_is_answered_304_until_an_order_changes(client, staff_a, orders, restaurant_a):
    staff_force_login(client, staff_a)
    first = client.get(FRAGMENT)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    unchanged = client.get(FRAGMENT, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    # A new order, a bill request and a move each change the board.
    new = order_with_lines(restaurant=restaurant_a, table=orders["a"].table)
    changed = client.get(FRAGMENT, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and f'data-order="{new.pk}"' in changed.content.decode()
    etag = changed["ETag"]
    client.post(reverse("orders:bill_request", args=[new.public_token]))
    after_bill = client.get(FRAGMENT, headers={"If-None-Match": etag})
    assert after_bill.status_code == 200 and f'data-bill="{new.pk}"' in after_bill.content.decode()
    # Another restaurant's orders do not wake this board.
    etag = after_bill["ETag"]
    order_with_lines(restaurant=orders["b"].restaurant, table=orders["b"].table)
    assert client.get(FRAGMENT, headers={"If-None-Match": etag}).status_code == 304


def test_the_slower_of_two_staff_gets_a_message_and_nothing_changes(client, staff_a, restaurant_a, orders):
    colleague = StaffFactory(restaurants=[restaurant_a])
    order = orders["a"]
    other_tablet = Client()
    staff_force_login(other_tablet, colleague)
    other_tablet.post(move_url(order), {"status": "preparing", "from": "placed"})
    order.refresh_from_db()
    stamped = order.preparing_at
    # Staff A's board still showed the order as placed.
    staff_force_login(client, staff_a)
    response = client.post(move_url(order), {"status": "preparing", "from": "placed"})
    assert texts(response) == [f"Someone else was faster: order #{order.pk} is already preparing."]
    order.refresh_from_db()
    assert order.status == "preparing" and order.preparing_at == stamped


def test_bad_status_input_changes_nothing(client, staff_a, orders):
    staff_force_login(client, staff_a)
    order = orders["a"]
    for data in ({"status": "eaten"}, {"status": "preparing", "from": "nonsense"}, {}):
        response = client.post(move_url(order), data, follow=True)
        assert "Unknown status: nothing was changed." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "placed"


def test_a_move_the_status_machine_forbids_is_refused(client, staff_a, orders):
    staff_force_login(client, staff_a)
    order = orders["a"]
    client.post(move_url(order), {"status": "cancelled"}, follow=True)
    response = client.post(move_url(order), {"status": "paid"}, follow=True)
    assert f"Order #{order.pk} is cancelled and cannot become paid." in response.content.decode()
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_sold_out_toggle_hides_the_dish_from_the_guest_menu_at_once(client, staff_a, restaurant_a):
    table = TableFactory(restaurant=restaurant_a)
    dish = MenuItemFactory(restaurant=restaurant_a, name="Tiramisu")
    assert "Tiramisu" in client.get(table.get_absolute_url()).content.decode()  # now cached
    staff_force_login(client, staff_a)
    assert "Tiramisu" in client.get(BOARD).content.decode()
    toggle = reverse("admin:orders_order_board_dish", args=[dish.pk])
    response = client.post(toggle, {"available": "0"}, follow=True)
    assert "Tiramisu is sold out: guests no longer see it." in response.content.decode()
    client.logout()
    assert "Tiramisu" not in client.get(table.get_absolute_url()).content.decode()
    staff_force_login(client, staff_a)
    client.post(toggle, {"available": "1"})
    client.logout()
    assert "Tiramisu" in client.get(table.get_absolute_url()).content.decode()
    staff_force_login(client, staff_a)
    response = client.post(toggle, {"available": "maybe"}, follow=True)
    assert "Unknown choice: nothing was changed." in response.content.decode()
    dish.refresh_from_db()
    assert dish.is_available


def test_guest_asks_for_the_bill_once_and_staff_clear_it(client, staff_a, orders):
    order = orders["a"]
    confirmation = reverse("orders:confirmation", args=[order.public_token])
    assert "Ask for the bill" in client.get(confirmation).content.decode()
    ask = reverse("orders:bill_request", args=[order.public_token])
    response = client.post(ask)
    assert response.status_code == 302 and response["Location"] == confirmation
    order.refresh_from_db()
    first = order.bill_requested_at
    assert first is not None
    client.post(ask)  # idempotent: the first press counts
    order.refresh_from_db()
    assert order.bill_requested_at == first
    assert "The staff know you would like the bill." in client.get(confirmation).content.decode()
    assert client.get(ask).status_code == 405

    staff_force_login(client, staff_a)
    fragment = client.get(FRAGMENT).content.decode()
    assert "Asking for the bill" in fragment and f'data-bill="{order.pk}"' in fragment
    client.post(reverse("admin:orders_order_bill_clear"), {"order": order.pk})
    order.refresh_from_db()
    assert order.bill_requested_at is None
    assert "Asking for the bill" not in client.get(FRAGMENT).content.decode()


def test_bill_request_is_refused_for_settled_orders_and_unknown_tokens(client, orders):
    order = orders["a"]
    Order.objects.filter(pk=order.pk).update(status="paid")
    response = client.post(reverse("orders:bill_request", args=[order.public_token]), follow=True)
    assert "This order is already settled." in response.content.decode()
    order.refresh_from_db()
    assert order.bill_requested_at is None
    assert client.post(reverse("orders:bill_request", args=["x" * 22])).status_code == 404


def test_bill_requests_are_rate_limited(client, orders):
    ask = reverse("orders:bill_request", args=[orders["a"].public_token])
    statuses = [client.post(ask).status_code for _ in range(7)]
    assert statuses[:5] == [302] * 5 and statuses[-1] == 429


def test_order_page_offers_only_the_allowed_moves_and_no_save(client, staff_a, orders):
    staff_force_login(client, staff_a)
    order = orders["a"]
    change = reverse("admin:orders_order_change", args=[order.pk])
    html = client.get(change).content.decode()
    for label in ("Mark preparing", "Mark served", "Mark paid", "Cancel order"):
        assert label in html
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    response = client.post(move_url(order), {"status": "served", "from": "placed", "next": "change"})
    assert response["Location"] == change
    html = client.get(change).content.decode()
    assert "Mark preparing" not in html and "Mark served" not in html
    assert "Mark paid" in html and "Cancel order" in html
    client.post(move_url(order), {"status": "paid", "from": "served", "next": "change"})
    html = client.get(change).content.decode()
    assert "Mark paid" not in html and "can no longer change" in html
    # The frozen fields are shown, not editable.
    assert 'name="note"' not in html and "no onions please" in html


def test_fragment_query_count_is_constant_with_200_open_orders(client, staff_a, restaurant_a):
    table = TableFactory(restaurant=restaurant_a)
    customer = CustomerFactory()

    def add(count):
        for n in range(count):
            order = order_with_lines(
                restaurant=restaurant_a,
                table=table,
                status=["placed", "preparing", "served"][n % 3],
                customer=customer if n % 2 else None,
            )
            if n % 5 == 0:
                Order.objects.filter(pk=order.pk).update(bill_requested_at=order.placed_at)

    staff_force_login(client, staff_a)
    add(3)
    client.get(FRAGMENT)  # warm up (permissions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(FRAGMENT).status_code == 200
    add(197)
    with CaptureQueriesContext(connection) as many:
        response = client.get(FRAGMENT)
    assert response.content.decode().count('data-testid="board-card"') == 200
    assert len(many) == len(few) <= 8, [q["sql"] for q in many.captured_queries]
