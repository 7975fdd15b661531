"""PostgreSQL refuses raw SQL that would change or delete an issued document (migration 0006_tamper_triggers)."""

import pytest
from django.db import IntegrityError, connection, transaction

from invoices.models import BusinessMealDeclaration, Invoice
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SHA_A = "a" * 64
SHA_B = "b" * 64


@pytest.fixture
def invoice(customer):
    return invoice_issue(order=paid_order(customer=customer), customer=customer)


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def refused(statement, params=()):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        sql(statement, params)
    return str(caught.value)


@pytest.mark.parametrize(
    "assignment",
    [
        "total_cents = total_cents + 100, subtotal_cents = subtotal_cents + 100",
        "buyer_name = 'Someone Else'",
        "number = 'INV-9999'",
        "issue_date = issue_date + 1",
        "language = 'de'",  # added after the first schema: frozen without being named anywhere
        "status = 'paid', seller_vat_id = 'DE000000000'",
    ],
)
def test_update_of_a_frozen_column_raises(invoice, assignment):
    message = refused(f"UPDATE invoices_invoice SET {assignment} WHERE id = %s", [invoice.pk])  # noqa: S608
    assert "frozen" in message and invoice.number in message


def test_delete_raises(invoice):
    message = refused("DELETE FROM invoices_invoice WHERE id = %s", [invoice.pk])
    assert "never deleted" in message
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_allowed_status_update_passes(invoice):
    assert sql("UPDATE invoices_invoice SET status = 'paid', paid_at = now() WHERE id = %s", [invoice.pk]) == 1
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"


def test_pdf_copy_columns_may_change(invoice):
    assert sql("UPDATE invoices_invoice SET pdf_path = 'x.pdf', pdf_error = 'e' WHERE id = %s", [invoice.pk]) == 1


@pytest.mark.parametrize("column", ["pdf_sha256", "xml_sha256"])
def test_hash_is_write_once(invoice, column):
    statement = f"UPDATE invoices_invoice SET {column} = %s WHERE id = %s"  # noqa: S608
    first = getattr(invoice, column) or SHA_A  # the XML hash is already written at issue
    assert sql(statement, [first, invoice.pk]) == 1
    assert sql(statement, [first, invoice.pk]) == 1  # the same value: no change
    assert "written once" in refused(statement, [SHA_B, invoice.pk])
    assert "written once" in refused(statement, ["", invoice.pk])
    assert getattr(Invoice.objects.get(pk=invoice.pk), column) == first


def test_customer_link_may_only_be_emptied(invoice, other_customer):
    statement = "UPDATE invoices_invoice SET customer_id = %s WHERE id = %s"
    assert "only be emptied" in refused(statement, [other_customer.pk, invoice.pk])
    assert sql(statement, [None, invoice.pk]) == 1


def test_lines_refuse_update_and_delete(invoice):
    line = invoice.lines.first()
    assert "insert-only" in refused("UPDATE invoices_invoiceline SET quantity = 99 WHERE id = %s", [line.pk])
    assert "insert-only" in refused("DELETE FROM invoices_invoiceline WHERE id = %s", [line.pk])
    assert invoice.lines.get(pk=line.pk).quantity == line.quantity


def test_business_meal_declaration_refuses_update_and_delete(invoice):
    declaration = BusinessMealDeclaration.objects.create(invoice=invoice, host="H")
    refused("UPDATE invoices_businessmealdeclaration SET host = 'X' WHERE id = %s", [declaration.pk])
    refused("DELETE FROM invoices_businessmealdeclaration WHERE id = %s", [declaration.pk])
    assert BusinessMealDeclaration.objects.get(pk=declaration.pk).host == "H"


def test_the_orm_bypass_through_the_base_manager_is_refused_too(invoice):
    # _base_manager is a plain QuerySet: only the trigger stands in the way.
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice._base_manager.filter(pk=invoice.pk).update(total_cents=1, subtotal_cents=1 - invoice.tax_cents)


def test_deleting_the_customer_account_empties_the_link(invoice, customer):
    user = customer.user
    user.delete()  # SET_NULL: the one change account deletion makes
    assert Invoice.objects.get(pk=invoice.pk).customer_id is None


@pytest.mark.django_db(transaction=True)
def test_truncate_between_transactional_tests_is_not_a_row_delete(customer):
    # The test runner's flush is a TRUNCATE, which row triggers never see; this test's own
    # teardown proves it (a refused flush would fail every following test).
    invoice_issue(order=paid_order(customer=customer), customer=customer)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = ANY(%s) AND NOT tgisinternal",
            [["invoices_invoice_frozen", "invoices_invoiceline_insert_only"]],
        )
        assert cursor.fetchone()[0] == 2


def test_check_documents_reports_a_disabled_freeze_trigger(capsys):
    from django.core.management import CommandError, call_command

    call_command("check_documents")
    assert "0 problem(s)" in capsys.readouterr().out
    sql("ALTER TABLE invoices_invoiceline DISABLE TRIGGER invoices_invoiceline_insert_only")
    with pytest.raises(CommandError):
        call_command("check_documents")
    out = capsys.readouterr().out
    assert "database\ttrigger missing or disabled\tinvoices_invoiceline_insert_only on invoices_invoiceline" in out
    assert "Checked 0 document(s): 1 problem(s)." in out
