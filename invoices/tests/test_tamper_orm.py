"""Issued documents through the ORM: bulk writes reach only the fields that may change (GoBD).

Runs on SQLite and PostgreSQL; on PostgreSQL the triggers (test_tamper_triggers.py) back this up.
"""

import pytest
from django.utils import timezone

from invoices.models import BusinessMealDeclaration, Invoice, InvoiceLine, IssuedInvoiceError
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db

SHA_A = "a" * 64
SHA_B = "b" * 64


@pytest.fixture
def invoice(customer):
    return invoice_issue(order=paid_order(customer=customer), customer=customer)


def frozen_row(invoice):
    return {k: v for k, v in Invoice.objects.filter(pk=invoice.pk).values().get().items() if k != "pdf_error"}


@pytest.mark.parametrize(
    "change",
    [
        {"total_cents": 1},
        {"buyer_name": "Someone Else"},
        {"number": "INV-9999"},
        {"notes": "edited"},
        {"status": "paid", "buyer_city": "Elsewhere"},  # an allowed field does not carry a frozen one
        {"language": "de"},
        {"correction_reason": "late edit"},
    ],
)
def test_update_of_a_frozen_field_is_refused_before_any_query(invoice, change, django_assert_num_queries):
    before = frozen_row(invoice)
    with django_assert_num_queries(0), pytest.raises(IssuedInvoiceError):
        Invoice.objects.filter(pk=invoice.pk).update(**change)
    assert frozen_row(invoice) == before


def test_update_of_status_and_its_timestamp_passes(invoice):
    moment = timezone.now()
    assert Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.PAID, paid_at=moment) == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.paid_at == moment


def test_update_of_the_pdf_copy_fields_passes(invoice):
    assert Invoice.objects.filter(pk=invoice.pk).update(pdf_path="x.pdf", pdf_error="", pdf_sha256=SHA_A) == 1
    invoice.refresh_from_db()
    assert (invoice.pdf_path, invoice.pdf_sha256) == ("x.pdf", SHA_A)


@pytest.mark.parametrize("field", ["pdf_sha256", "xml_sha256"])
def test_a_hash_is_written_once(invoice, field):
    # The XML hash is already recorded at issue (Factur-X); the PDF's when the first copy is stored.
    first = getattr(invoice, field) or SHA_A
    Invoice.objects.filter(pk=invoice.pk).update(**{field: first})
    Invoice.objects.filter(pk=invoice.pk).update(**{field: first})  # the same value again changes nothing
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.filter(pk=invoice.pk).update(**{field: SHA_B})
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.filter(pk=invoice.pk).update(**{field: ""})
    stored = Invoice.objects.get(pk=invoice.pk)
    assert getattr(stored, field) == first
    setattr(stored, field, SHA_B)
    with pytest.raises(IssuedInvoiceError):
        stored.save(update_fields=[field])
    assert getattr(Invoice.objects.get(pk=invoice.pk), field) == first


def test_save_may_write_a_hash_the_first_time(invoice):
    assert invoice.xml_sha256 and not invoice.pdf_sha256  # the XML's is written at issue, the PDF's is still empty
    invoice.pdf_sha256 = SHA_A
    invoice.save(update_fields=["pdf_sha256"])
    assert Invoice.objects.get(pk=invoice.pk).pdf_sha256 == SHA_A


def test_customer_link_can_only_be_emptied(invoice, other_customer):
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.filter(pk=invoice.pk).update(customer=other_customer)
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.filter(pk=invoice.pk).update(customer_id=other_customer.pk)
    assert Invoice.objects.filter(pk=invoice.pk).update(customer=None) == 1
    assert Invoice.objects.get(pk=invoice.pk).customer_id is None


def test_bulk_update_is_limited_like_update(invoice):
    invoice.buyer_name = "Someone Else"
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.bulk_update([invoice], ["buyer_name"])
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.bulk_update([invoice], ["status", "total_cents"])
    invoice.status = Invoice.Status.PAID
    invoice.paid_at = timezone.now()
    assert Invoice.objects.bulk_update([invoice], ["status", "paid_at"]) == 1
    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.status == Invoice.Status.PAID and stored.buyer_name != "Someone Else"


def test_bulk_update_keeps_hashes_write_once(invoice):
    invoice.pdf_sha256 = SHA_A
    Invoice.objects.bulk_update([invoice], ["pdf_sha256"])
    invoice.pdf_sha256 = SHA_B
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.bulk_update([invoice], ["pdf_sha256"])
    invoice.pdf_sha256 = ""
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.bulk_update([invoice], ["pdf_sha256"])
    assert Invoice.objects.get(pk=invoice.pk).pdf_sha256 == SHA_A


def test_bulk_update_may_only_empty_the_customer_link(invoice, other_customer):
    invoice.customer = other_customer
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.bulk_update([invoice], ["customer"])
    invoice.customer = None
    Invoice.objects.bulk_update([invoice], ["customer"])
    assert Invoice.objects.get(pk=invoice.pk).customer_id is None


def test_invoices_are_never_deleted(invoice):
    with pytest.raises(IssuedInvoiceError):
        Invoice.objects.filter(pk=invoice.pk).delete()
    with pytest.raises(IssuedInvoiceError):
        invoice.delete()
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_lines_are_never_updated_or_deleted(invoice):
    line = invoice.lines.first()
    before = list(InvoiceLine.objects.filter(invoice=invoice).values())
    with pytest.raises(IssuedInvoiceError):
        InvoiceLine.objects.filter(pk=line.pk).update(description="x")
    line.description = "x"
    with pytest.raises(IssuedInvoiceError):
        InvoiceLine.objects.bulk_update([line], ["description"])
    with pytest.raises(IssuedInvoiceError):
        line.save()
    with pytest.raises(IssuedInvoiceError):
        InvoiceLine.objects.filter(pk=line.pk).delete()
    with pytest.raises(IssuedInvoiceError):
        line.delete()
    assert list(InvoiceLine.objects.filter(invoice=invoice).values()) == before


def test_business_meal_declarations_are_insert_only(invoice):
    declaration = BusinessMealDeclaration.objects.create(invoice=invoice, host="H", occasion="O")
    declaration.host = "Other"
    for attempt in (
        lambda: BusinessMealDeclaration.objects.filter(pk=declaration.pk).update(host="Other"),
        lambda: BusinessMealDeclaration.objects.bulk_update([declaration], ["host"]),
        lambda: BusinessMealDeclaration.objects.filter(pk=declaration.pk).delete(),
        declaration.save,
        declaration.delete,
    ):
        with pytest.raises(IssuedInvoiceError):
            attempt()
    assert BusinessMealDeclaration.objects.get(pk=declaration.pk).host == "H"


def test_the_database_trigger_allows_exactly_the_columns_the_orm_allows():
    import importlib

    trigger = importlib.import_module("invoices.migrations.0006_tamper_triggers")
    orm = {Invoice._meta.get_field(name).column for name in Invoice.BULK_MUTABLE_FIELDS}
    assert set(trigger.MUTABLE) == orm
    assert Invoice.WRITE_ONCE_FIELDS <= Invoice.MUTABLE_FIELDS
