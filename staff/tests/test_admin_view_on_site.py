"""The admin's "view on site" shortcut answers only for objects the staff member may view there.

Django's own shortcut (``/admin/r/<content type>/<id>/``) redirected any staff
member to any object's public URL: for a table that is the guest URL with its
token, so a rival could collect another restaurant's table tokens.
"""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session

from customers.tests.helpers import staff_force_login
from orders.models import Table
from orders.tests.factories import TableFactory

pytestmark = pytest.mark.django_db


def shortcut(obj_or_model, pk) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(obj_or_model).pk}/{pk}/"


def public_models():
    """Every model in the admin that has a public page (a "view on site" link)."""
    return [model for model in admin.site._registry if hasattr(model, "get_absolute_url")]


def test_every_model_with_a_public_page_is_covered():
    assert public_models() == [Table]


def test_staff_get_their_own_restaurants_table(client, staff_a, restaurant_a):
    table = TableFactory(restaurant=restaurant_a)
    staff_force_login(client, staff_a)
    response = client.get(shortcut(table, table.pk))
    assert response.status_code == 302
    assert response["Location"].endswith(table.get_absolute_url())


def test_staff_get_404_for_another_restaurants_table(client, staff_a, staff_b, restaurant_a, restaurant_b):
    table_b = TableFactory(restaurant=restaurant_b)
    staff_force_login(client, staff_a)
    response = client.get(shortcut(table_b, table_b.pk))
    assert response.status_code == 404
    assert table_b.token not in response.content.decode()
    assert table_b.token not in response.get("Location", "")
    # The other way round as well.
    table_a = TableFactory(restaurant=restaurant_a)
    staff_force_login(client, staff_b)
    assert client.get(shortcut(table_a, table_a.pk)).status_code == 404


def test_superuser_gets_any_table(client, superuser, restaurant_b):
    table = TableFactory(restaurant=restaurant_b)
    staff_force_login(client, superuser)
    assert client.get(shortcut(table, table.pk))["Location"].endswith(table.get_absolute_url())


@pytest.mark.parametrize(
    "path",
    [
        "/admin/r/999999/1/",
        "/admin/r/{table_ct}/999999/",
        "/admin/r/{table_ct}/not-a-number/",
        "/admin/r/{session_ct}/x/",
    ],
)
def test_unknown_or_unlisted_objects_are_404(client, superuser, path):
    table_ct = ContentType.objects.get_for_model(Table).pk
    session_ct = ContentType.objects.get_for_model(Session).pk
    staff_force_login(client, superuser)
    assert client.get(path.format(table_ct=table_ct, session_ct=session_ct)).status_code == 404


def test_customers_get_the_admin_login(client, customer, restaurant_a):
    table = TableFactory(restaurant=restaurant_a)
    client.force_login(customer.user)
    response = client.get(shortcut(table, table.pk))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
