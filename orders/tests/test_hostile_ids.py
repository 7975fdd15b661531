"""Ids and labels with digits that are not ASCII ("²" is a digit to ``str.isdigit()`` but not to ``int()``).

Each of these answered 500 before; now an unknown id is a 404 or a message, and nothing changes.
"""

import pytest
from django.urls import reverse

from common.urlinput import id_from
from customers.tests.helpers import staff_force_login
from orders.admin import natural_key
from orders.models import Order
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db

HOSTILE = ["²", "1²", "٣", " ", "-1", "1e3", "9" * 19, "1 2"]


@pytest.mark.parametrize("value", HOSTILE)
def test_id_from_takes_ascii_digits_only(value):
    assert id_from(value) is None


def test_id_from_reads_an_id():
    assert id_from(" 42 ") == 42


@pytest.mark.parametrize("label", ["²", "T1²", "T²1", "Tisch 3", "١٢"])
def test_table_labels_with_unusual_digits_sort_without_error(label):
    assert sorted([label, "T2", "T10"], key=natural_key)


def test_staff_board_buttons_with_a_hostile_order_id_change_nothing(client, staff_a, restaurant_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    order = order_with_lines(restaurant=restaurant_a, table=TableFactory(restaurant=restaurant_a))
    staff_force_login(client, staff_a)
    moved = client.post(reverse("admin:orders_order_board_move"), {"move": "²:placed:served"}, follow=True)
    assert moved.status_code == 200 and "Unknown status: nothing was changed." in moved.content.decode()
    assert client.post(reverse("admin:orders_order_bill_clear"), {"order": "²"}).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


def test_the_table_bill_ignores_a_hostile_order_id(client, staff_a, restaurant_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    table = TableFactory(restaurant=restaurant_a)
    order = order_with_lines(restaurant=restaurant_a, table=table)
    staff_force_login(client, staff_a)
    for orders in ("²", f"{order.pk},²", "1, ²"):
        page = client.get(f"/admin/orders/payment/table/{table.pk}/", {"orders": orders})
        assert page.status_code == 200, orders


def test_the_table_list_survives_a_label_with_a_superscript(client, staff_a, restaurant_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    table = TableFactory(restaurant=restaurant_a, label="T1²")
    order_with_lines(restaurant=restaurant_a, table=table)
    staff_force_login(client, staff_a)
    assert client.get(reverse("admin:orders_payment_tables")).status_code == 200


def test_the_accounting_export_with_a_hostile_company_id_is_404(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    staff_force_login(client, staff_a)
    assert client.get(reverse("admin:invoices_invoice_accounting_export"), {"company": "²"}).status_code == 404
