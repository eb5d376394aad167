"""The inputs of 000/001 Art. 4 (SPEC §3.6) weighed by every shipped scheme: a new published version of
every published scheme version, with the rules below added and the old version retired; its grades
stay as given (they point at their version) and the next regrade uses the new one.

What each input weighs (the choices where the seeds are silent, documented here and in the README):

- 投诉举报 (substantiated complaint or report, 000/001 Art. 4), 检查不合格 (daily inspection failed: minor;
  the sanction it led to is entered as an administrative penalty of its own): minor negative
  information — county: a deduction of its own (its label in the reasons) and the class 轻微失信 B;
  department: a B condition.
- 公众评价 (public evaluation: 满意 / 基本满意 / 不满意) and 市场信用评价 (market credit evaluation and
  industry-association credit rating, 002 §4(2): AAA … C): a good result (满意; AAA, AA, A) counts like a
  commendation (county +20, department A), a bad one (不满意; CCC, CC, C) as minor negative information
  (county −10 and class B, department B); the results between count for nothing.
- 国家公共信用综合评价结果 (pushed down by the platform): 差 or D caps the county grade at C- (a class band
  C- to C-, placed before 一般失信: worse classes — serious dishonesty, the black list — still win; also
  −50 points, as general dishonesty) and the department grade at B (a B condition: C conditions still
  win); 优 or A counts as a commendation (+20; department A).
- 联合奖励 / 联合惩戒措施通报 (other departments' joint reward and punishment notices, 000/001 Art. 4): a
  reward counts as a commendation; a punishment notice by its severity (county −10 / −50 / −150 and the
  class of its severity; department: serious C, otherwise B). The department versions that count named
  kinds from other departments (scope "kinds") count the national results and these notices.

How they are added, to any rules (the credit office may have edited the defaults):

- score versions: the items are appended; each class band goes before the first band that is better
  (or holds for everyone), so the bands stay ordered from the worst class down — which is what keeps
  SPEC §3.2 (a negative never raises a level); the kinds stop being ignored; and a general item that
  would also count an input these items count on their own (轻微失信信息 for a complaint, say) leaves
  that kind out (``except_kinds``), so each record is counted once and its reason names it;
- conditions versions: each condition goes after the last condition giving the same grade (county-grade
  conditions, ``input_grades``, included), or after the last condition giving a worse one — precedence
  C over B over A holds;
- a rule whose label is already there is not added again.

The reverse restores each previous version and retires (or, if no grade points at it, deletes) the one
made here. Literal data: no app imports.
"""

import re

from django.db import migrations
from django.utils import timezone

NOTE = (
    "增加第四条所列评价依据（000、001 第四条；SPEC §3.6）：经查实的投诉举报、日常监督检查不合格、"
    "公众评价、市场信用评价和行业协会信用评级、国家公共信用综合评价结果（差或D：县级最高C-、部门最高B）、"
    "其他部门通报的联合奖惩信息"
)
# The version a new one replaced, at the end of its note: what the reverse restores.
REPLACES = "（据第{number}版修订）"
REPLACES_RE = re.compile(r"（据第(\d+)版修订）$")

NATIONAL_GOOD = ["优", "A"]
NATIONAL_BAD = ["差", "D"]
EVALUATION_GOOD = ["满意"]
EVALUATION_BAD = ["不满意"]
RATING_GOOD = ["AAA", "AA", "A"]
RATING_BAD = ["CCC", "CC", "C"]

# --- county score model (003 §3): items appended, class bands placed by their range -------------------
SCORE_ITEMS = [
    {"label": "经查实的投诉举报", "kinds": ["complaint"], "severities": ["minor"], "points": -10},
    {"label": "日常监督检查不合格", "kinds": ["inspection_failed"], "severities": ["minor"], "points": -10},
    {"label": "公众评价满意", "kinds": ["public_evaluation"], "external_grades": EVALUATION_GOOD, "points": 20,
     "max_points": 60},
    {"label": "公众评价不满意", "kinds": ["public_evaluation"], "external_grades": EVALUATION_BAD, "points": -10},
    {"label": "市场信用评价、行业协会信用评级良好（AAA、AA、A）", "kinds": ["credit_rating"],
     "external_grades": RATING_GOOD, "points": 20, "max_points": 60},
    {"label": "市场信用评价、行业协会信用评级较差（CCC、CC、C）", "kinds": ["credit_rating"],
     "external_grades": RATING_BAD, "points": -10},
    {"label": "国家公共信用综合评价结果为优（A）", "kinds": ["national_evaluation"], "external_grades": NATIONAL_GOOD,
     "points": 20, "max_points": 60},
    {"label": "国家公共信用综合评价结果为差（D）", "kinds": ["national_evaluation"], "external_grades": NATIONAL_BAD,
     "points": -50},
    {"label": "其他部门通报的联合奖励", "kinds": ["joint_reward"], "points": 20, "max_points": 60},
    {"label": "其他部门通报的联合惩戒措施（轻微失信）", "kinds": ["joint_punishment_notice"], "severities": ["minor"],
     "points": -10},
    {"label": "其他部门通报的联合惩戒措施（一般失信）", "kinds": ["joint_punishment_notice"],
     "severities": ["general"], "points": -50},
    {"label": "其他部门通报的联合惩戒措施（严重失信）", "kinds": ["joint_punishment_notice"],
     "severities": ["serious"], "points": -150},
]
SCORE_CLASSES = [
    {"label": "国家公共信用综合评价结果为差（D），最高评为C-", "kinds": ["national_evaluation"],
     "external_grades": NATIONAL_BAD, "best": "C-", "worst": "C-"},
    {"label": "轻微失信（公众评价不满意）", "kinds": ["public_evaluation"], "external_grades": EVALUATION_BAD,
     "best": "B", "worst": "B"},
    {"label": "轻微失信（市场信用评价、行业协会信用评级较差）", "kinds": ["credit_rating"],
     "external_grades": RATING_BAD, "best": "B", "worst": "B"},
]

