"""Two staff tap "next" on the same card at the same moment: real HTTP requests, real row locks.

Run with DATABASE_URL=postgres://... (skipped on SQLite, which has no row locks).
"""

import threading
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

from customers.tests.factories import StaffFactory
from customers.tests.helpers import staff_force_login
from orders.models import Order
from orders.services import StatusChanged, order_set_status
from orders.tests.factories import order_with_lines

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_cookie(user) -> str:
    client = Client()
    staff_force_login(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_two_staff_move_one_order_at_once_one_wins_the_other_is_told(live_server, restaurant_a):
    order = order_with_lines(restaurant=restaurant_a, table__label="T5")
    staff = [StaffFactory(restaurants=[restaurant_a]) for _ in range(2)]
    sessions = [session_cookie(user) for user in staff]
    path = reverse("admin:orders_order_move", args=[order.pk])
    board = reverse("admin:orders_order_board")
    barrier = threading.Barrier(2)
    pages: list = [None, None]
    opener = urllib.request.build_opener(NoRedirect)

    def tap(index):
        csrf = _get_new_csrf_string()
        cookies = f"{settings.SESSION_COOKIE_NAME}={sessions[index]}; {settings.CSRF_COOKIE_NAME}={csrf}"
        request = urllib.request.Request(
            live_server.url + path,
            data=b"status=preparing&from=placed",
            method="POST",
            headers={"Cookie": cookies, "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"},
        )
        barrier.wait(30)
        try:
            opener.open(request, timeout=60)
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302 and redirect.headers["Location"] == board
            # The flash message travels in a cookie; the board shows it.
            flash = "; ".join(c.split(";")[0] for c in redirect.headers.get_all("Set-Cookie") or [])
            follow = urllib.request.Request(live_server.url + board, headers={"Cookie": f"{cookies}; {flash}"})
            pages[index] = opener.open(follow, timeout=60).read().decode()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)

    won = f"Order #{order.pk} (table T5) is now preparing."
    lost = f"Someone else was faster: order #{order.pk} is already preparing."
    assert sorted((won in page, lost in page) for page in pages) == [(False, True), (True, False)]
    order.refresh_from_db()
    assert order.status == Order.Status.PREPARING


def test_the_service_lets_exactly_one_of_two_connections_move_the_order(restaurant_a):
    order = order_with_lines(restaurant=restaurant_a)
    barrier = threading.Barrier(2)
    outcomes: list = []

    def move(status):
        from django.db import connection

        try:
            barrier.wait(30)
            order_set_status(order=order, status=status, expected_status=Order.Status.PLACED)
            outcomes.append(("moved", status))
        except StatusChanged:
            outcomes.append(("refused", status))
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(s,)) for s in (Order.Status.PREPARING, Order.Status.CANCELLED)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(kind for kind, _ in outcomes) == ["moved", "refused"]
    winner = next(status for kind, status in outcomes if kind == "moved")
    order.refresh_from_db()
    assert order.status == winner
