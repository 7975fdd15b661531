from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from customers.models import User
from orders.models import MenuItem, Restaurant, Table


def test_seed_demo_is_idempotent_and_prints_urls_and_logins(db):
    first = StringIO()
    call_command("seed_demo", force=True, stdout=first)
    counts = (Restaurant.objects.count(), Table.objects.count(), MenuItem.objects.count(), User.objects.count())
    call_command("seed_demo", force=True, stdout=StringIO())
    assert counts == (Restaurant.objects.count(), Table.objects.count(), MenuItem.objects.count(), User.objects.count())
    assert counts[:2] == (1, 5)

    restaurant = Restaurant.objects.get()
    company = restaurant.company
    assert company.legal_name and company.vat_id and company.vat_id_checked_at and restaurant.street
    assert company.register_court and company.register_number and company.managing_directors
    assert set(MenuItem.objects.values_list("vat_rate", flat=True)) == {7, 19}
    staff = User.objects.get(email="staff@demo.example")
    assert staff.is_staff and not staff.is_superuser and restaurant.staff.filter(pk=staff.pk).exists()

    output = first.getvalue()
    for table in Table.objects.all():
        assert table.public_url in output
    assert "staff@demo.example" in output and "guest@demo.example" in output


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