# --- department A/B/C (001 Art. 8): conditions placed by their grade ------------------------------------
CONDITIONS = [
    {"grade": "C", "label": "其他部门通报的联合惩戒措施（严重失信）", "kinds": ["joint_punishment_notice"],
     "severities": ["serious"]},
    {"grade": "B", "label": "经查实的投诉举报", "kinds": ["complaint"]},
    {"grade": "B", "label": "日常监督检查不合格", "kinds": ["inspection_failed"]},
    {"grade": "B", "label": "公众评价不满意", "kinds": ["public_evaluation"], "external_grades": EVALUATION_BAD},
    {"grade": "B", "label": "市场信用评价、行业协会信用评级较差（CCC、CC、C）", "kinds": ["credit_rating"],
     "external_grades": RATING_BAD},
    {"grade": "B", "label": "国家公共信用综合评价结果为差（D），最高评为B级", "kinds": ["national_evaluation"],
     "external_grades": NATIONAL_BAD},
    {"grade": "B", "label": "其他部门通报的联合惩戒措施", "kinds": ["joint_punishment_notice"],
     "severities": ["minor", "general"]},
    {"grade": "A", "label": "国家公共信用综合评价结果为优（A）", "kinds": ["national_evaluation"],
     "external_grades": NATIONAL_GOOD},
    {"grade": "A", "label": "公众评价满意", "kinds": ["public_evaluation"], "external_grades": EVALUATION_GOOD},
    {"grade": "A", "label": "市场信用评价、行业协会信用评级良好（AAA、AA、A）", "kinds": ["credit_rating"],
     "external_grades": RATING_GOOD},
    {"grade": "A", "label": "其他部门通报的联合奖励", "kinds": ["joint_reward"]},
]
# 000/001 Art. 4: results pushed down and other departments' notices count whoever entered them.
SCOPE_KINDS = ["national_evaluation", "joint_reward", "joint_punishment_notice"]

LEVELS = ["A+", "A", "B", "C", "C-", "D", "D-"]
GRADE_ORDER = ["C", "B", "A"]  # precedence: C over B over A
ALL_SEVERITIES = "*"


def _copy(rules):
    """A deep copy of JSON data."""
    if isinstance(rules, dict):
        return {k: _copy(v) for k, v in rules.items()}
    if isinstance(rules, list):
        return [_copy(v) for v in rules]
    return rules


def _labels(rules, part):
    return {rule.get("label") for rule in rules.get(part, [])}


def _covered(items):
    """kind → the severities for which the new items count every record of that kind on their own
    (``*``: every severity): a kind named alone, with no external grade."""
    covered = {}
    for item in items:
        if len(item.get("kinds", [])) != 1 or item.get("external_grades"):
            continue
        severities = item.get("severities") or [ALL_SEVERITIES]
        covered.setdefault(item["kinds"][0], set()).update(severities)
    return covered


def _yields(item, kind, polarity, severities):
    """Whether an existing item would count a record of ``kind`` that the new items count: it names
    no kinds (or names others), asks no external grade, and every severity it counts is one of theirs."""
    if item.get("kinds") or item.get("external_grades") or kind in item.get("except_kinds", []):
        return False
    if item.get("polarity") and item["polarity"] != polarity:
        return False
    own = set(item.get("severities") or [])
    if own and polarity != "negative":
        return False  # only negative information has a severity: the item never counts this kind
    return ALL_SEVERITIES in severities or (bool(own) and own <= severities)


def _band_key(band):
    return LEVELS.index(band["best"]), LEVELS.index(band["worst"])


def _holds_for_everyone(band):
    return not band.get("kinds") and not band.get("severities")


