"""Text that reaches a menu, an order or an invoice refuses invisible direction controls.

U+202E before "live" makes a PDF print "evil"; the same validator
(``common.text.validate_document_text``) guards every such field.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from common.text import DIRECTION_CONTROLS, validate_document_text
from customers.tests.helpers import staff_force_login
from orders.models import MenuItem, Order, Restaurant, Table
from orders.tests.factories import MenuCategoryFactory, MenuItemFactory, TableFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"
MESSAGE = "Remove the invisible text-direction characters; they can make printed text read backwards."


@pytest.mark.parametrize("control", list(DIRECTION_CONTROLS))
def test_every_direction_control_is_refused(control):
    with pytest.raises(ValidationError) as caught:
        validate_document_text(f"Ada{control} Lovelace")
    assert caught.value.messages == [MESSAGE]


@pytest.mark.parametrize("text", ["Ada Lovelace", "Zoë Ñúñez-Łukasz", "שלום עולם", "مطعم", "Line one\nline two\ttab"])
def test_ordinary_text_in_any_script_passes(text):
    validate_document_text(text)


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x7f", "\x85"])
def test_other_control_characters_are_refused(control):
    with pytest.raises(ValidationError, match="control characters"):
        validate_document_text(f"a{control}b")


PROFILE = {
    "full_name": "Ada Lovelace",
    "business_name": "Analytical Engines Ltd",
    "vat_id": "DE136695976",
    "street": "Hauptstraße 5",
    "postal_code": "10115",
    "city": "Berlin",
    "country": "DE",
    "phone": "+49 30 1234567",
}


@pytest.mark.parametrize("field", ["full_name", "business_name", "street", "city"])
def test_profile_billing_fields_refuse_direction_controls(customer_client, customer, field):
    before = getattr(customer, field)
    response = customer_client.post("/customer/profile", {**PROFILE, field: f"{RLO}live"})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    customer.refresh_from_db()
    assert getattr(customer, field) == before


def test_registration_name_refuses_direction_controls(client):
    response = client.post(
        "/customer/register",
        {"full_name": f"{RLO}live", "email": "new@example.com", "password1": "a long and unusual passphrase"},
    )
    assert MESSAGE in response.content.decode()
    assert not get_user_model().objects.filter(email="new@example.com").exists()


def test_order_note_refuses_direction_controls(client):
    table = TableFactory()
    item = MenuItemFactory(restaurant=table.restaurant)
    response = client.post(f"/menu/{table.token}/order", {f"qty_{item.pk}": "1", "note": f"{RLO}snoino on"})
    assert MESSAGE in response.content.decode()
    assert not Order.objects.exists()


RESTAURANT = {
    "name": "Grill",
    "currency": "EUR",
    "timezone": "Europe/Berlin",
    "street": "Street 1",
    "postal_code": "10115",
    "city": "Berlin",
    "country": "DE",
    "email": "grill@example.com",
    "phone": "",
}


@pytest.mark.parametrize("field", ["name", "street", "postal_code", "city"])
def test_admin_restaurant_legal_data_refuses_direction_controls(client, superuser, restaurant_a, field):
    staff_force_login(client, superuser)
    data = {**RESTAURANT, "company": restaurant_a.company_id, field: f"DE{RLO}1"}
    response = client.post(f"/admin/orders/restaurant/{restaurant_a.pk}/change/", data)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert getattr(Restaurant.objects.get(pk=restaurant_a.pk), field) == getattr(restaurant_a, field)


def test_admin_menu_item_name_and_table_label_refuse_direction_controls(client, staff_a, restaurant_a):
    staff_force_login(client, staff_a)
    category = MenuCategoryFactory(restaurant=restaurant_a)
    item = {
        "restaurant": restaurant_a.pk,
        "category": category.pk,
        "name_de": f"{RLO}live",
        "description_de": "",
        "price": "12.90",
        "vat_rate": "7",
        "is_available": "on",
        "position": "0",
    }
    response = client.post("/admin/orders/menuitem/add/", item)
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    response = client.post("/admin/orders/table/add/", {"restaurant": restaurant_a.pk, "label": f"{RLO}1T"})
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not MenuItem.objects.exists() and not Table.objects.exists()


def test_the_replacement_character_of_unreadable_bytes_is_refused():
    with pytest.raises(ValidationError, match="could not be read"):
        validate_document_text("Dr. \ufffd\ufffd")
