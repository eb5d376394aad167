"""A department's own red and black lists count (SPEC §3.6; 002 §3(1), §4(3)).

For every scheme version published now — whatever the schemes and however many versions a scheme
has published (one per department, say) — a new published version (the scheme's next number, the
same window, scope and any other column, a note saying what changed) replaces it, and the old one
is retired; grades already given keep pointing at the old one (SPEC §2). What changes:

- ``conditions`` schemes (department A/B/C): ``department_black_list`` joins the kinds of the first C
  condition naming ``joint_punishment_list`` or ``serious_dishonesty`` (a department's black listing is
  serious dishonesty, C); ``department_red_list`` joins the first A condition naming ``commendation``
  or ``red_list`` (a commendation, A). The scope is left alone: a department's records count in its own
  grading, and its lists are not added to the kinds counted from other departments.
- ``score`` schemes (county A+…D-): ``department_red_list`` joins the first item naming
  ``commendation`` or ``red_list`` (points for a commendation). A department black listing is a serious
  record, which the class of serious dishonesty (D) already holds by its severity; only a D class that
  names kinds instead gets ``department_black_list`` added. The joint-punishment class (D-) is not
  touched.
- Rules that list their own ``in_force_kinds`` get both kinds there (a listing counts while in force,
  however long ago it was decided; the default list in ``grading/window.py`` has them).

A version none of this changes is left as it is. The reverse retires (or, when nothing points at it,
deletes) each version made here and publishes again the one it replaced. Literal data: no app imports.
"""

import copy
import re

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

BLACK, RED = "department_black_list", "department_red_list"
SERIOUS_KINDS = {"joint_punishment_list", "serious_dishonesty"}
COMMENDATION_KINDS = {"commendation", "red_list"}
MARK = "部门红黑名单计入评价"
NOTE = MARK + "（SPEC §3.6）：部门黑名单计为严重失信，部门红名单计为表彰；在第{base}版基础上修改"
BASE = re.compile(r"在第(\d+)版基础上修改")
# Columns of the new version that are not copied from the one it replaces.
OWN = {"id", "number", "status", "note", "rules", "published_at", "published_by"}


def _add(kinds: list, kind: str) -> bool:
    if kind in kinds:
        return False
    kinds.append(kind)
    return True


def _named(rule: dict, kinds: set) -> bool:
    return bool(kinds & set(rule.get("kinds") or []))


def counted_rules(kind: str, rules: dict) -> dict | None:
    """The rules with the department lists counted, or None when nothing had to change."""
    rules = copy.deepcopy(rules)
    changed = False
    if kind == "score":
        positive = next((i for i in rules.get("items", []) if _named(i, COMMENDATION_KINDS)), None)
        if positive is not None:
            changed |= _add(positive["kinds"], RED)
        serious = next((b for b in rules.get("classes", []) if b.get("best") == "D"), None)
        if serious is not None and serious.get("kinds") and "serious" not in (serious.get("severities") or []):
            changed |= _add(serious["kinds"], BLACK)
    else:
        conditions = rules.get("conditions", [])
        black = next((c for c in conditions if c.get("grade") == "C" and _named(c, SERIOUS_KINDS)), None)
        if black is not None:
            changed |= _add(black["kinds"], BLACK)
        red = next((c for c in conditions if c.get("grade") == "A" and _named(c, COMMENDATION_KINDS)), None)
        if red is not None:
            changed |= _add(red["kinds"], RED)
    if isinstance(rules.get("in_force_kinds"), list):
        for added in (BLACK, RED):
            changed |= _add(rules["in_force_kinds"], added)
    return rules if changed else None


def count_department_lists(apps, schema_editor):
    SchemeVersion = apps.get_model("grading", "SchemeVersion")
    now = timezone.now()
    published = SchemeVersion.objects.filter(status="published").select_related("scheme")
    for version in list(published.order_by("scheme_id", "number", "pk")):
        rules = counted_rules(version.scheme.kind, version.rules)
        if rules is None:
            continue
        copied = {
            field.attname: getattr(version, field.attname)
            for field in SchemeVersion._meta.concrete_fields
            if field.name not in OWN
        }
        # Numbered on in the version's own chain: the county's, or its department's (SPEC §3.6).
        chain = SchemeVersion.objects.filter(scheme_id=version.scheme_id, department_id=version.department_id)
        number = chain.aggregate(n=Max("number"))["n"] + 1
        # Retired first: a scheme (or a department's version of it) has one published version.
        version.status = "retired"
        version.save(update_fields=["status"])
        SchemeVersion.objects.create(
            **copied,
            number=number,
            status="published",
            rules=rules,
            note=NOTE.format(base=version.number),
            published_at=now,
        )


def restore(apps, schema_editor):
    SchemeVersion = apps.get_model("grading", "SchemeVersion")
    Grade = apps.get_model("grading", "Grade")
    EvaluationRun = apps.get_model("grading", "EvaluationRun")
    for version in list(SchemeVersion.objects.filter(note__startswith=MARK, status="published")):
        found = BASE.search(version.note)
        base = (
            SchemeVersion.objects.filter(
                scheme_id=version.scheme_id, department_id=version.department_id, number=int(found.group(1))
            ).first()
            if found
            else None
        )
        if Grade.objects.filter(version=version).exists() or EvaluationRun.objects.filter(version=version).exists():
            version.status = "retired"
            version.save(update_fields=["status"])
        else:
            version.delete()
        if base is not None:
            base.status = "published"
            base.save(update_fields=["status"])


class Migration(migrations.Migration):
    dependencies = [("grading", "0010_art4_inputs"), ("records", "0008_department_list_kinds")]

    operations = [migrations.RunPython(count_department_lists, restore)]
