"""Record kinds of a department's own red and black lists (002 §3(1), §4(3); SPEC §3.6). A department
listing that takes effect enters an effective record of one of these kinds, as the county lists do
with ``red_list`` / ``joint_punishment_list``: the black list is serious dishonesty, the red list a
commendation; the schemes weigh them from ``grading`` 0007. Literal data: no app imports."""

from django.db import migrations

# code, name, polarity, default severity, sort order
KINDS = [
    ("department_red_list", "部门诚信红榜", "positive", "", 165),
    ("department_black_list", "部门黑名单", "negative", "serious", 175),
]


def add_kinds(apps, schema_editor):
    RecordKind = apps.get_model("records", "RecordKind")
    for code, name, polarity, severity, order in KINDS:
        RecordKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "polarity": polarity, "default_severity": severity, "has_sanctions": False,
                "has_complainant": False, "has_external_grade": False, "is_published": True,
                "sort_order": order, "is_active": True,
            },
        )


def remove_kinds(apps, schema_editor):
    apps.get_model("records", "RecordKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0007_art4_input_kinds")]

    operations = [migrations.RunPython(add_kinds, remove_kinds)]
