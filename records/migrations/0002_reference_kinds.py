"""Record kinds and sanction kinds (SPEC §2, §3.3, §7). Literal data: migrations never import app code.
Names are what spreadsheets carry in 信息类别 / 处罚类别; the credit office maintains them in the admin."""

from django.db import migrations

# code, name, polarity, default severity, has_sanctions, has_complainant, has_external_grade, published
RECORD_KINDS = [
    ("commendation", "表彰奖励", "positive", "", False, False, False, True),
    ("association_commendation", "行业协会表彰", "positive", "", False, False, False, True),
    ("good_grade", "其他部门评定良好", "positive", "", False, False, True, True),
    ("red_list", "诚信红榜", "positive", "", False, False, False, True),
    ("correction_order", "责令改正", "negative", "minor", False, False, False, True),
    ("warning", "警告", "negative", "minor", False, False, False, True),
    ("administrative_penalty", "行政处罚", "negative", "general", True, False, False, True),
    ("commitment_breach", "违反信用承诺", "negative", "general", False, False, False, True),
    ("serious_dishonesty", "严重失信认定", "negative", "serious", False, False, False, True),
    ("joint_punishment_list", "联合惩戒名单", "negative", "serious", False, False, False, True),
    ("low_grade", "其他部门评定较差", "negative", "serious", False, False, True, True),
    ("refusal_of_obligation", "拒不履行法定义务", "negative", "serious", False, False, False, True),
    ("complaint", "投诉举报", "negative", "minor", False, True, False, False),
    ("inspection_failed", "检查不合格", "negative", "minor", False, False, False, True),
    ("public_evaluation", "公众评价", "neutral", "", False, False, True, False),
    ("national_evaluation", "国家公共信用综合评价结果", "neutral", "", False, False, True, False),
]

# code, name, severity, rank (heavier is larger), has an amount
SANCTION_KINDS = [
    ("warning", "警告", "minor", 10, False),
    ("circulated_criticism", "通报批评", "minor", 20, False),
    ("fine", "罚款", "general", 30, True),
    ("confiscation", "没收违法所得、没收非法财物", "general", 40, True),
    ("licence_suspension", "暂扣许可证件", "serious", 50, False),
    ("qualification_downgrade", "降低资质等级", "serious", 60, False),
    ("licence_revocation", "吊销许可证件", "serious", 70, False),
    ("activity_restriction", "限制开展生产经营活动", "serious", 75, False),
    ("production_suspension", "责令停产停业", "serious", 80, False),
    ("closure", "责令关闭", "serious", 90, False),
    ("employment_restriction", "限制从业", "serious", 95, False),
    ("detention", "行政拘留", "serious", 100, False),
    ("other", "其他行政处罚", "general", 25, False),
]


def add_kinds(apps, schema_editor):
    RecordKind = apps.get_model("records", "RecordKind")
    SanctionKind = apps.get_model("records", "SanctionKind")
    for order, row in enumerate(RECORD_KINDS):
        code, name, polarity, severity, sanctions, complainant, external, published = row
        RecordKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "polarity": polarity, "default_severity": severity, "has_sanctions": sanctions,
                "has_complainant": complainant, "has_external_grade": external, "is_published": published,
                "sort_order": (order + 1) * 10,
            },
        )
    for code, name, severity, rank, has_fine in SANCTION_KINDS:
        SanctionKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "severity": severity, "rank": rank, "has_fine": has_fine,
                      "amount_required": code == "fine"},
        )


def remove_kinds(apps, schema_editor):
    apps.get_model("records", "RecordKind").objects.filter(code__in=[r[0] for r in RECORD_KINDS]).delete()
    apps.get_model("records", "SanctionKind").objects.filter(code__in=[r[0] for r in SANCTION_KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, remove_kinds)]
