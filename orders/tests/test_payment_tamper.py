"""Recorded payments are frozen (GoBD): the accountant's export books revenue from them.

Only the TSE fields are written, once, when the payment is signed, and the staff link may
be emptied when the account is deleted. The ORM refuses anything else on every database;
on PostgreSQL the trigger of migration 0014_payment_tamper_trigger refuses it for any SQL.
"""

import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers.tests.factories import StaffFactory
from orders.models import Payment, RecordedPaymentError
from orders.services_payment import payment_record
from orders.tests.factories import TableFactory, order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(restaurant_a, staff_a):
    table = TableFactory(restaurant=restaurant_a)
    order = order_with_lines(restaurant=restaurant_a, table=table)
    return payment_record(order_ids=[order.pk], method="card", tip_cents=100, recorded_by=staff_a)


@pytest.fixture
def unsigned(restaurant_a):
    """A payment as ``payment_record`` creates it, before the TSE's answer is written."""
    table = TableFactory(restaurant=restaurant_a)
    return Payment.objects.create(
        restaurant=restaurant_a, table=table, method="cash", currency="EUR", meal_cents=1000, paid_cents=1000
    )


def stored(payment):
    return Payment.objects.filter(pk=payment.pk).values().get()


# --- ORM (every database) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"paid_cents": 1, "meal_cents": 1},
        {"tip_cents": 0, "paid_cents": 2990},
        {"method": "cash"},
        {"currency": "USD"},
        {"recorded_at": timezone.now()},
        {"tse_signer": "X", "method": "cash"},  # an allowed field does not carry a frozen one
    ],
)
def test_update_of_a_frozen_field_is_refused_before_any_query(payment, change, django_assert_num_queries):
    before = stored(payment)
    with django_assert_num_queries(0), pytest.raises(RecordedPaymentError):
        Payment.objects.filter(pk=payment.pk).update(**change)
    assert stored(payment) == before


def test_bulk_update_of_an_amount_is_refused(payment):
    before = stored(payment)
    payment.tip_cents, payment.paid_cents = 0, payment.meal_cents
    with pytest.raises(RecordedPaymentError):
        Payment.objects.bulk_update([payment], ["tip_cents", "paid_cents"])
    with pytest.raises(RecordedPaymentError):
        Payment.objects.bulk_update([payment], ["tse_signer", "paid_cents"])
    assert stored(payment) == before


def test_payments_are_never_deleted(payment):
    with pytest.raises(RecordedPaymentError):
        Payment.objects.filter(pk=payment.pk).delete()
    with pytest.raises(RecordedPaymentError):
        Payment.objects.all().delete()
    with pytest.raises(RecordedPaymentError):
        payment.delete()
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_save_of_a_changed_amount_is_refused(payment):
    before = stored(payment)
    payment.tip_cents, payment.paid_cents = 5000, payment.meal_cents + 5000
    with pytest.raises(RecordedPaymentError):
        payment.save()
    with pytest.raises(RecordedPaymentError):
        payment.save(update_fields=["tip_cents", "paid_cents"])
    assert stored(payment) == before


def test_a_new_object_with_a_recorded_payments_id_does_not_overwrite_it(payment):
    before = stored(payment)
    copy = Payment(**{**before, "paid_cents": 1, "meal_cents": 1, "tip_cents": 0})
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert stored(payment) == before


def test_the_service_writes_the_tse_fields_once(payment):
    # payment_record created the row, then saved the TSE's answer with update_fields.
    row = stored(payment)
    assert row["tse_signature"] and row["tse_serial"] and row["tse_signature_counter"] == payment.pk


