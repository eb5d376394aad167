"""The inputs of 000/001 Art. 4 as record kinds with fixed result scales (SPEC §3.6).

- 国家公共信用综合评价结果 (national evaluation pushed down by the platform): its classes 优/良/中/差 or
  A/B/C/D;
- 公众评价 (public evaluation): 满意 / 基本满意 / 不满意;
- 市场信用评价 (new; market credit evaluation and industry-association credit rating, 002 §4(2)): the
  nine-level scale AAA, AA, A, BBB, BB, B, CCC, CC, C (a five-level AAA/AA/A/B/C rating fits in it);
- 联合奖励 / 联合惩戒措施通报 (new; joint reward and punishment notices of other departments,
  000/001 Art. 4): positive, and negative with a severity (default general, set by hand per notice).

The grading schemes name these values (``grading`` 0007), so a record may carry only one of them:
``RecordKind.external_grade_choices``, edited by the credit office in the admin. Literal data:
migrations never import app code.
"""

from django.db import migrations, models

NATIONAL_GRADES = ["优", "良", "中", "差", "A", "B", "C", "D"]
PUBLIC_EVALUATION_GRADES = ["满意", "基本满意", "不满意"]
RATING_GRADES = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"]

# The scales of kinds that exist already.
SCALES = {"national_evaluation": NATIONAL_GRADES, "public_evaluation": PUBLIC_EVALUATION_GRADES}

NEW_KINDS = [
    {
        "code": "credit_rating",
        "name": "市场信用评价",
        "polarity": "neutral",
        "default_severity": "",
        "has_sanctions": False,
        "has_complainant": False,
        "has_external_grade": True,
        "external_grade_choices": RATING_GRADES,
        "is_published": False,
        "sort_order": 155,
    },
    {
        "code": "joint_reward",
        "name": "联合奖励",
        "polarity": "positive",
        "default_severity": "",
        "has_sanctions": False,
        "has_complainant": False,
        "has_external_grade": False,
        "external_grade_choices": [],
        "is_published": True,
        "sort_order": 170,
    },
    {
        "code": "joint_punishment_notice",
        "name": "联合惩戒措施通报",
        "polarity": "negative",
        "default_severity": "general",
        "has_sanctions": False,
        "has_complainant": False,
        "has_external_grade": False,
        "external_grade_choices": [],
        "is_published": True,
        "sort_order": 180,
    },
]


def add_kinds(apps, schema_editor):
    RecordKind = apps.get_model("records", "RecordKind")
    for code, grades in SCALES.items():
        RecordKind.objects.filter(code=code).update(external_grade_choices=grades)
    for kind in NEW_KINDS:
        values = {k: v for k, v in kind.items() if k != "code"}
        RecordKind.objects.update_or_create(code=kind["code"], defaults=values)


def remove_kinds(apps, schema_editor):
    """The new kinds go unless records were entered with them (records are never deleted); the scales
    go with their column."""
    RecordKind = apps.get_model("records", "RecordKind")
    CreditRecord = apps.get_model("records", "CreditRecord")
    if schema_editor.connection.vendor == "postgresql":
        # The column is dropped next in this transaction: PostgreSQL refuses to alter a table with
        # foreign-key checks of deleted rows still queued, so they run now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for kind in NEW_KINDS:
        if not CreditRecord.objects.filter(kind__code=kind["code"]).exists():
            RecordKind.objects.filter(code=kind["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0006_licences"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalrecordkind",
            name="external_grade_choices",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The results of the other grading, one per entry; leave empty to accept any text.",
                verbose_name="grades a record of this kind may carry",
            ),
        ),
        migrations.AddField(
            model_name="recordkind",
            name="external_grade_choices",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The results of the other grading, one per entry; leave empty to accept any text.",
                verbose_name="grades a record of this kind may carry",
            ),
        ),
        migrations.RunPython(add_kinds, remove_kinds),
    ]
