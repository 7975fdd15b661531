"""The company (taxable person): identifiers checked, admin scoped, one per restaurant after the data migration."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from customers.tests.helpers import staff_force_login
from orders.models import Company
from orders.tests.factories import CompanyFactory, RestaurantFactory

pytestmark = pytest.mark.django_db

VALID = {
    "legal_name": "Grill GmbH",
    "street": "Street 1",
    "postal_code": "10115",
    "city": "Berlin",
    "country": "DE",
    "vat_id": "",
    "tax_number": "",
    "register_court": "Amtsgericht Charlottenburg",
    "register_number": "HRB 1",
    "managing_directors": "Ada Grill",
    "email": "",
    "invoice_prefix": "INV",
    "invoice_number_format": "{prefix}-{year}-{number:04d}",
}
# The admin form also has the accountant's export settings (SKR03 defaults, DATEV numbers empty).
FORM = {
    **VALID,
    "datev_adviser_number": "",
    "datev_client_number": "",
    "datev_account_length": "4",
    "fiscal_year_start_month": "1",
    "account_revenue_19": "8400",
    "account_revenue_7": "8300",
    "account_revenue_0": "8200",
    "account_cash": "1000",
    "account_card": "1360",
    "account_other": "1360",
    "account_tips": "1590",
}


def test_a_company_needs_a_vat_id_or_a_tax_number():
    company = Company(**VALID)
    with pytest.raises(ValidationError) as caught:
        company.full_clean()
    assert "Enter a VAT ID or a tax number" in caught.value.message_dict["vat_id"][0]
    # The database refuses it too, for rows that bypass the form.
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(**VALID)


def test_a_company_vat_id_is_checked_stored_compact_and_the_check_recorded():
    company = Company(**{**VALID, "vat_id": "de 136 695 976"})
    company.full_clean()
    assert company.vat_id == "DE136695976" and company.vat_id_checked_at is not None
    bad = Company(**{**VALID, "vat_id": "DE136695977"})
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert "DE + 9 digits" in caught.value.message_dict["vat_id"][0]


def test_a_tax_number_alone_is_enough():
    company = Company(**{**VALID, "tax_number": "29/815/08151"})
    company.full_clean()
    assert company.vat_id_checked_at is None


def test_superuser_adds_a_company_in_the_admin(client, superuser):
    staff_force_login(client, superuser)
    response = client.post("/admin/orders/company/add/", {**FORM, "vat_id": "ATU13585627"})
    assert response.status_code == 302, response.content.decode()[:2000]
    company = Company.objects.get()
    assert company.vat_id == "ATU13585627" and company.vat_id_checked_at is not None


def test_admin_explains_a_bad_vat_id_and_saves_nothing(client, superuser):
    staff_force_login(client, superuser)
    response = client.post("/admin/orders/company/add/", {**FORM, "vat_id": "FR41303265045"})
    assert response.status_code == 200
    assert "FR + 2 characters + 9 digits" in response.content.decode()
    assert not Company.objects.exists()


def test_staff_see_only_their_restaurants_company_and_cannot_change_it(client, staff_a, restaurant_a, restaurant_b):
    staff_force_login(client, staff_a)
    listing = client.get("/admin/orders/company/").content.decode()
    assert restaurant_a.company.legal_name in listing and restaurant_b.company.legal_name not in listing
    assert client.get(f"/admin/orders/company/{restaurant_b.company_id}/change/").status_code in (302, 404)
    before = restaurant_a.company.legal_name
    response = client.post(
        f"/admin/orders/company/{restaurant_a.company_id}/change/", {**FORM, "tax_number": "1", "legal_name": "Mine"}
    )
    assert response.status_code == 403
    restaurant_a.company.refresh_from_db()
    assert restaurant_a.company.legal_name == before
    assert client.post("/admin/orders/company/add/", {**FORM, "tax_number": "1"}).status_code == 403
    assert Company.objects.count() == 2


def test_restaurants_of_one_company_are_listed_under_it():
    company = CompanyFactory()
    first, second = RestaurantFactory(company=company), RestaurantFactory(company=company)
    assert set(company.restaurants.all()) == {first, second}


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_makes_one_company_per_restaurant_from_its_legal_data():
    executor = MigrationExecutor(connection)
    executor.migrate([("orders", "0004_restaurant_country_choices"), ("invoices", "0002_invoice_pdf_sha256")])
    old_apps = executor.loader.project_state(
        [("orders", "0004_restaurant_country_choices"), ("invoices", "0002_invoice_pdf_sha256")]
    ).apps
    Restaurant = old_apps.get_model("orders", "Restaurant")
    with_vat = Restaurant.objects.create(
        name="Café",
        legal_name="Café GmbH",
        street="A 1",
        postal_code="10115",
        city="Berlin",
        country="DE",
        vat_id="DE 123 456 789",
        email="a@example.com",
    )
    with_tax_number = Restaurant.objects.create(
        name="Bar",
        legal_name="Bar OHG",
        street="B 2",
        postal_code="10115",
        city="Berlin",
        country="DE",
        vat_id="29/815/08151",
        email="b@example.com",
    )
    Counter = old_apps.get_model("invoices", "InvoiceNumberCounter")
    Counter.objects.create(restaurant_id=with_vat.pk, year=2026, last_number=41)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from invoices.models import InvoiceNumberCounter
    from orders.models import Restaurant as NewRestaurant

    cafe, bar = NewRestaurant.objects.get(pk=with_vat.pk), NewRestaurant.objects.get(pk=with_tax_number.pk)
    assert cafe.company_id != bar.company_id
    assert (cafe.company.legal_name, cafe.company.vat_id, cafe.company.tax_number) == ("Café GmbH", "DE123456789", "")
    assert (bar.company.legal_name, bar.company.vat_id, bar.company.tax_number) == ("Bar OHG", "", "29/815/08151")
    assert cafe.company.invoice_number(year=2026, number=42) == "INV-2026-0042"
    # The café's range continues where it was.
    assert InvoiceNumberCounter.objects.get(company=cafe.company, year=2026).last_number == 41