def test_tse_fields_may_be_written_once_from_empty(unsigned):
    unsigned.tse_serial = "SERIAL-1"
    unsigned.save(update_fields=["tse_serial"])
    unsigned.save(update_fields=["tse_serial"])  # the same value again changes nothing
    assert Payment.objects.filter(pk=unsigned.pk).update(tse_signature_counter=7, tse_certified=True) == 1
    unsigned.tse_signature = "SIG"
    assert Payment.objects.bulk_update([unsigned], ["tse_signature"]) == 1
    row = stored(unsigned)
    assert (row["tse_serial"], row["tse_signature_counter"], row["tse_certified"], row["tse_signature"]) == (
        "SERIAL-1",
        7,
        True,
        "SIG",
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("tse_signature", "forged"),
        ("tse_signature", ""),
        ("tse_serial", "OTHER"),
        ("tse_signature_counter", 999),
        ("tse_start_at", None),
        ("tse_certified", True),  # still empty (false), but the payment is signed: nothing changes any more
    ],
)
def test_a_written_tse_field_never_changes(payment, field, value):
    before = stored(payment)
    with pytest.raises(RecordedPaymentError):
        Payment.objects.filter(pk=payment.pk).update(**{field: value})
    setattr(payment, field, value)
    with pytest.raises(RecordedPaymentError):
        Payment.objects.bulk_update([payment], [field])
    with pytest.raises(RecordedPaymentError):
        payment.save(update_fields=[field])
    assert stored(payment) == before


def test_staff_link_can_only_be_emptied(payment, staff_a):
    other = StaffFactory()
    with pytest.raises(RecordedPaymentError):
        Payment.objects.filter(pk=payment.pk).update(recorded_by=other)
    with pytest.raises(RecordedPaymentError):
        Payment.objects.filter(pk=payment.pk).update(recorded_by_id=other.pk)
    payment.recorded_by = other
    with pytest.raises(RecordedPaymentError):
        Payment.objects.bulk_update([payment], ["recorded_by"])
    with pytest.raises(RecordedPaymentError):
        payment.save(update_fields=["recorded_by"])  # save() never changes the link
    assert stored(payment)["recorded_by_id"] == staff_a.pk
    payment.recorded_by = None
    assert Payment.objects.bulk_update([payment], ["recorded_by"]) == 1
    assert Payment.objects.filter(pk=payment.pk).update(recorded_by=None) == 1


def test_deleting_the_staff_account_empties_the_link(payment, staff_a):
    before, staff_pk = stored(payment), staff_a.pk
    staff_a.delete()  # SET_NULL: the one change account deletion makes
    after = stored(payment)
    assert before["recorded_by_id"] == staff_pk and after["recorded_by_id"] is None
    assert {**after, "recorded_by_id": staff_pk} == before


def test_the_database_trigger_allows_exactly_the_columns_the_orm_allows():
    trigger = importlib.import_module("orders.migrations.0014_payment_tamper_trigger")
    orm = {Payment._meta.get_field(name).column for name in Payment.BULK_MUTABLE_FIELDS}
    assert set(trigger.MUTABLE) == orm
    assert set(trigger.TSE) == set(Payment.TSE_FIELDS) == Payment.MUTABLE_FIELDS


# --- PostgreSQL trigger (raw SQL) ---------------------------------------------------------------


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def refused(statement, params=()):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        sql(statement, params)
    return str(caught.value)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "assignment",
    [
        "paid_cents = paid_cents + 100, tip_cents = tip_cents + 100",
        "method = 'cash'",
        "recorded_at = recorded_at - interval '1 day'",
        "tse_signer = tse_signer, table_id = table_id + 1",  # an allowed column does not carry a frozen one
    ],
)
def test_sql_update_of_a_frozen_column_raises(payment, assignment):
    before = stored(payment)
    message = refused(f"UPDATE orders_payment SET {assignment} WHERE id = %s", [payment.pk])  # noqa: S608
    assert "frozen" in message and str(payment.pk) in message
    assert stored(payment) == before


@pytest.mark.postgres
def test_sql_update_that_changes_nothing_passes(payment):
    assert sql("UPDATE orders_payment SET paid_cents = paid_cents, method = method WHERE id = %s", [payment.pk]) == 1


