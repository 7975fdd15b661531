"""manage.py check_documents: every issued document's stored file exists and is the one we wrote."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from invoices.models import Invoice
from invoices.pdf import invoice_render_pdf
from invoices.services import invoice_cancel, invoice_issue, invoice_pdf_name
from invoices.storage import invoice_storage
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(customer, restaurant_a, django_capture_on_commit_callbacks):
    """Two invoices and the cancellation of one, each stored by the after-commit work as in production."""
    with django_capture_on_commit_callbacks(execute=True):
        first = invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        second = invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        cancellation = invoice_cancel(invoice=second, reason="Wrong billing address")
    return [Invoice.objects.get(pk=doc.pk) for doc in (first, second, cancellation)]


def run(capsys) -> tuple[int, str]:
    try:
        call_command("check_documents")
        code = 0
    except CommandError as error:
        code = error.returncode
    return code, capsys.readouterr().out


def test_storing_a_pdf_records_the_hash_of_the_stored_file(documents):
    storage = invoice_storage()
    for document in documents:
        with storage.open(document.pdf_path, "rb") as handle:
            assert document.pdf_sha256 == hashlib.sha256(handle.read()).hexdigest()


def test_all_documents_in_place_exits_0(documents, capsys):
    code, out = run(capsys)
    assert code == 0
    assert "Checked 3 document(s): 0 problem(s)." in out


def test_a_deleted_file_is_listed_and_exits_1(documents, capsys):
    invoice_storage().delete(documents[1].pdf_path)
    code, out = run(capsys)
    assert code == 1
    (line,) = [line for line in out.splitlines() if "\t" in line]
    assert line.split("\t")[:3] == [documents[1].number, f"id {documents[1].pk}", "missing"]


def test_an_altered_file_is_listed_and_exits_1(documents, capsys):
    storage = invoice_storage()
    with open(storage.path(documents[2].pdf_path), "r+b") as handle:
        data = handle.read()
        handle.seek(0)
        handle.write(data.replace(b"-", b"+", 1))  # same size, one byte changed
    code, out = run(capsys)
    assert code == 1
    (line,) = [line for line in out.splitlines() if "\t" in line]
    assert line.split("\t")[:3] == [documents[2].number, f"id {documents[2].pk}", "altered"]


def test_a_document_that_was_never_stored_is_listed(customer, capsys):
    invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)  # after-commit work never ran
    code, out = run(capsys)
    assert code == 1
    assert f"{invoice.number}\tid {invoice.pk}\tnot stored\t-" in out


def test_a_file_stored_before_hashes_were_kept_is_counted_not_failed(documents, customer, capsys):
    # A hash once kept can never be emptied (write-once), so the older file is a new document's,
    # stored the way the first version did: the file and its path, no hash.
    older = invoice_issue(order=paid_order(customer=customer), customer=customer)
    name = invoice_storage().save(invoice_pdf_name(older), ContentFile(invoice_render_pdf(older)))
    Invoice.objects.filter(pk=older.pk).update(pdf_path=name)
    code, out = run(capsys)
    assert code == 0
    assert "Checked 4 document(s): 0 problem(s); 1 stored before hashes were recorded." in out


def test_same_number_from_two_companies_keeps_two_files(
    customer, restaurant_a, restaurant_b, capsys, django_capture_on_commit_callbacks
):
    invoices = []
    for restaurant in (restaurant_a, restaurant_b):
        with django_capture_on_commit_callbacks(execute=True):
            invoices.append(
                invoice_issue(order=paid_order(customer=customer, restaurant=restaurant), customer=customer)
            )
    for invoice in invoices:
        invoice.refresh_from_db()
    assert invoices[0].number == invoices[1].number and invoices[0].company_id != invoices[1].company_id
    assert invoices[0].pdf_path != invoices[1].pdf_path
    code, out = run(capsys)
    assert code == 0, out
