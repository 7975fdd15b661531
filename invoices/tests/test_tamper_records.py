"""check_documents recomputes each document's XML from its frozen rows and compares it with the hash kept at issue."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from invoices.models import Invoice
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order

pytest.importorskip("invoices.facturx", reason="the Factur-X XML builder is not in this installation")

pytestmark = pytest.mark.django_db


def check_documents(capsys) -> tuple[int, str]:
    try:
        call_command("check_documents")
        code = 0
    except CommandError as error:
        code = error.returncode
    return code, capsys.readouterr().out


def tamper(invoice, **columns):
    """Change frozen columns the way an intruder with the table owner's rights could: around every guard."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred foreign-key checks pending
            cursor.execute("ALTER TABLE invoices_invoice DISABLE TRIGGER invoices_invoice_frozen")
        Invoice._base_manager.filter(pk=invoice.pk).update(**columns)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE invoices_invoice ENABLE TRIGGER invoices_invoice_frozen")


def test_a_frozen_row_changed_around_the_guards_is_reported(customer, capsys):
    invoice = invoice_issue(order=paid_order(customer=customer), customer=customer)
    invoice.refresh_from_db()
    assert invoice.xml_sha256  # recorded at issue
    code, out = check_documents(capsys)
    assert "record altered" not in out

    tamper(invoice, buyer_name="Someone Else")

    code, out = check_documents(capsys)
    assert code == 1
    assert f"{invoice.number}\tid {invoice.pk}\trecord altered\t-" in out
