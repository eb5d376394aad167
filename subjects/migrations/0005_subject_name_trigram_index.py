"""A trigram index of the upper-cased name (PostgreSQL only): Django's ``name__icontains`` is
``UPPER(name) LIKE UPPER('%text%')``, which this index answers for a text of three characters or more
(public search, SPEC §7: about 400 ms per request at 200k subjects as a full scan and sort, a few
milliseconds with it). Not in the model's state: SQLite cannot build it."""

from django.db import migrations

INDEX = "subjects_subject_name_upper_trgm"


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON subjects_subject USING gin (upper(name::text) gin_trgm_ops)"
        )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("subjects", "0004_trigram_extension")]

    operations = [migrations.RunPython(index_create, index_drop, elidable=False)]