def score_rules(rules, polarities):
    rules = _copy(rules)
    items = [i for i in SCORE_ITEMS if i["label"] not in _labels(rules, "items")]
    for item in rules.get("items", []):
        for kind, severities in sorted(_covered(items).items()):
            if _yields(item, kind, polarities.get(kind, ""), severities):
                item["except_kinds"] = item.get("except_kinds", []) + [kind]
    rules["items"] = rules.get("items", []) + _copy(items)
    classes = rules.setdefault("classes", [])
    for band in SCORE_CLASSES:
        if band["label"] in _labels(rules, "classes"):
            continue
        key = _band_key(band)
        place = next(
            (
                n
                for n, other in enumerate(classes)
                if _holds_for_everyone(other)
                or (other.get("best") in LEVELS and other.get("worst") in LEVELS and _band_key(other) < key)
            ),
            len(classes),
        )
        classes.insert(place, _copy(band))
    named = {kind for rule in SCORE_ITEMS + SCORE_CLASSES for kind in rule["kinds"]}
    if "ignore_kinds" in rules:
        rules["ignore_kinds"] = [k for k in rules["ignore_kinds"] if k not in named]
    return rules


def conditions_rules(rules):
    rules = _copy(rules)
    conditions = rules.setdefault("conditions", [])
    for condition in CONDITIONS:
        if condition["label"] in _labels(rules, "conditions"):
            continue
        rank = GRADE_ORDER.index(condition["grade"])
        same = [n for n, c in enumerate(conditions) if c.get("grade") == condition["grade"]]
        worse = [n for n, c in enumerate(conditions) if c.get("grade") in GRADE_ORDER[:rank]]
        place = (same or worse or [-1])[-1] + 1
        conditions.insert(place, _copy(condition))
    return rules


def _scope_kinds(version):
    kinds = list(version.scope_kinds or [])
    if version.record_scope == "kinds":
        kinds += [k for k in SCOPE_KINDS if k not in kinds]
    return kinds


HISTORY_REASON = "增加第四条所列评价依据"


def _history(apps, version, history_type):
    """A row of the version's history (django-simple-history), as the admin would leave one."""
    try:
        Historical = apps.get_model("grading", "HistoricalSchemeVersion")
    except LookupError:
        return
    values = {f.attname: getattr(version, f.attname) for f in version._meta.concrete_fields}
    Historical.objects.create(
        **values,
        history_date=timezone.now(),
        history_type=history_type,
        history_change_reason=HISTORY_REASON,
        history_user=None,
    )


# Fields a new version takes from the one it replaces (whatever else a version carries — its window,
# scope, a department it is kept for — it keeps).
OWN_FIELDS = {"id", "number", "status", "rules", "scope_kinds", "note", "published_at", "published_by"}


def _kept(model, version):
    return {f.attname: getattr(version, f.attname) for f in model._meta.concrete_fields if f.name not in OWN_FIELDS}


def add_inputs(apps, schema_editor):
    Scheme = apps.get_model("grading", "Scheme")
    SchemeVersion = apps.get_model("grading", "SchemeVersion")
    RecordKind = apps.get_model("records", "RecordKind")
    polarities = dict(RecordKind.objects.values_list("code", "polarity"))
    for scheme in Scheme.objects.order_by("pk"):
        for old in SchemeVersion.objects.filter(scheme=scheme, status="published").order_by("number", "pk"):
            if scheme.kind == "score":
                rules = score_rules(old.rules, polarities)
            else:
                rules = conditions_rules(old.rules)
            # Numbered on in the version's own chain: the county's, or its department's (SPEC §3.6).
            chain = SchemeVersion.objects.filter(scheme=scheme, department_id=old.department_id)
            number = max(chain.values_list("number", flat=True)) + 1
            old.status = "retired"
            old.save(update_fields=["status"])
            _history(apps, old, "~")
            new = SchemeVersion.objects.create(
                **_kept(SchemeVersion, old),
                number=number,
                status="published",
                rules=rules,
                scope_kinds=_scope_kinds(old),
                note=NOTE + REPLACES.format(number=old.number),
                published_at=timezone.now(),
                published_by=None,
            )
            _history(apps, new, "+")


def remove_inputs(apps, schema_editor):
    SchemeVersion = apps.get_model("grading", "SchemeVersion")
    Grade = apps.get_model("grading", "Grade")
    EvaluationRun = apps.get_model("grading", "EvaluationRun")
    for new in SchemeVersion.objects.filter(status="published", note__startswith=NOTE).order_by("pk"):
        match = REPLACES_RE.search(new.note)
        if match is None:
            continue
        # The one it replaced: its number, and what a new version keeps (a department it is kept for).
        candidates = list(
            SchemeVersion.objects.filter(
                scheme_id=new.scheme_id, department_id=new.department_id, number=int(match.group(1))
            )
        )
        same = [c for c in candidates if _kept(SchemeVersion, c) == _kept(SchemeVersion, new)]
        old = (same or candidates or [None])[0]
        if old is None:
            continue
        if Grade.objects.filter(version=new).exists() or EvaluationRun.objects.filter(version=new).exists():
            new.status = "retired"
            new.save(update_fields=["status"])
            _history(apps, new, "~")
        else:
            new.delete()
        old.status = "published"
        old.save(update_fields=["status"])
        _history(apps, old, "~")


class Migration(migrations.Migration):
    dependencies = [
        ("grading", "0009_department_version_constraints"),
        ("records", "0007_art4_input_kinds"),
    ]

    operations = [migrations.RunPython(add_inputs, remove_inputs)]
