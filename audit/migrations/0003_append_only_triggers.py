"""On PostgreSQL, triggers make the audit log and the heads sent append-only (issue 13): every DELETE
is refused, and every UPDATE except the chaining step's, which sets the three chain columns of an
entry from NULL once and leaves every other column as it was. The comparison is of whole rows of the
table's row type (the new row with the chain columns put back against the old one), so a column added
later is covered without changing the trigger; it costs a third of comparing ``to_jsonb`` images.
TRUNCATE is left alone: it is a table owner's operation, and the test runner empties tables with it;
an audit log cut short at the end is caught against the last head sent to the platform.

SQLite has no roles to keep apart: there, the chain and the heads sent are what show a change.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION audit_auditlog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unchained audit_auditlog;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.chain_hash = ''
       AND NEW.seq IS NOT NULL AND NEW.chain_hash <> '' AND NEW.hash_algorithm <> '' THEN
        -- The new row with its chain columns put back must be the old row, column for column.
        unchained := NEW;
        unchained.seq := OLD.seq;
        unchained.chain_hash := OLD.chain_hash;
        unchained.hash_algorithm := OLD.hash_algorithm;
        IF unchained IS NOT DISTINCT FROM OLD THEN
            RETURN NEW;
        END IF;
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
