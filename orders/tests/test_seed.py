from io import StringIO

from django.core.management import call_command

from customers.models import User
from orders.models import MenuItem, Restaurant, Table


def test_seed_demo_is_idempotent_and_prints_urls_and_logins(db):
    first = StringIO()
    call_command("seed_demo", stdout=first)
    counts = (Restaurant.objects.count(), Table.objects.count(), MenuItem.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert counts == (Restaurant.objects.count(), Table.objects.count(), MenuItem.objects.count(), User.objects.count())
    assert counts[:2] == (1, 5)

    restaurant = Restaurant.objects.get()
    assert restaurant.legal_name and restaurant.vat_id and restaurant.street
    assert set(MenuItem.objects.values_list("vat_rate", flat=True)) == {7, 19}
    staff = User.objects.get(email="staff@demo.example")
    assert staff.is_staff and not staff.is_superuser and restaurant.staff.filter(pk=staff.pk).exists()

    output = first.getvalue()
    for table in Table.objects.all():
        assert table.public_url in output
    assert "staff@demo.example" in output and "guest@demo.example" in output
