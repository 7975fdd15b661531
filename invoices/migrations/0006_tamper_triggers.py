"""PostgreSQL refuses any change to an issued document except the few the product makes (GoBD).

The ORM already refuses (``InvoiceQuerySet``, ``Invoice.save``); these
triggers cover raw SQL and any path around the models. SQLite (demo, default
test run) relies on the ORM guard alone.

- ``invoices_invoice``: UPDATE may change only the columns named in
  ``MUTABLE`` below (status and its timestamps, the PDF copy's fields, the two
  hashes, the customer link). The comparison is generic, on the whole row as
  JSON minus those columns, so a column added later is frozen by default. The
  hashes are write-once (from '' to a value); the customer link may only be
  emptied (account deletion, ``SET_NULL``). DELETE is refused.
- ``invoices_invoiceline`` and ``invoices_businessmealdeclaration``: no UPDATE,
  no DELETE at all.

Row triggers do not fire for TRUNCATE, which the test runner uses to empty
tables between transactional tests, nor for COPY-in by ``pg_restore``
(inserts); both need table-owner rights that the application's role should
not have in production.

Run this migration after every other migration that rewrites existing
invoice rows: from here on even a data migration cannot change a frozen column.
"""

from django.db import migrations

# Keep in step with Invoice.BULK_MUTABLE_FIELDS (database column names).
MUTABLE = (
    "status",
    "sent_at",
    "paid_at",
    "cancelled_at",
    "pdf_path",
    "pdf_rendered_at",
    "pdf_error",
    "pdf_sha256",
    "xml_sha256",
    "customer_id",
)

CREATE = """
CREATE OR REPLACE FUNCTION invoices_invoice_frozen() RETURNS trigger AS $$
DECLARE
    mutable CONSTANT text[] := ARRAY[{mutable}];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued document % (id %) is never deleted', OLD.number, OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION 'issued document % (id %) is frozen: only status, delivery and PDF copy columns may change',
            OLD.number, OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.xml_sha256 <> '' AND NEW.xml_sha256 IS DISTINCT FROM OLD.xml_sha256 THEN
        RAISE EXCEPTION 'issued document % (id %): xml_sha256 is written once', OLD.number, OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.pdf_sha256 <> '' AND NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256 THEN
        RAISE EXCEPTION 'issued document % (id %): pdf_sha256 is written once', OLD.number, OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.customer_id IS NOT NULL AND NEW.customer_id IS DISTINCT FROM OLD.customer_id THEN
        RAISE EXCEPTION 'issued document % (id %): the customer link can only be emptied', OLD.number, OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER invoices_invoice_frozen
    BEFORE UPDATE OR DELETE ON invoices_invoice
    FOR EACH ROW EXECUTE FUNCTION invoices_invoice_frozen();

CREATE OR REPLACE FUNCTION invoices_row_insert_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are insert-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER invoices_invoiceline_insert_only
    BEFORE UPDATE OR DELETE ON invoices_invoiceline
    FOR EACH ROW EXECUTE FUNCTION invoices_row_insert_only();
CREATE TRIGGER invoices_businessmealdeclaration_insert_only
    BEFORE UPDATE OR DELETE ON invoices_businessmealdeclaration
    FOR EACH ROW EXECUTE FUNCTION invoices_row_insert_only();
""".format(mutable=", ".join(f"'{name}'" for name in MUTABLE))

DROP = """
DROP TRIGGER IF EXISTS invoices_businessmealdeclaration_insert_only ON invoices_businessmealdeclaration;
DROP TRIGGER IF EXISTS invoices_invoiceline_insert_only ON invoices_invoiceline;
DROP FUNCTION IF EXISTS invoices_row_insert_only();
DROP TRIGGER IF EXISTS invoices_invoice_frozen ON invoices_invoice;
DROP FUNCTION IF EXISTS invoices_invoice_frozen();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # None: the '%' of RAISE are not placeholders


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("invoices", "0005_correction_language_xml_fields")]

    operations = [migrations.RunPython(forwards, backwards)]
