"""The record kind 自愿注册信息: a verified voluntary registration (004 §5(3)) entered as positive
information. No default scheme names it, so it counts in grading only where the credit office adds it
to a scheme version. Literal data: migrations never import app code."""

from django.db import migrations

KIND = {
    "code": "voluntary_registration",
    "name": "自愿注册信息",
    "polarity": "positive",
    "default_severity": "",
    "has_sanctions": False,
    "has_complainant": False,
    "has_external_grade": False,
    "is_published": True,
    "sort_order": 200,
}


def add_kind(apps, schema_editor):
    RecordKind = apps.get_model("records", "RecordKind")
    values = {k: v for k, v in KIND.items() if k != "code"}
    RecordKind.objects.update_or_create(code=KIND["code"], defaults=values)


def remove_kind(apps, schema_editor):
    RecordKind = apps.get_model("records", "RecordKind")
    CreditRecord = apps.get_model("records", "CreditRecord")
    if not CreditRecord.objects.filter(kind__code=KIND["code"]).exists():
        RecordKind.objects.filter(code=KIND["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0001_commitments_and_voluntary_registration"),
        ("records", "0002_reference_kinds"),
    ]

    operations = [migrations.RunPython(add_kind, remove_kind)]