@pytest.mark.postgres
def test_sql_delete_raises(payment):
    message = refused("DELETE FROM orders_payment WHERE id = %s", [payment.pk])
    assert "never deleted" in message
    assert Payment.objects.filter(pk=payment.pk).exists()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "assignment",
    [
        "tse_signature = 'forged'",
        "tse_signature = ''",
        "tse_signature_counter = NULL",
        "tse_certified = true",  # false is its empty value, but the payment is signed
    ],
)
def test_sql_update_of_a_written_tse_column_raises(payment, assignment):
    before = stored(payment)
    message = refused(f"UPDATE orders_payment SET {assignment} WHERE id = %s", [payment.pk])  # noqa: S608
    assert "written once" in message
    assert stored(payment) == before


@pytest.mark.postgres
def test_sql_may_write_tse_columns_from_empty(unsigned):
    statement = "UPDATE orders_payment SET tse_serial = %s, tse_signature_counter = %s WHERE id = %s"
    assert sql(statement, ["SERIAL-1", 7, unsigned.pk]) == 1
    assert sql(statement, ["SERIAL-1", 7, unsigned.pk]) == 1  # the same values: no change
    assert "written once" in refused(statement, ["SERIAL-2", 7, unsigned.pk])
    assert sql("UPDATE orders_payment SET tse_signature = 'SIG' WHERE id = %s", [unsigned.pk]) == 1
    # Signed: even a column still empty stays as it is.
    assert "written once" in refused("UPDATE orders_payment SET tse_qr_data = 'Q' WHERE id = %s", [unsigned.pk])
    row = stored(unsigned)
    assert (row["tse_serial"], row["tse_signature_counter"], row["tse_signature"], row["tse_qr_data"]) == (
        "SERIAL-1",
        7,
        "SIG",
        "",
    )


@pytest.mark.postgres
def test_sql_may_only_empty_the_staff_link(payment, staff_a):
    statement = "UPDATE orders_payment SET recorded_by_id = %s WHERE id = %s"
    assert "only be emptied" in refused(statement, [StaffFactory().pk, payment.pk])
    assert sql(statement, [staff_a.pk, payment.pk]) == 1  # the same account: no change
    assert sql(statement, [None, payment.pk]) == 1
    assert "only be emptied" in refused(statement, [staff_a.pk, payment.pk])  # and never set again


@pytest.mark.postgres
def test_the_orm_bypass_through_the_base_manager_is_refused_too(payment):
    # _base_manager is a plain QuerySet: only the trigger stands in the way.
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment._base_manager.filter(pk=payment.pk).update(tip_cents=0, paid_cents=payment.meal_cents)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment._base_manager.filter(pk=payment.pk).delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_truncate_between_transactional_tests_is_not_a_row_delete(restaurant_a):
    # The test runner's flush is a TRUNCATE, which row triggers never see; this test's own
    # teardown proves it (a refused flush would fail every following test).
    table = TableFactory(restaurant=restaurant_a)
    payment_record(order_ids=[order_with_lines(restaurant=restaurant_a, table=table).pk], method="cash")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'orders_payment_frozen' AND NOT tgisinternal")
        assert cursor.fetchone()[0] == 1


@pytest.mark.postgres
def test_check_documents_reports_a_dropped_payment_trigger(capsys):
    call_command("check_documents")
    assert "0 problem(s)" in capsys.readouterr().out
    sql("DROP TRIGGER orders_payment_frozen ON orders_payment")  # rolled back with the test's transaction
    with pytest.raises(CommandError):
        call_command("check_documents")
    out = capsys.readouterr().out
    assert "database\ttrigger missing or disabled\torders_payment_frozen on orders_payment" in out
    assert "Checked 0 document(s): 1 problem(s)." in out


@pytest.mark.postgres
def test_check_documents_reports_a_disabled_payment_trigger(capsys):
    sql("ALTER TABLE orders_payment DISABLE TRIGGER orders_payment_frozen")
    with pytest.raises(CommandError):
        call_command("check_documents")
    assert "trigger missing or disabled\torders_payment_frozen on orders_payment" in capsys.readouterr().out
