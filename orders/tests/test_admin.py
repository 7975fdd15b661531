"""Restaurant isolation in the admin: staff see and change only their own restaurants."""

import re

import pytest
from django.urls import reverse

from customers.tests.helpers import staff_force_login
from orders.models import Order
from orders.tests.factories import MenuCategoryFactory, MenuItemFactory, OrderFactory, TableFactory


@pytest.fixture
def data(restaurant_a, restaurant_b):
    return {
        "table_a": TableFactory(restaurant=restaurant_a, label="A1"),
        "table_b": TableFactory(restaurant=restaurant_b, label="B1"),
        "item_a": MenuItemFactory(restaurant=restaurant_a, name="Dish of A"),
        "item_b": MenuItemFactory(restaurant=restaurant_b, name="Dish of B"),
        "order_a": OrderFactory(restaurant=restaurant_a, table__label="A2", note="order-of-a"),
        "order_b": OrderFactory(restaurant=restaurant_b, table__label="B2", note="order-of-b"),
    }


def page_text(response) -> str:
    """The page without its random CSRF token, which may contain "B1" by chance."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def changelist(model):
    return reverse(f"admin:orders_{model}_changelist")


def change(obj):
    return reverse(f"admin:orders_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("model", ["restaurant", "table", "menuitem", "order"])
def test_staff_lists_show_only_their_restaurant(client, staff_a, data, model):
    staff_force_login(client, staff_a)
    html = page_text(client.get(changelist(model)))
    assert "Restaurant A" in html or "A1" in html or "A2" in html or "Dish of A" in html
    assert "Restaurant B" not in html
    assert "B1" not in html and "Dish of B" not in html and "B2" not in html


@pytest.mark.parametrize("key", ["table_b", "item_b", "order_b"])
def test_staff_cannot_open_another_restaurants_objects(client, staff_a, data, key):
    staff_force_login(client, staff_a)
    response = client.get(change(data[key]))
    # The admin answers "doesn't exist" for objects outside the queryset.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_staff_cannot_open_another_restaurant(client, staff_a, restaurant_b):
    staff_force_login(client, staff_a)
    assert client.get(change(restaurant_b)).status_code == 302
    assert client.get(reverse("admin:orders_restaurant_qr_sheet", args=[restaurant_b.pk])).status_code == 404


def test_staff_cannot_move_another_restaurants_order(client, staff_a, data):
    staff_force_login(client, staff_a)
    order_b = data["order_b"]
    client.post(changelist("order"), {"action": "mark_paid", "_selected_action": [order_b.pk]})
    order_b.refresh_from_db()
    assert order_b.status == Order.Status.PLACED


def test_staff_can_mark_their_orders_paid(client, staff_a, data):
    staff_force_login(client, staff_a)
    order_a = data["order_a"]
    response = client.post(changelist("order"), {"action": "mark_paid", "_selected_action": [order_a.pk]}, follow=True)
    order_a.refresh_from_db()
    assert order_a.status == Order.Status.PAID and order_a.paid_at is not None
    assert "1 order marked paid." in response.content.decode()
    # A paid order is final: cancelling it afterwards is refused with a message.
    response = client.post(
        changelist("order"), {"action": "mark_cancelled", "_selected_action": [order_a.pk]}, follow=True
    )
    order_a.refresh_from_db()
    assert order_a.status == Order.Status.PAID
    assert "cannot become cancelled" in response.content.decode()


def test_foreign_key_choices_are_limited_to_own_restaurants(client, staff_a, restaurant_a, restaurant_b):
    MenuCategoryFactory(restaurant=restaurant_a, name="Cat of A")
    MenuCategoryFactory(restaurant=restaurant_b, name="Cat of B")
    staff_force_login(client, staff_a)
    html = client.get(reverse("admin:orders_menuitem_add")).content.decode()
    assert "Cat of A" in html and "Restaurant A" in html
    assert "Cat of B" not in html and "Restaurant B" not in html


def test_staff_cannot_put_an_item_into_another_restaurant(client, staff_a, restaurant_a, restaurant_b):
    category_b = MenuCategoryFactory(restaurant=restaurant_b)
    staff_force_login(client, staff_a)
    response = client.post(
        reverse("admin:orders_menuitem_add"),
        {
            "restaurant": restaurant_b.pk,
            "category": category_b.pk,
            "name_de": "Injected",
            "price": "1.00",
            "vat_rate": "7",
            "position": 0,
        },
    )
    assert response.status_code == 200  # form re-rendered with errors
    assert not restaurant_b.menu_items.filter(name_de="Injected").exists()


def test_superuser_sees_all_restaurants(client, superuser, data):
    staff_force_login(client, superuser)
    html = client.get(changelist("order")).content.decode()
    assert "A2" in html and "B2" in html


def test_table_page_shows_a_qr_code_and_the_sheet_prints_all_tables(client, staff_a, data, restaurant_a):
    staff_force_login(client, staff_a)
    html = client.get(change(data["table_a"])).content.decode()
    assert "<svg" in html and data["table_a"].token in html
    sheet = client.get(reverse("admin:orders_restaurant_qr_sheet", args=[restaurant_a.pk])).content.decode()
    assert sheet.count('class="qr-card"') == restaurant_a.tables.filter(is_active=True).count() == 2


def test_rotating_a_table_token_from_the_admin(client, staff_a, data):
    staff_force_login(client, staff_a)
    table = data["table_a"]
    old = table.token
    client.post(changelist("table"), {"action": "rotate_tokens", "_selected_action": [table.pk]})
    table.refresh_from_db()
    assert table.token != old
    assert client.get(reverse("orders:menu", args=[old])).status_code == 404


def test_staff_cannot_browse_customer_accounts(client, staff_a, customer):
    staff_force_login(client, staff_a)
    assert client.get(reverse("admin:customers_customer_changelist")).status_code == 403
    assert client.get(reverse("admin:customers_user_changelist")).status_code == 403
    assert customer.full_name not in client.get(reverse("admin:index")).content.decode()


def test_order_search_and_filters(client, staff_a, data):
    staff_force_login(client, staff_a)
    assert client.get(changelist("order"), {"q": "order-of-a"}).status_code == 200
    html = client.get(changelist("order"), {"status__exact": "paid"}).content.decode()
    assert "0 orders" in html or "0 results" in html


def test_admin_shows_times_on_the_restaurants_clock(client, staff_a, restaurant_a):
    import datetime

    restaurant_a.timezone = "Asia/Tokyo"
    restaurant_a.save()
    order = OrderFactory(restaurant=restaurant_a, placed_at=datetime.datetime(2026, 5, 1, 10, 30, tzinfo=datetime.UTC))
    staff_force_login(client, staff_a)
    html = client.get(change(order)).content.decode()
    assert "7:30 p.m." in html  # 10:30 UTC is 19:30 in Tokyo


def test_view_only_staff_cannot_rotate_qr_codes(client, restaurant_a):
    from django.contrib.auth.models import Permission

    from customers.tests.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_table"))
    restaurant_a.staff.add(viewer)
    table = TableFactory(restaurant=restaurant_a, label="A1")
    old = table.token
    staff_force_login(client, viewer)
    assert "rotate_tokens" not in client.get(changelist("table")).content.decode()
    client.post(changelist("table"), {"action": "rotate_tokens", "_selected_action": [table.pk]})
    table.refresh_from_db()
    assert table.token == old


def test_qr_sheet_lists_tables_in_floor_plan_order(client, staff_a, restaurant_a):
    for label in ["T10", "T2", "T1", "Bar"]:
        TableFactory(restaurant=restaurant_a, label=label)
    staff_force_login(client, staff_a)
    sheet = client.get(reverse("admin:orders_restaurant_qr_sheet", args=[restaurant_a.pk])).content.decode()
    positions = [sheet.index(f"<strong>{label}</strong>") for label in ["Bar", "T1", "T2", "T10"]]
    assert positions == sorted(positions)


def test_order_list_shows_each_order_on_its_own_restaurants_clock(client, restaurant_a, restaurant_b):
    import datetime

    from customers.tests.factories import StaffFactory

    restaurant_a.timezone = "Asia/Tokyo"
    restaurant_a.save()
    restaurant_b.timezone = "America/New_York"
    restaurant_b.save()
    placed = datetime.datetime(2026, 5, 1, 10, 30, tzinfo=datetime.UTC)
    OrderFactory(restaurant=restaurant_a, placed_at=placed)
    OrderFactory(restaurant=restaurant_b, placed_at=placed)
    both = StaffFactory(restaurants=[restaurant_a, restaurant_b])
    staff_force_login(client, both)
    html = client.get(changelist("order")).content.decode()
    assert "19:30" in html  # Tokyo
    assert "06:30" in html  # New York (EDT)


def test_order_filters_by_date_and_table_and_moves_through_every_status(client, staff_a, data):
    import datetime

    staff_force_login(client, staff_a)
    order = data["order_a"]
    at_a1 = OrderFactory(restaurant=order.restaurant, table=data["table_a"])
    today = order.placed_at.date()
    html = page_text(client.get(changelist("order"), {"table__id__exact": order.table_id}))
    assert f"/admin/orders/order/{order.pk}/change/" in html
    assert f"/admin/orders/order/{at_a1.pk}/change/" not in html
    yesterday = today - datetime.timedelta(days=1)
    day = {"placed_at__year": yesterday.year, "placed_at__month": yesterday.month, "placed_at__day": yesterday.day}
    old = page_text(client.get(changelist("order"), day))
    assert f"/admin/orders/order/{order.pk}/change/" not in old
    for action, status in [("mark_preparing", "preparing"), ("mark_served", "served"), ("mark_paid", "paid")]:
        client.post(changelist("order"), {"action": action, "_selected_action": [order.pk]})
        order.refresh_from_db()
        assert order.status == status


def test_menu_categories_are_isolated_too(client, staff_a, restaurant_b):
    category_b = MenuCategoryFactory(restaurant=restaurant_b, name="Secret category of B")
    staff_force_login(client, staff_a)
    assert "Secret category of B" not in client.get(changelist("menucategory")).content.decode()
    assert client.get(change(category_b)).status_code == 302


def test_order_list_names_the_restaurant_only_for_staff_of_several(client, staff_a, superuser, data):
    staff_force_login(client, staff_a)
    assert 'class="field-restaurant' not in client.get(changelist("order")).content.decode()
    staff_force_login(client, superuser)
    assert 'class="field-restaurant' in client.get(changelist("order")).content.decode()


def test_staff_enter_prices_as_on_the_menu_card(client, staff_a, restaurant_a):
    category = MenuCategoryFactory(restaurant=restaurant_a)
    staff_force_login(client, staff_a)
    form = {
        "restaurant": restaurant_a.pk,
        "category": category.pk,
        "name_de": "Tiramisu",
        "vat_rate": "7",
        "position": 0,
    }
    response = client.post(reverse("admin:orders_menuitem_add"), {**form, "price": "6.505"})
    assert response.status_code == 200 and "EUR amounts have 2 decimal places." in response.content.decode()
    assert not restaurant_a.menu_items.exists()
    client.post(reverse("admin:orders_menuitem_add"), {**form, "price": "6.50"})
    item = restaurant_a.menu_items.get(name_de="Tiramisu")
    assert item.price_cents == 650
    assert 'value="6.50"' in client.get(change(item)).content.decode()
