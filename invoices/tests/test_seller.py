"""The company as seller: its own number range, labels, business-letter details, place and date of supply."""

import io
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from invoices.models import Invoice
from invoices.services import invoice_cancel, invoice_issue
from invoices.storage import invoice_storage
from invoices.tests.factories import paid_order
from orders.models import Order
from orders.tests.factories import CompanyFactory, RestaurantFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def pdf_lines(invoice) -> list[str]:
    invoice.refresh_from_db()
    data = invoice_storage().open(invoice.pdf_path).read()
    if os.environ.get("INVOICE_SHOTS_DIR"):  # keep a copy to look at (pdftoppm), e.g. in review
        Path(os.environ["INVOICE_SHOTS_DIR"], f"seller-{invoice.seller_name[:12]}-{invoice.pk}.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return [line.strip() for line in text.splitlines()]


def issued(customer, restaurant, capture, *, lines=((2, 1250, "7.00"), (1, 490, "19.00")), now=None, **times):
    order = paid_order(customer=customer, restaurant=restaurant, lines=lines)
    if times:
        Order.objects.filter(pk=order.pk).update(**times)
        order.refresh_from_db()
    with capture(execute=True):
        return invoice_issue(order=order, customer=customer, now=now)


def test_two_restaurants_of_one_company_share_the_range_and_cancellations_take_the_next_number(customer):
    company = CompanyFactory(invoice_prefix="CM")
    mitte, kreuzberg = RestaurantFactory(company=company), RestaurantFactory(company=company)
    elsewhere = RestaurantFactory()
    now = datetime(2026, 3, 2, 12, 0, tzinfo=BERLIN)
    a = invoice_issue(order=paid_order(customer=customer, restaurant=mitte), customer=customer, now=now)
    b = invoice_issue(order=paid_order(customer=customer, restaurant=kreuzberg), customer=customer, now=now)
    c = invoice_issue(order=paid_order(customer=customer, restaurant=elsewhere), customer=customer, now=now)
    cancellation = invoice_cancel(invoice=a, reason="Wrong billing address", now=now)
    assert [a.number, b.number, cancellation.number] == ["CM-2026-0001", "CM-2026-0002", "CM-2026-0003"]
    assert c.number == "INV-2026-0001"
    assert {a.company_id, b.company_id, cancellation.company_id} == {company.pk}
    assert (cancellation.place_name, cancellation.seller_name) == (a.place_name, a.seller_name)


def test_meal_served_before_midnight_and_paid_after_is_supplied_on_the_serving_day(
    customer, django_capture_on_commit_callbacks
):
    restaurant = RestaurantFactory(timezone="Europe/Berlin")
    served = datetime(2025, 12, 31, 23, 30, tzinfo=BERLIN)
    paid = datetime(2026, 1, 1, 0, 15, tzinfo=BERLIN)
    invoice = issued(
        customer,
        restaurant,
        django_capture_on_commit_callbacks,
        now=datetime(2026, 1, 1, 0, 20, tzinfo=BERLIN),
        placed_at=datetime(2025, 12, 31, 22, 0, tzinfo=BERLIN),
        served_at=served,
        paid_at=paid,
    )
    assert invoice.supply_date.isoformat() == "2025-12-31"
    assert invoice.order_paid_on.isoformat() == "2026-01-01"
    # The range is per year of issue: issued on 1 January 2026, so a 2026 number.
    assert (invoice.issue_date.isoformat(), invoice.year, invoice.number) == ("2026-01-01", 2026, "INV-2026-0001")
    lines = pdf_lines(invoice)
    assert "Date of supply 31 December 2025" in lines
    assert "Paid on 1 January 2026" in lines
    assert f"Paid in full on 1 January 2026; nothing is due. Order #{invoice.order_id}." in lines


def test_a_meal_never_marked_served_is_supplied_on_the_day_it_was_placed(customer):
    restaurant = RestaurantFactory(timezone="Europe/Berlin")
    order = paid_order(customer=customer, restaurant=restaurant)
    Order.objects.filter(pk=order.pk).update(
        placed_at=datetime(2026, 4, 30, 23, 50, tzinfo=BERLIN),
        served_at=None,
        paid_at=datetime(2026, 5, 1, 1, 0, tzinfo=BERLIN),
    )
    order.refresh_from_db()
    assert invoice_issue(order=order, customer=customer).supply_date.isoformat() == "2026-04-30"


def test_company_details_and_place_of_supply_are_printed_with_their_own_labels(
    customer, django_capture_on_commit_callbacks
):
    company = CompanyFactory(
        legal_name="Müller Gastro GmbH",
        street="Oderberger Straße 44",
        postal_code="10435",
        city="Berlin",
        vat_id="DE136695976",
        tax_number="37/123/45678",
        register_court="Amtsgericht Charlottenburg",
        register_number="HRB 123456 B",
        managing_directors="Anna Müller, Søren Søn",
    )
    restaurant = RestaurantFactory(
        company=company, name="Café am Kanal", street="Paul-Lincke-Ufer 7", postal_code="10999", city="Berlin"
    )
    invoice = issued(customer, restaurant, django_capture_on_commit_callbacks)
    lines = pdf_lines(invoice)
    assert "Müller Gastro GmbH" in lines and "Oderberger Straße 44" in lines
    assert "VAT ID: DE136695976" in lines
    assert "Tax number: 37/123/45678" in lines
    assert "Register court: Amtsgericht Charlottenburg" in lines
    assert "Register number: HRB 123456 B" in lines
    assert "Managing directors: Anna Müller, Søren Søn" in lines
    assert "PLACE OF SUPPLY" in lines
    assert "Café am Kanal, Paul-Lincke-Ufer 7, 10999 Berlin" in lines
    assert any(line.startswith("Date of supply ") for line in lines)
    # The page footer names the seller and its identifier too.
    assert any(line.startswith("Müller Gastro GmbH · VAT ID: DE136695976") for line in lines)


def test_a_company_with_only_a_tax_number_prints_it_as_tax_number_never_as_vat_id(
    customer, django_capture_on_commit_callbacks
):
    restaurant = RestaurantFactory(company__vat_id="", company__tax_number="29/815/08151")
    invoice = issued(customer, restaurant, django_capture_on_commit_callbacks)
    assert (invoice.seller_vat_id, invoice.seller_tax_number) == ("", "29/815/08151")
    lines = pdf_lines(invoice)
    assert "Tax number: 29/815/08151" in lines
    assert not any("VAT ID: 29/815" in line or "VAT ID 29/815" in line for line in lines)
    assert not any(line.startswith("Register court") or line.startswith("Managing directors") for line in lines)


def test_printed_unit_price_times_quantity_matches_the_line_and_the_net(customer, django_capture_on_commit_callbacks):
    # 11 x 0.07 at 7 %: gross 0.77, VAT 0.05, net 0.72. A unit net price rounded
    # to the cent (0.07) would multiply to 0.77, not 0.72.
    invoice = issued(customer, RestaurantFactory(), django_capture_on_commit_callbacks, lines=((11, 7, "7.00"),))
    assert (invoice.total_cents, invoice.tax_cents, invoice.subtotal_cents) == (77, 5, 72)
    lines = pdf_lines(invoice)
    row = next(line for line in lines if line.startswith("11 "))
    # quantity, unit price excl. VAT (4 decimals), unit price incl. VAT, rate, gross amount
    assert row.endswith("€0.0654 €0.07 7 % €0.77"), row
    assert "VAT 7 % on €0.72" in "\n".join(lines)
    assert round(11 * 0.0654, 2) == 0.72 and 11 * 7 == 77


def test_the_frozen_seller_is_the_company_at_the_time_of_issue(customer):
    restaurant = RestaurantFactory(company__legal_name="Old Name GmbH", company__register_court="AG Berlin")
    invoice = invoice_issue(order=paid_order(customer=customer, restaurant=restaurant), customer=customer)
    restaurant.company.legal_name = "New Name GmbH"
    restaurant.company.save()
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.seller_name, invoice.seller_register_court) == ("Old Name GmbH", "AG Berlin")
    assert invoice.place_name == restaurant.name


def test_an_invoice_created_with_only_its_restaurant_belongs_to_the_restaurants_company(customer):
    restaurant = RestaurantFactory()
    order = paid_order(customer=customer, restaurant=restaurant)
    invoice = Invoice.objects.create(
        restaurant=restaurant,
        order=order,
        year=2026,
        sequence=1,
        number="X-1",
        issue_date=datetime(2026, 1, 2).date(),
        supply_date=datetime(2026, 1, 2).date(),
        currency="EUR",
        subtotal_cents=0,
        tax_cents=0,
        total_cents=0,
    )
    assert invoice.company_id == restaurant.company_id
