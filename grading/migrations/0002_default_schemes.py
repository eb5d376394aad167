"""The two default schemes (SPEC §3, §7): ``abc`` — the development & reform bureau's A/B/C grading
(001 Art. 8) — and ``public`` — the county's seven-level public credit evaluation (003 §3). Every
number is data the credit office edits in the admin as a new version. Literal data: no app imports."""

from django.db import migrations

AGAINST_OTHER_DEPARTMENTS = [  # 001 Art. 4: national results, red/black lists, other departments' grades
    "serious_dishonesty", "joint_punishment_list", "low_grade", "good_grade", "red_list", "commendation",
    "national_evaluation", "refusal_of_obligation",
]

ABC_RULES = {
    "default_grade": "A",
    "default_label": "无失信信息",
    "no_record_grade": "A",
    "no_record_label": "一年内无信用记录（默认A级）",
    "conditions": [
        # C — serious dishonesty (001 Art. 8(3)); listed first: C takes precedence over B over A.
        {"grade": "C", "label": "被认定为严重失信", "kinds": ["serious_dishonesty", "refusal_of_obligation",
                                                      "joint_punishment_list"]},
        {"grade": "C", "label": "被有关部门评定为信用等级低下", "kinds": ["low_grade"]},
        {"grade": "C", "label": "受到严重行政处罚", "kinds": ["administrative_penalty"], "severities": ["serious"]},
        # The seed is silent on 3 or more and on fines above 500,000 yuan: the default escalates to C.
        {"grade": "C", "label": "责令改正、警告累计3次及以上", "kinds": ["correction_order", "warning"], "min": 3},
        {"grade": "C", "label": "行政处罚案件3次及以上", "kinds": ["administrative_penalty"], "count": "decisions",
         "min": 3},
        {"grade": "C", "label": "罚款金额累计超过50万元", "kinds": ["administrative_penalty"],
         "fine_total_above": "500000"},
        {"grade": "C", "label": "违反许可承诺书3次及以上", "kinds": ["commitment_breach"], "min": 3},
        # B — general dishonesty (001 Art. 8(2)).
        {"grade": "B", "label": "责令（限期）改正、警告累计3次以内", "kinds": ["correction_order", "warning"]},
        {"grade": "B", "label": "行政处罚案件3次以内且罚款累计不超过50万元", "kinds": ["administrative_penalty"],
         "count": "decisions"},
        {"grade": "B", "label": "违反许可承诺书3次以内", "kinds": ["commitment_breach"]},
        # A — good (001 Art. 8(1)).
        {"grade": "A", "label": "受到行政机关表彰、奖励", "kinds": ["commendation", "red_list"]},
        {"grade": "A", "label": "被有关部门评定为信用等级良好", "kinds": ["good_grade"]},
        {"grade": "A", "label": "受到行业协会表彰并经主管部门认定", "kinds": ["association_commendation"]},
    ],
}

PUBLIC_RULES = {
    "base": 1000,
    "ignore_kinds": ["complaint", "public_evaluation", "national_evaluation"],
    "items": [
        {"label": "表彰奖励、红榜、良好评价", "kinds": ["commendation", "association_commendation", "red_list",
                                                  "good_grade"], "points": 20, "max_points": 60},
        {"label": "轻微失信信息", "polarity": "negative", "severities": ["minor"], "points": -10},
        {"label": "一般失信信息", "polarity": "negative", "severities": ["general"], "points": -50},
        {"label": "严重失信信息", "polarity": "negative", "severities": ["serious"], "points": -150},
        {"label": "罚款金额", "kinds": ["administrative_penalty"],
         "fine_bands": [["10000", -5], ["100000", -20], ["500000", -50]]},
    ],
    "levels": [["A+", 1010], ["A", 990], ["B", 950], ["C", 900], ["C-", 800], ["D", 700], ["D-", None]],
    # The worst information present fixes the class (003 §3(1): 4 classes, 7 levels); the score picks
    # the level inside it.
    "classes": [
        {"label": "列入联合惩戒（黑）名单", "kinds": ["joint_punishment_list"], "best": "D-", "worst": "D-"},
        {"label": "严重失信", "severities": ["serious"], "best": "D", "worst": "D-"},
        {"label": "一般失信", "severities": ["general"], "best": "C", "worst": "C-"},
        {"label": "轻微失信", "severities": ["minor"], "best": "B", "worst": "B"},
        {"label": "诚信守法", "best": "A+", "worst": "A"},
    ],
}


def add_schemes(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    Scheme = apps.get_model("grading", "Scheme")
    SchemeVersion = apps.get_model("grading", "SchemeVersion")
    public, _ = Scheme.objects.update_or_create(
        code="public", defaults={"name": "公共信用综合评价", "kind": "score", "owner": None,
                                 "description": "四类七级 A+、A、B、C、C-、D、D-（西峡县 003 §3）"})
    abc, _ = Scheme.objects.update_or_create(
        code="abc", defaults={"name": "部门信用分级（A/B/C）", "kind": "conditions",
                              "owner": Department.objects.filter(code="fgw").first(),
                              "description": "A 信用优良、B 一般失信、C 严重失信（平鲁区发改局 001 第八条）"})
    SchemeVersion.objects.get_or_create(scheme=public, number=1, defaults={
        "status": "published", "window_days": 365, "record_scope": "all", "rules": PUBLIC_RULES,
        "note": "初始版本"})
    SchemeVersion.objects.get_or_create(scheme=abc, number=1, defaults={
        "status": "published", "window_days": 365, "record_scope": "kinds", "scope_kinds": AGAINST_OTHER_DEPARTMENTS,
        "rules": ABC_RULES, "note": "初始版本"})


def remove_schemes(apps, schema_editor):
    Scheme = apps.get_model("grading", "Scheme")
    SchemeVersion = apps.get_model("grading", "SchemeVersion")
    SchemeVersion.objects.filter(scheme__code__in=["public", "abc"]).delete()
    Scheme.objects.filter(code__in=["public", "abc"]).delete()


class Migration(migrations.Migration):
    dependencies = [("grading", "0001_initial"), ("accounts", "0003_standard_departments"),
                    ("records", "0002_reference_kinds")]

    operations = [migrations.RunPython(add_schemes, remove_schemes)]
