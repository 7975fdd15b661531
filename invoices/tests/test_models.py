"""Issued invoices are frozen copies and are never deleted or edited."""

import pytest
from django.db import IntegrityError, transaction

from invoices.models import Invoice, InvoiceLine, IssuedInvoiceError
from invoices.pdf import invoice_render_html
from invoices.services import invoice_issue, invoice_set_status
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(customer, restaurant_a):
    customer.business_name = "Kanzlei Roth"
    customer.vat_id = "DE811111111"
    customer.save()
    return invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)


def test_later_edits_to_restaurant_profile_and_order_never_change_the_invoice(invoice, customer, restaurant_a):
    before_html = invoice_render_html(invoice)
    seller, buyer = invoice.seller_name, invoice.buyer_street
    descriptions = list(invoice.lines.values_list("description", "gross_cents"))

    restaurant_a.company.legal_name = "New Owner AG"
    restaurant_a.company.vat_id = "DE999"
    restaurant_a.company.register_court = "Amtsgericht Elsewhere"
    restaurant_a.company.save()
    restaurant_a.name = "Renamed Café"
    restaurant_a.street = "Elsewhere 1"
    restaurant_a.save()
    customer.full_name = "Somebody Else"
    customer.street = "Moved Street 9"
    customer.vat_id = ""
    customer.save()
    line = invoice.order.lines.first()
    line.name = "Renamed dish"
    line.unit_price_cents = 1
    line.save()

    fresh = Invoice.objects.get(pk=invoice.pk)
    assert (fresh.seller_name, fresh.buyer_street) == (seller, buyer)
    assert fresh.buyer_vat_id == "DE811111111"
    assert list(fresh.lines.values_list("description", "gross_cents")) == descriptions
    assert invoice_render_html(fresh) == before_html
    for text in ("New Owner AG", "Amtsgericht Elsewhere", "Renamed Café", "Elsewhere 1", "Moved Street 9"):
        assert text not in before_html


def test_issued_invoice_cannot_be_deleted(invoice):
    with pytest.raises(IssuedInvoiceError):
        invoice.delete()
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.filter(pk=invoice.pk).delete()
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_frozen_fields_cannot_be_saved_but_status_can(invoice):
    invoice.total_cents = 1
    with pytest.raises(IssuedInvoiceError):
        invoice.save()
    with pytest.raises(IssuedInvoiceError):
        invoice.save(update_fields=["total_cents"])
    invoice.refresh_from_db()
    invoice_set_status(invoice=invoice, status="paid")
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.paid_at is not None


def test_issued_lines_cannot_be_rewritten(invoice):
    line = invoice.lines.first()
    before = list(invoice.lines.values_list("description", "quantity", "gross_cents", "vat_cents"))

    line.description = "Something else"
    line.gross_cents += 100
    with pytest.raises(IssuedInvoiceError):
        line.save()
    with pytest.raises(IssuedInvoiceError):
        line.save(update_fields=["description"])
    with pytest.raises(IssuedInvoiceError):
        invoice.lines.update(gross_cents=1)
    with pytest.raises(IssuedInvoiceError):
        InvoiceLine.objects.filter(pk=line.pk).update(vat_cents=0)

    assert list(invoice.lines.values_list("description", "quantity", "gross_cents", "vat_cents")) == before


def test_issued_lines_cannot_be_deleted(invoice):
    count = invoice.lines.count()
    line = invoice.lines.first()
    with pytest.raises(IssuedInvoiceError):
        line.delete()
    with pytest.raises(IssuedInvoiceError):
        invoice.lines.all().delete()
    with pytest.raises(IssuedInvoiceError):
        InvoiceLine.objects.filter(pk=line.pk).delete()
    assert invoice.lines.count() == count


def test_a_new_object_with_an_issued_id_does_not_overwrite_it(invoice):
    line = invoice.lines.first()
    impostor = InvoiceLine(
        pk=line.pk,
        invoice=invoice,
        position=line.position,
        description="Forged",
        quantity=1,
        unit_price_gross_cents=1,
        vat_rate="19.00",
        gross_cents=1,
        vat_cents=0,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        impostor.save()
    copy = {f.attname: getattr(invoice, f.attname) for f in Invoice._meta.concrete_fields}
    copy.update(total_cents=1, subtotal_cents=1, tax_cents=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice(**copy).save()

    line.refresh_from_db()
    invoice.refresh_from_db()
    assert line.description != "Forged" and invoice.total_cents != 1


def test_status_cannot_go_backwards(invoice):
    from django.core.exceptions import ValidationError

    invoice_set_status(invoice=invoice, status="paid")
    with pytest.raises(ValidationError):
        invoice_set_status(invoice=invoice, status="sent")


def test_database_allows_only_one_live_invoice_per_order(invoice):
    copy = {f.attname: getattr(invoice, f.attname) for f in Invoice._meta.concrete_fields if f.attname != "id"}
    copy.update(number="INV-X", sequence=999)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.bulk_create([Invoice(**copy)])


def test_database_refuses_totals_that_do_not_add_up(invoice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice._base_manager.filter(pk=invoice.pk).update(tax_cents=0)  # around the ORM's own refusal


def test_stored_totals_match_the_lines_and_the_order(invoice):
    lines = list(invoice.lines.all())
    assert invoice.total_cents == invoice.order.total_cents == sum(line.gross_cents for line in lines)
    assert invoice.tax_cents == sum(line.vat_cents for line in lines)
    assert invoice.subtotal_cents == sum(line.net_cents for line in lines)
