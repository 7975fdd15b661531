"""The stored PDF is written once and checked on every download; a lost or altered copy is never silently replaced."""

import hashlib
import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from invoices.models import Invoice
from invoices.pdf import invoice_render_pdf
from invoices.services import invoice_issue, invoice_pdf_bytes, invoice_pdf_name, invoice_pdf_store
from invoices.services.payment_documents import business_meal_declare, receipt_issue
from invoices.storage import invoice_storage
from invoices.tests.factories import paid_order
from orders.services_payment import payment_record
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(customer, django_capture_on_commit_callbacks):
    """An invoice whose first copy the after-commit work stored, as in production."""
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    invoice.refresh_from_db()
    assert invoice.pdf_path and invoice.pdf_sha256
    return invoice


def file_bytes(invoice) -> bytes:
    with invoice_storage().open(invoice.pdf_path, "rb") as handle:
        return handle.read()


def check_documents(capsys) -> tuple[int, str]:
    try:
        call_command("check_documents")
        code = 0
    except CommandError as error:
        code = error.returncode
    return code, capsys.readouterr().out


def text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_first_copy_is_written_once(stored):
    first = file_bytes(stored)
    assert hashlib.sha256(first).hexdigest() == stored.pdf_sha256
    rendered_at = stored.pdf_rendered_at

    assert invoice_pdf_store(invoice=stored) is None  # a kept copy is never rendered over
    assert invoice_pdf_store(invoice=Invoice.objects.get(pk=stored.pk)) is None

    fresh = Invoice.objects.get(pk=stored.pk)
    assert (fresh.pdf_rendered_at, fresh.pdf_sha256) == (rendered_at, stored.pdf_sha256)
    assert file_bytes(stored) == first


def test_renderings_are_deterministic(stored):
    # What makes restoring a lost copy safe: a new rendering is byte for byte the kept one.
    assert hashlib.sha256(invoice_render_pdf(stored)).hexdigest() == stored.pdf_sha256


def test_a_missing_file_is_rendered_from_the_frozen_data_and_restored_when_it_matches(stored, capsys, caplog):
    original = file_bytes(stored)
    invoice_storage().delete(stored.pdf_path)
    assert check_documents(capsys)[0] == 1

    with caplog.at_level(logging.WARNING, logger="invoices.services.pdf_storage"):
        served = invoice_pdf_bytes(invoice=stored)

    assert served == original
    assert file_bytes(stored) == original  # the same bytes, so the lost copy itself is back
    assert Invoice.objects.get(pk=stored.pk).pdf_sha256 == stored.pdf_sha256
    assert any("restored" in r.getMessage() and stored.number in r.getMessage() for r in caplog.records)
    code, out = check_documents(capsys)
    assert code == 0 and "0 problem(s)" in out


def test_a_missing_file_whose_rendering_differs_is_served_but_not_stored(customer, capsys, caplog):
    # A copy kept by an earlier renderer (other bytes, its own hash), then lost.
    invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    earlier = invoice_render_pdf(invoice).replace(b"%%EOF", b"%%EOF\n% earlier renderer", 1)
    name = invoice_storage().save(invoice_pdf_name(invoice), ContentFile(earlier))
    Invoice.objects.filter(pk=invoice.pk).update(pdf_path=name, pdf_sha256=hashlib.sha256(earlier).hexdigest())
    invoice.refresh_from_db()
    invoice_storage().delete(name)

    with caplog.at_level(logging.WARNING, logger="invoices.services.pdf_storage"):
        served = invoice_pdf_bytes(invoice=invoice)

    assert invoice.number in text(served)
    assert not invoice_storage().exists(name)  # not stored: it is not the copy that was kept
    assert Invoice.objects.get(pk=invoice.pk).pdf_sha256 == hashlib.sha256(earlier).hexdigest()
    assert any("differs from the kept hash" in r.getMessage() for r in caplog.records)
    code, out = check_documents(capsys)
    assert code == 1 and f"{invoice.number}\tid {invoice.pk}\tmissing" in out


def test_an_altered_file_is_reported_and_kept_and_the_download_serves_the_frozen_data(stored, customer, capsys, caplog):
    original = file_bytes(stored)
    altered = original.replace(b"-", b"+", 1)  # same size, one byte changed
    with open(invoice_storage().path(stored.pdf_path), "wb") as handle:
        handle.write(altered)

    with caplog.at_level(logging.WARNING, logger="invoices.services.pdf_storage"):
        served = invoice_pdf_bytes(invoice=stored)

    assert served == original  # rendered again from the frozen rows
    assert file_bytes(stored) == altered  # the altered file stays, as evidence
    assert Invoice.objects.get(pk=stored.pk).pdf_sha256 == stored.pdf_sha256
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    message = warning.getMessage()
    assert stored.number in message and "differs from its recorded SHA-256" in message
    for private in (customer.user.email, stored.buyer_name, stored.buyer_street, stored.pdf_path):
        assert private not in message
    code, out = check_documents(capsys)
    assert code == 1
    assert f"{stored.number}\tid {stored.pk}\taltered" in out


def test_a_business_meal_declaration_is_in_the_download_but_not_in_the_kept_copy(
    restaurant_a, django_capture_on_commit_callbacks
):
    table = TableFactory(restaurant=restaurant_a)
    order = order_with_lines(restaurant=restaurant_a, table=table)
    payment = payment_record(order_ids=[order.pk], method="card")
    with django_capture_on_commit_callbacks(execute=True):
        receipt = receipt_issue(payment=payment)
    receipt.refresh_from_db()
    kept = file_bytes(receipt)
    with django_capture_on_commit_callbacks(execute=True):
        business_meal_declare(invoice=receipt, host="H. Host", occasion="Kick-off", participants="A, B")

    served = invoice_pdf_bytes(invoice=Invoice.objects.get(pk=receipt.pk))

    assert "H. Host" in text(served)
    assert file_bytes(receipt) == kept and "H. Host" not in text(kept)
    assert Invoice.objects.get(pk=receipt.pk).pdf_sha256 == hashlib.sha256(kept).hexdigest()
