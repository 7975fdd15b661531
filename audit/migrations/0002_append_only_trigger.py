"""PostgreSQL refuses any change to an audit entry except anonymisation.

The ORM already refuses; the trigger covers raw SQL and any code path that
goes around the model. Allowed: emptying the account links (account deletion,
``SET_NULL``) and the address (anonymisation). Everything else, and DELETE,
raises. SQLite (demo, default test run) relies on the ORM guard alone.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit entries are append-only (DELETE refused)';
    END IF;
    IF (NEW.id, NEW.created_at, NEW.action, NEW.restaurant_id, NEW.object_type, NEW.object_id, NEW.data)
           IS DISTINCT FROM
       (OLD.id, OLD.created_at, OLD.action, OLD.restaurant_id, OLD.object_type, OLD.object_id, OLD.data)
       OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS DISTINCT FROM OLD.actor_id)
       OR (NEW.subject_id IS NOT NULL AND NEW.subject_id IS DISTINCT FROM OLD.subject_id)
       OR (NEW.ip_address IS NOT NULL AND NEW.ip_address IS DISTINCT FROM OLD.ip_address) THEN
        RAISE EXCEPTION 'audit entries are append-only (only anonymisation is allowed)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
