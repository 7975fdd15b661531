import pytest
from django.urls import reverse

from customers.tests.helpers import staff_force_login

pytestmark = pytest.mark.django_db


def test_staff_find_the_board_table_bills_and_takings_on_the_admin_index(client, staff_a):
    staff_force_login(client, staff_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for url in (
        reverse("admin:orders_order_board"),
        reverse("admin:orders_payment_tables"),
        reverse("admin:orders_restaurant_changelist"),
    ):
        assert f'href="{url}"' in html
    for url in (reverse("admin:orders_order_board"), reverse("admin:orders_payment_tables")):
        assert client.get(url).status_code == 200


def test_a_staff_member_without_order_rights_sees_no_service_links(client, db):
    from customers.tests.factories import UserFactory

    clerk = UserFactory(is_staff=True)
    staff_force_login(client, clerk)
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:orders_order_board") not in html
