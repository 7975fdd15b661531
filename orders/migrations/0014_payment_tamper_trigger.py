"""PostgreSQL refuses any change to a recorded payment except the few the product makes (GoBD).

The ORM already refuses (``PaymentQuerySet``, ``Payment.save``); this trigger
covers raw SQL and any path around the models. SQLite (demo, default test
run) relies on the ORM guard alone. The rule is the invoices' (migration
``invoices.0006_tamper_triggers``):

- UPDATE may change only the columns named in ``MUTABLE`` below. The
  comparison is generic, on the whole row as JSON minus those columns, so a
  column added later is frozen by default.
- The TSE columns are written once, when the payment is signed: each from
  its empty value ('' / NULL / false) to a value, and none changes once it is
  set or once ``tse_signature`` is stored.
- The staff link may only be emptied (account deletion, ``SET_NULL``).
- DELETE is refused.

Row triggers do not fire for TRUNCATE, which the test runner uses to empty
tables between transactional tests, nor for COPY-in by ``pg_restore``
(inserts). Run this migration after every other migration that rewrites
existing payment rows: from here on even a data migration cannot change a
frozen column.
"""

from django.db import migrations

# Written once; keep in step with Payment.TSE_FIELDS (database column names).
TSE = (
    "tse_signer",
    "tse_certified",
    "tse_transaction_number",
    "tse_serial",
    "tse_signature_counter",
    "tse_start_at",
    "tse_end_at",
    "tse_signature",
    "tse_qr_data",
)
# Keep in step with Payment.BULK_MUTABLE_FIELDS (database column names).
MUTABLE = (*TSE, "recorded_by_id")

CREATE = """
CREATE OR REPLACE FUNCTION orders_payment_frozen() RETURNS trigger AS $$
DECLARE
    mutable CONSTANT text[] := ARRAY[{mutable}];
    tse CONSTANT text[] := ARRAY[{tse}];
    empty CONSTANT jsonb[] := ARRAY['null'::jsonb, '""'::jsonb, 'false'::jsonb];
    old_row jsonb;
    new_row jsonb;
    col text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'recorded payment (id %) is never deleted', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    IF (new_row - mutable) IS DISTINCT FROM (old_row - mutable) THEN
        RAISE EXCEPTION 'recorded payment (id %) is frozen: only the write-once TSE columns may change', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    FOREACH col IN ARRAY tse LOOP
        IF (new_row -> col) IS DISTINCT FROM (old_row -> col)
           AND (OLD.tse_signature <> '' OR NOT (old_row -> col) = ANY(empty)) THEN
            RAISE EXCEPTION 'recorded payment (id %): % is written once, when the payment is signed', OLD.id, col
                USING ERRCODE = 'restrict_violation';
        END IF;
    END LOOP;
    IF NEW.recorded_by_id IS NOT NULL AND NEW.recorded_by_id IS DISTINCT FROM OLD.recorded_by_id THEN
        RAISE EXCEPTION 'recorded payment (id %): the staff link can only be emptied', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER orders_payment_frozen
    BEFORE UPDATE OR DELETE ON orders_payment
    FOR EACH ROW EXECUTE FUNCTION orders_payment_frozen();
""".format(
    mutable=", ".join(f"'{name}'" for name in MUTABLE),
    tse=", ".join(f"'{name}'" for name in TSE),
)

DROP = """
DROP TRIGGER IF EXISTS orders_payment_frozen ON orders_payment;
DROP FUNCTION IF EXISTS orders_payment_frozen();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # None: the '%' of RAISE are not placeholders


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("orders", "0013_restaurant_invoice_language")]

    operations = [migrations.RunPython(forwards, backwards)]
