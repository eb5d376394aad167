"""On PostgreSQL, triggers make the audit log and the heads sent append-only (issue 13): every DELETE
is refused, and every UPDATE except the chaining step's, which sets the three chain columns of an
entry from NULL once and leaves every other column as it was. ``to_jsonb(row)`` minus the chain
columns compares the rest, so a column added later is covered without changing the trigger.
TRUNCATE is left alone: it is a table owner's operation, and the test runner empties tables with it;
an audit log cut short at the end is caught against the last head sent to the platform.

SQLite has no roles to keep apart: there, the chain and the heads sent are what show a change.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION audit_auditlog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.chain_hash = ''
       AND NEW.seq IS NOT NULL AND NEW.chain_hash <> '' AND NEW.hash_algorithm <> ''
       AND (to_jsonb(NEW) - 'seq' - 'chain_hash' - 'hash_algorithm')
           = (to_jsonb(OLD) - 'seq' - 'chain_hash' - 'hash_algorithm') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % of entry % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_auditlog_append_only BEFORE UPDATE OR DELETE ON audit_auditlog
    FOR EACH ROW EXECUTE FUNCTION audit_auditlog_append_only();

CREATE OR REPLACE FUNCTION audit_audithead_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit heads sent are append-only: % of head % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_audithead_append_only BEFORE UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION audit_audithead_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_audithead_append_only ON audit_audithead;
DROP FUNCTION IF EXISTS audit_audithead_append_only();
DROP TRIGGER IF EXISTS audit_auditlog_append_only ON audit_auditlog;
DROP FUNCTION IF EXISTS audit_auditlog_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_audit_chain_and_heads_sent")]

    operations = [migrations.RunPython(forward, backward)]
