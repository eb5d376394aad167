"""Every department grades with versions of its own (SPEC §3.6; 000 Art. 7–8, 001 Art. 7–8): a
department scheme's versions belong to a department; the development & reform bureau's existing
versions become its own, and the standard departments that run the A/B/C scheme by default get a
first published version — the housing bureau by reference to the county evaluation (000 Art. 8), the
others from the development & reform bureau's rules. Literal data: no app imports."""

import copy

from django.db import migrations
from django.utils import timezone

# Departments that grade with the A/B/C scheme from the start (SPEC §3.6); others are switched on by
# the credit office in the admin (a published version of their own).
DEFAULT_DEPARTMENTS = ["zjj", "scjg", "zfbz"]

# 000 Art. 8: the housing bureau grades by the county public credit evaluation — 诚信守法 (A+, A) → A,
# 轻微失信 or 一般失信 (B, C, C-) → B, 严重失信 (D, D-) → C — combined with its own records by C over
# B over A: each input condition leads its grade's group, so the first condition that fires is the
# worst, and when the county grade decides, the reason names it.
COUNTY_INPUTS = {
    "C": {"grade": "C", "label": "县公共信用综合评价为严重失信（D、D-级）", "input_grades": ["D", "D-"]},
    "B": {"grade": "B", "label": "县公共信用综合评价为轻微失信或一般失信（B、C、C-级）",
          "input_grades": ["B", "C", "C-"]},
    "A": {"grade": "A", "label": "县公共信用综合评价为诚信守法（A+、A级）", "input_grades": ["A+", "A"]},
}


def with_county_inputs(rules: dict) -> dict:
    rules = copy.deepcopy(rules)
    conditions, seen = [], set()
    for condition in rules.get("conditions", []):
        grade = condition.get("grade")
        if grade in COUNTY_INPUTS and grade not in seen:
            conditions.append(dict(COUNTY_INPUTS[grade]))
            seen.add(grade)
        conditions.append(condition)
    conditions += [dict(COUNTY_INPUTS[g]) for g in ("C", "B", "A") if g not in seen]
    order = {"C": 0, "B": 1, "A": 2}
    rules["conditions"] = sorted(conditions, key=lambda c: order.get(c.get("grade"), 3))  # stable
    rules["input_scheme"] = "public"
    return rules


def department_versions(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    Scheme = apps.get_model("grading", "Scheme")
    SchemeVersion = apps.get_model("grading", "SchemeVersion")
    for scheme in Scheme.objects.filter(owner__isnull=False):
        SchemeVersion.objects.filter(scheme=scheme, department__isnull=True).update(department=scheme.owner)
        model = SchemeVersion.objects.filter(scheme=scheme, department=scheme.owner, status="published").first()
        if model is None:
            continue
        for code in DEFAULT_DEPARTMENTS:
            department = Department.objects.filter(code=code).first()
            if department is None or department.pk == scheme.owner_id:
                continue
            if SchemeVersion.objects.filter(scheme=scheme, department=department).exists():
                continue
            if code == "zjj":
                rules = with_county_inputs(model.rules)
                note = "初始版本：参照县公共信用综合评价结果分级（000 第八条），与本部门信用记录按 C、B、A 从严合并"
            else:
                rules = copy.deepcopy(model.rules)
                note = f"初始版本：采用{scheme.owner.name}的分级规则（001 第八条）"
            SchemeVersion.objects.create(
                scheme=scheme, department=department, number=1, status="published",
                window_days=model.window_days, record_scope=model.record_scope,
                scope_kinds=list(model.scope_kinds or []), rules=rules, note=note, published_at=timezone.now(),
            )


# SPEC §3.6: a department grades its own subjects — those with a record of it that took effect.
TOOK_EFFECT = ["effective", "expired", "repaired", "revoked"]


def retire_grades_of_others(apps, schema_editor):
    """Before, the owner's scheme graded every subject in the registry: the current grades (and grades
    in force) a department holds of subjects that are not its own are retired, so its measures stop
    applying to them. The grades themselves stay, as every grade does."""
    Grade = apps.get_model("grading", "Grade")
    GradeInForce = apps.get_model("grading", "GradeInForce")
    CreditRecord = apps.get_model("records", "CreditRecord")
    departments = Grade.objects.filter(department__isnull=False, is_current=True).values_list(
        "department_id", flat=True
    ).distinct()
    for department_id in list(departments):
        own = CreditRecord.objects.filter(
            department_id=department_id, is_current=True, status__in=TOOK_EFFECT
        ).values("subject_id")
        Grade.objects.filter(department_id=department_id, is_current=True).exclude(subject_id__in=own).update(
            is_current=False
        )
        GradeInForce.objects.filter(department_id=department_id).exclude(subject_id__in=own).delete()


def department_versions_undo(apps, schema_editor):
    Scheme = apps.get_model("grading", "Scheme")
    SchemeVersion = apps.get_model("grading", "SchemeVersion")
    for scheme in Scheme.objects.filter(owner__isnull=False):
        SchemeVersion.objects.filter(scheme=scheme).exclude(department=scheme.owner).delete()
        SchemeVersion.objects.filter(scheme=scheme).update(department=None)


class Migration(migrations.Migration):

    dependencies = [
        ("grading", "0007_department_versions"),
        ("records", "0005_import_batch_job_state"),
    ]

    operations = [
        migrations.RunPython(department_versions, department_versions_undo),
        migrations.RunPython(retire_grades_of_others, migrations.RunPython.noop),
    ]
