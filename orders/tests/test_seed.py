from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from customers.models import User
from customers.tests.helpers import staff_force_login
from orders.management.commands.seed_demo import (
    BAKERY_NAME,
    BAKERY_STAFF_EMAIL,
    CAFE_NAME,
    DEMO_PASSWORD_BAKERY,
    DEMO_PASSWORD_STAFF,
)
from orders.models import MenuCategory, MenuItem, Order, OrderLine, Restaurant, Table


def test_seed_demo_is_idempotent_and_prints_urls_and_logins(db):
    first = StringIO()
    call_command("seed_demo", force=True, stdout=first)
    counts = (
        Restaurant.objects.count(),
        Table.objects.count(),
        MenuCategory.objects.count(),
        MenuItem.objects.count(),
        User.objects.count(),
        Order.objects.count(),
    )
    call_command("seed_demo", force=True, stdout=StringIO())
    assert counts == (
        Restaurant.objects.count(),
        Table.objects.count(),
        MenuCategory.objects.count(),
        MenuItem.objects.count(),
        User.objects.count(),
        Order.objects.count(),
    )
    assert counts[:2] == (2, 8)

    cafe, bakery = Restaurant.objects.get(name=CAFE_NAME), Restaurant.objects.get(name=BAKERY_NAME)
    assert cafe.company == bakery.company and cafe.city == bakery.city == "Berlin"
    company = cafe.company
    assert company.legal_name and company.vat_id and company.vat_id_checked_at and cafe.street
    assert company.register_court and company.register_number and company.managing_directors
    assert set(MenuItem.objects.values_list("vat_rate", flat=True)) == {7, 19}
    assert (cafe.tables.count(), bakery.tables.count()) == (5, 3)
    staff = User.objects.get(email="staff@demo.example")
    assert staff.is_staff and not staff.is_superuser and list(staff.restaurants.all()) == [cafe]
    bakery_staff = User.objects.get(email=BAKERY_STAFF_EMAIL)
    assert bakery_staff.is_staff and not bakery_staff.is_superuser and list(bakery_staff.restaurants.all()) == [bakery]

    output = first.getvalue()
    for table in Table.objects.all():
        assert table.public_url in output
    for login in ("staff@demo.example", BAKERY_STAFF_EMAIL, "admin@demo.example", "guest@demo.example"):
        assert login in output
    assert DEMO_PASSWORD_STAFF in output and DEMO_PASSWORD_BAKERY in output
    assert CAFE_NAME in output and BAKERY_NAME in output


def test_the_cafe_menu_is_german_english_and_french_and_its_documents_german(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    cafe = Restaurant.objects.get(name=CAFE_NAME)
    assert cafe.language == "de"
    if hasattr(cafe, "invoice_language"):
        assert cafe.invoice_language == "de"
    for obj in [*cafe.categories.all(), *cafe.menu_items.all()]:
        names = [getattr(obj, f"name_{code}") for code in ("de", "en", "fr")]
        assert all(names), names
    for item in cafe.menu_items.exclude(description_de=""):
        assert item.description_en and item.description_fr
    cake = cafe.menu_items.get(name_de="Käsekuchen")
    assert (cake.name_en, cake.name_fr) == ("German cheesecake", "Gâteau au fromage blanc")
    # The seeded orders froze every language's name; staff read German.
    line = OrderLine.objects.filter(order__restaurant=cafe, name="Flammkuchen").first()
    assert line.names == {"de": "Flammkuchen", "en": "Tarte flambée", "fr": "Tarte flambée"}


def test_a_french_guest_reads_the_bakerys_german_menu_and_the_cafes_french_one(client, db):
    call_command("seed_demo", force=True, stdout=StringIO())
    cafe, bakery = Restaurant.objects.get(name=CAFE_NAME), Restaurant.objects.get(name=BAKERY_NAME)
    french = client.get(cafe.tables.first().get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Gâteau au fromage blanc" in french and "Boissons" in french and "Käsekuchen" not in french
    bakery_page = client.get(bakery.tables.first().get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Pflaumenkuchen" in bakery_page and "Heißgetränke" in bakery_page
    assert "Gâteau au fromage blanc" not in bakery_page  # each restaurant's own menu only


def test_each_demo_staff_login_sees_only_its_own_restaurant(client, db):
    call_command("seed_demo", force=True, stdout=StringIO())
    bakery_item = MenuItem.objects.get(name_de="Pflaumenkuchen")
    cafe_item = MenuItem.objects.get(name_de="Käsekuchen")
    cafe_order = Order.objects.filter(restaurant__name=CAFE_NAME).first()
    for email, own, other in (
        ("staff@demo.example", cafe_item, bakery_item),
        (BAKERY_STAFF_EMAIL, bakery_item, cafe_item),
    ):
        staff_force_login(client, User.objects.get(email=email))
        items = client.get(reverse("admin:orders_menuitem_changelist"), HTTP_ACCEPT_LANGUAGE="de")
        assert items.status_code == 200
        html = items.content.decode()
        assert own.name_de in html and other.name_de not in html
        assert client.get(reverse("admin:orders_menuitem_change", args=[other.pk])).status_code == 302
        assert client.get(reverse("admin:orders_menuitem_change", args=[own.pk])).status_code == 200
        tables = client.get(reverse("admin:orders_table_changelist")).content.decode()
        assert escape(own.restaurant.name) in tables and escape(other.restaurant.name) not in tables
        order_page = client.get(reverse("admin:orders_order_change", args=[cafe_order.pk]))
        assert order_page.status_code == (200 if own.restaurant == cafe_order.restaurant else 302)
        client.logout()


def test_seed_demo_replaces_an_older_demo_menu(db):
    """A database seeded by the English-only demo gets exactly the new menu; its orders keep their lines."""
    call_command("seed_demo", force=True, stdout=StringIO())
    cafe = Restaurant.objects.get(name=CAFE_NAME)
    old = MenuItem.objects.create(
        restaurant=cafe, category=cafe.categories.first(), name_de="Tomato bruschetta", price_cents=690, vat_rate=7
    )
    call_command("seed_demo", force=True, stdout=StringIO())
    assert not MenuItem.objects.filter(pk=old.pk).exists()
    assert cafe.menu_items.count() == 19


def test_seed_demo_refuses_a_production_configuration(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_seed_demo_resets_the_printed_passwords(db, settings):
    from orders.management.commands.seed_demo import DEMO_PASSWORD_STAFF

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    staff = User.objects.get(email="staff@demo.example")
    staff.set_password("changed-by-someone-1")
    staff.save()
    call_command("seed_demo", stdout=StringIO())
    staff.refresh_from_db()
    assert staff.check_password(DEMO_PASSWORD_STAFF)


def test_seed_demo_adds_a_paid_40_eur_guest_order_and_a_320_eur_dinner_once(db):
    from orders.models import Payment

    call_command("seed_demo", force=True, stdout=StringIO())
    call_command("seed_demo", force=True, stdout=StringIO())
    payments = {payment.meal_cents: payment for payment in Payment.objects.all()}
    assert set(payments) == {4000, 32000}
    assert payments[4000].orders.get().customer is None
    dinner = payments[32000]
    assert dinner.orders.count() == 2 and dinner.tip_cents == 3000 and dinner.method == "card"
    assert dinner.orders.filter(customer__user__email="guest@demo.example").exists()
