"""The pg_trgm extension (PostgreSQL only) for the public search by part of a name (SPEC §7): the
index of the next migration answers ``name ILIKE '%…%'`` without reading every subject. SQLite, the
embedded default, has no such index and keeps scanning (a county's registry is small)."""

from django.db import migrations


def extension_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def extension_drop(apps, schema_editor):
    # Left in place: another index or database object may use it.
    pass


class Migration(migrations.Migration):
    dependencies = [("subjects", "0003_subject_answerers")]

    operations = [migrations.RunPython(extension_create, extension_drop, elidable=False)]
