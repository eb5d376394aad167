"""The inputs of 000/001 Art. 4 in every shipped scheme (SPEC §3.6; grading 0007, records 0006):
complaints, daily inspections, public evaluation, market and association ratings, the national
evaluation pushed down, other departments' joint reward and punishment notices — each weighed by the
county model and the department scheme, each named in the reasons."""

import datetime
import importlib
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from grading.engine import evaluate
from grading.models import Grade, Scheme, SchemeVersion, VersionStatus
from grading.rules import LEVELS, parse_rules, validate_rules
from grading.services import grades_compute, regrade_subjects, version_published
from records.models import CreditRecord, RecordKind
from records.services import record_approve, record_create, record_submit
from records.validation import RecordInput
from tests.factories import make_company, make_uscc

from .conftest import fact

pytestmark = pytest.mark.django_db

migration = importlib.import_module("grading.migrations.0010_art4_inputs")

# kind, severity, external grade → county level(s), department grade, a word of the rule's label
INPUTS = [
    ("complaint", "minor", "", ["B"], "B", "投诉举报"),
    ("inspection_failed", "minor", "", ["B"], "B", "检查不合格"),
    ("public_evaluation", "", "满意", ["A+"], "A", "公众评价满意"),
    ("public_evaluation", "", "不满意", ["B"], "B", "公众评价不满意"),
    ("credit_rating", "", "AA", ["A+"], "A", "信用评级良好"),
    ("credit_rating", "", "CC", ["B"], "B", "信用评级较差"),
    ("national_evaluation", "", "优", ["A+"], "A", "国家公共信用综合评价结果为优"),
    ("national_evaluation", "", "A", ["A+"], "A", "国家公共信用综合评价结果为优"),
    ("national_evaluation", "", "差", ["C-"], "B", "国家公共信用综合评价结果为差"),
    ("national_evaluation", "", "D", ["C-"], "B", "国家公共信用综合评价结果为差"),
    ("joint_reward", "", "", ["A+"], "A", "联合奖励"),
    ("joint_punishment_notice", "minor", "", ["B"], "B", "联合惩戒措施"),
    ("joint_punishment_notice", "general", "", ["C", "C-"], "B", "联合惩戒措施"),
    ("joint_punishment_notice", "serious", "", ["D", "D-"], "C", "联合惩戒措施"),
]


def outcome(rules: dict, kind: str, *facts):
    return evaluate(parse_rules(kind, rules), list(facts))


def labels(result) -> list[str]:
    return [reason["rule"] for reason in result.reasons]


@pytest.mark.parametrize(("kind", "severity", "grade", "county", "department", "word"), INPUTS)
def test_each_input_alone_is_weighed_and_named(
    public_rules, abc_rules, kind, severity, grade, county, department, word
):
    record = fact(kind, severity, external_grade=grade, doc="依据-1")
    public = outcome(public_rules, "score", record)
    assert public.grade in county
    named = [r for r in public.reasons if word in r["rule"]]
    assert named and all(r["documents"] == ["依据-1"] for r in named)
    abc = outcome(abc_rules, "conditions", record)
    assert abc.grade == department
    assert word in abc.reasons[0]["rule"] and abc.reasons[0]["documents"] == ["依据-1"]


@pytest.mark.parametrize(("grade", "expected"), [("中", "A"), ("良", "A"), ("B", "A"), ("C", "A")])
def test_middling_national_results_weigh_nothing(public_rules, abc_rules, grade, expected):
    record = fact("national_evaluation", external_grade=grade)
    assert outcome(public_rules, "score", record).grade == expected
    assert outcome(abc_rules, "conditions", record).grade == expected
    assert outcome(public_rules, "score", record).reasons == [
        {"rule": "诚信守法", "range": ["A+", "A"], "documents": []}
    ]


def test_a_national_d_caps_the_county_grade_at_c_minus_and_worse_classes_still_win(public_rules):
    bad = fact("national_evaluation", external_grade="D")
    assert outcome(public_rules, "score", bad, fact("commendation"), fact("red_list")).grade == "C-"
    assert outcome(public_rules, "score", bad, fact("warning", "minor")).grade == "C-"
    assert outcome(public_rules, "score", bad, fact("commitment_breach", "general")).grade == "C-"
    serious = outcome(public_rules, "score", bad, fact("administrative_penalty", "serious", fine="2000"))
    assert serious.grade in ("D", "D-") and "严重失信" in labels(serious)
    assert outcome(public_rules, "score", bad, fact("joint_punishment_list", "serious")).grade == "D-"
    for other in LEVELS[: LEVELS.index("C-")]:
        assert outcome(public_rules, "score", bad).grade != other


def test_a_national_d_caps_the_department_grade_at_b_and_c_conditions_still_win(abc_rules):
    bad = fact("national_evaluation", external_grade="差")
    assert outcome(abc_rules, "conditions", bad, fact("commendation")).grade == "B"
    assert outcome(abc_rules, "conditions", bad, fact("administrative_penalty", "serious")).grade == "C"
    assert outcome(abc_rules, "conditions", bad, fact("low_grade", "serious")).grade == "C"


def test_a_complaint_counts_once_and_is_named(public_rules):
    """The general 轻微失信信息 item leaves the complaint to the item naming it (except_kinds)."""
    result = outcome(public_rules, "score", fact("complaint", "minor", doc="投-1"))
    assert result.score == 990
    assert labels(result) == ["经查实的投诉举报", "轻微失信"]
    warning = outcome(public_rules, "score", fact("warning", "minor"), fact("complaint", "minor"))
    assert warning.score == 980 and labels(warning) == ["轻微失信信息", "经查实的投诉举报", "轻微失信"]
    # A complaint raised by hand to general dishonesty is general information (the general item).
    general = outcome(public_rules, "score", fact("complaint", "general"))
    assert general.grade in ("C", "C-") and "一般失信信息" in labels(general)


def test_the_shipped_versions_validate_and_keep_their_window_and_scope():
    known = set(RecordKind.objects.values_list("code", flat=True))
    # Every published version: the county's and each department's own (SPEC §3.6), each succeeding
    # the version before it in its own chain.
    versions = SchemeVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("scheme")
    assert versions.count() == 5
    for published in versions:
        # This migration's successor in each chain (a later migration may have succeeded it since).
        chain = SchemeVersion.objects.filter(scheme=published.scheme, department=published.department)
        version = chain.get(note__startswith=migration.NOTE)
        previous = chain.get(number=version.number - 1)
        assert previous.status == VersionStatus.RETIRED
        assert (version.window_days, version.record_scope) == (previous.window_days, previous.record_scope)
        assert version.note.startswith(migration.NOTE) and version.note.endswith(
            f"第{previous.number}版修订）"
        )
        for checked in (version, published):
            assert (
                validate_rules(
                    checked.scheme.kind, checked.rules, known_kinds=known, scope_kinds=checked.scope_kinds
                )
                == []
            )
    abc = SchemeVersion.objects.get(
        scheme__code="abc", department__code="fgw", status=VersionStatus.PUBLISHED
    )
    assert {"national_evaluation", "joint_reward", "joint_punishment_notice"} <= set(abc.scope_kinds)
    public = SchemeVersion.objects.get(scheme__code="public", status=VersionStatus.PUBLISHED)
    assert not {"complaint", "public_evaluation", "national_evaluation"} & set(public.rules["ignore_kinds"])


# --- the migration's placing of rules, on any rule set ------------------------------------------------

HOUSING = {  # a department scheme on the county grade (000 Art. 8, SPEC §3.6), with its own records
    "input_scheme": "public",
    "default_grade": "A",
    "no_record_grade": "A",
    "conditions": [
        {"grade": "C", "label": "县级评价严重失信", "input_grades": ["D", "D-"]},
        {
            "grade": "C",
            "label": "受到严重行政处罚",
            "kinds": ["administrative_penalty"],
            "severities": ["serious"],
        },
        {"grade": "B", "label": "县级评价失信", "input_grades": ["B", "C", "C-"]},
        {"grade": "B", "label": "警告", "kinds": ["warning"]},
        {"grade": "A", "label": "县级评价诚信守法", "input_grades": ["A+", "A"]},
    ],
}


def _grades(conditions) -> list[str]:
    return [c["grade"] for c in conditions]


def test_conditions_go_after_the_last_of_their_grade_county_grade_conditions_included():
    rules = migration.conditions_rules(HOUSING)
    conditions = rules["conditions"]
    assert rules["input_scheme"] == "public" and HOUSING["conditions"][0] == conditions[0]
    order = [c["label"] for c in conditions]
    new = [c["label"] for c in migration.CONDITIONS]
    c_new = [c["label"] for c in migration.CONDITIONS if c["grade"] == "C"]
    b_new = [c["label"] for c in migration.CONDITIONS if c["grade"] == "B"]
    a_new = [c["label"] for c in migration.CONDITIONS if c["grade"] == "A"]
    assert order == (
        [
            "县级评价严重失信",
            "受到严重行政处罚",
            *c_new,
            "县级评价失信",
            "警告",
            *b_new,
            "县级评价诚信守法",
            *a_new,
        ]
    )
    assert sorted(order) == sorted([c["label"] for c in HOUSING["conditions"]] + new)
    assert _grades(conditions) == sorted(_grades(conditions), key=["C", "B", "A"].index)  # C over B over A
    parsed = parse_rules("conditions", rules)
    bad = fact("national_evaluation", external_grade="D")
    assert evaluate(parsed, [bad], input_grade="A").grade == "B"  # the national D caps at B
    assert evaluate(parsed, [bad], input_grade="D-").grade == "C"  # a worse county grade still wins
    assert evaluate(parsed, [fact("complaint", "minor")], input_grade="").grade == "B"
    assert migration.conditions_rules(rules) == rules  # a rule already there is not added again


def test_a_rule_set_without_a_grade_gets_it_after_the_worse_ones():
    rules = migration.conditions_rules(
        {
            "conditions": [
                {"grade": "C", "label": "严重", "kinds": ["serious_dishonesty"]},
                {"grade": "A", "label": "表彰", "kinds": ["commendation"]},
            ]
        }
    )
    assert _grades(rules["conditions"]) == ["C", "C", "B", "B", "B", "B", "B", "B", "A", "A", "A", "A", "A"]
    only_a = migration.conditions_rules(
        {"conditions": [{"grade": "A", "label": "表彰", "kinds": ["commendation"]}]}
    )
    assert _grades(only_a["conditions"])[:7] == ["C", "B", "B", "B", "B", "B", "B"]


def test_score_bands_are_placed_from_the_worst_class_down_and_general_items_yield():
    custom = {
        "base": 100,
        "ignore_kinds": ["complaint", "warning"],
        "items": [
            {"label": "所有负面", "polarity": "negative", "points": -1},
            {"label": "轻微", "polarity": "negative", "severities": ["minor"], "points": -2},
            {"label": "轻微或一般", "severities": ["minor", "general"], "points": -3},
            {"label": "投诉", "kinds": ["complaint"], "points": -4},
        ],
        "levels": [["A+", 110], ["A", 100], ["B", 90], ["C", 80], ["C-", 70], ["D", 60], ["D-", None]],
        "classes": [
            {"label": "严重", "severities": ["serious"], "best": "D", "worst": "D-"},
            {"label": "一般", "severities": ["general"], "best": "C", "worst": "C-"},
            {"label": "人人", "best": "A+", "worst": "B"},
        ],
    }
    polarities = dict(RecordKind.objects.values_list("code", "polarity"))
    rules = migration.score_rules(custom, polarities)
    items = {item["label"]: item for item in rules["items"]}
    assert "except_kinds" not in items["所有负面"]  # it counts severities the new items leave alone
    assert items["轻微"]["except_kinds"] == ["complaint", "inspection_failed", "joint_punishment_notice"]
    assert items["轻微或一般"]["except_kinds"] == ["joint_punishment_notice"]
    assert "except_kinds" not in items["投诉"]  # it names its kind: left as the office wrote it
    assert [band["label"] for band in rules["classes"]] == [
        "严重",
        "国家公共信用综合评价结果为差（D），最高评为C-",
        "一般",
        "轻微失信（公众评价不满意）",
        "轻微失信（市场信用评价、行业协会信用评级较差）",
        "人人",
    ]
    assert rules["ignore_kinds"] == ["warning"]
    assert custom["ignore_kinds"] == ["complaint", "warning"]  # the old version's rules are not touched


def test_every_published_version_gets_a_successor_and_the_reverse_restores_it(clerk):
    """Several published versions (another department's scheme on the county grade among them): each
    gets its own successor, numbered after the scheme's last version, with its window and scope."""
    from accounts.models import Department

    zjj = Department.objects.get(code="zjj")
    housing = Scheme.objects.create(code="zjj-housing", name="住建信用分级", kind="conditions", owner=zjj)
    old = SchemeVersion.objects.create(
        scheme=housing,
        number=1,
        status=VersionStatus.PUBLISHED,
        window_days=730,
        record_scope="kinds",
        scope_kinds=["national_evaluation", "red_list"],
        rules=HOUSING,
        note="初始版本",
    )
    draft = SchemeVersion.objects.create(scheme=housing, number=2, rules=HOUSING, record_scope="own")
    public_before = SchemeVersion.objects.get(scheme__code="public", status=VersionStatus.PUBLISHED)

    migration.add_inputs(apps, None)

    new = SchemeVersion.objects.get(scheme=housing, status=VersionStatus.PUBLISHED)
    old.refresh_from_db()
    draft.refresh_from_db()
    assert (new.number, old.status, draft.status) == (3, VersionStatus.RETIRED, VersionStatus.DRAFT)
    assert (new.window_days, new.record_scope) == (730, "kinds")
    assert new.scope_kinds == ["national_evaluation", "red_list", "joint_reward", "joint_punishment_notice"]
    assert new.rules == migration.conditions_rules(HOUSING) and new.note.endswith("（据第1版修订）")
    assert new.history.filter(history_type="+").exists()
    # public and abc already weigh the inputs: their successors add nothing more.
    public_after = SchemeVersion.objects.get(scheme__code="public", status=VersionStatus.PUBLISHED)
    assert public_after.number == public_before.number + 1 and public_after.rules == public_before.rules

    Grade.objects.create(
        subject=make_company(),
        scheme=Scheme.objects.get(code="public"),
        version=public_after,
        as_of=timezone.localdate(),
        grade="A",
        source="command",
    )
    migration.remove_inputs(apps, None)

    old.refresh_from_db()
    assert old.status == VersionStatus.PUBLISHED and not SchemeVersion.objects.filter(pk=new.pk).exists()
    public_after.refresh_from_db()  # a grade points at it: kept, retired
    assert public_after.status == VersionStatus.RETIRED
    assert SchemeVersion.objects.get(pk=public_before.pk).status == VersionStatus.PUBLISHED


# --- through the whole stack --------------------------------------------------------------------------


def _effective(clerk, reviewer, subject, **values):
    record = record_create(actor=clerk, subject=subject, data=RecordInput(**values))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


def _grade(subject, code):
    return Grade.objects.get(subject=subject, scheme__code=code, is_current=True)


def test_a_complaint_alone_is_no_longer_a(clerk, reviewer):
    firm = make_company()
    day = timezone.localdate() - datetime.timedelta(days=5)
    _effective(
        clerk,
        reviewer,
        firm,
        kind="投诉举报",
        document_number="西发改投〔2026〕9号",
        decision_date=day,
        matter="价格欺诈投诉经查属实",
    )
    regrade_subjects(subject_ids=[firm.pk])
    public, abc = _grade(firm, "public"), _grade(firm, "abc")
    assert (public.grade, abc.grade) == ("B", "B")
    assert public.reasons[0] == {
        "rule": "经查实的投诉举报",
        "points": "-10",
        "count": 1,
        "documents": ["西发改投〔2026〕9号"],
    }
    assert abc.reasons[0]["rule"] == "经查实的投诉举报"


def test_joint_notices_of_another_department_count_for_the_department_scheme(clerk, reviewer, other_clerk):
    """000/001 Art. 4: the notices other departments circulate count in fgw's scheme (scope kinds)."""
    from accounts.models import Role
    from tests.factories import make_user

    scjg_reviewer = make_user(Role.REVIEWER, "scjg", username="scjg-reviewer-art4")
    firm, rewarded = make_company(), make_company()
    day = timezone.localdate() - datetime.timedelta(days=5)
    _effective(
        other_clerk,
        scjg_reviewer,
        firm,
        kind="联合惩戒措施通报",
        document_number="市监通〔2026〕3号",
        decision_date=day,
        matter="限制参与政府采购",
    )
    _effective(
        other_clerk,
        scjg_reviewer,
        rewarded,
        kind="联合奖励",
        document_number="市监奖〔2026〕4号",
        decision_date=day,
        matter="守信联合激励",
    )
    regrade_subjects(subject_ids=[firm.pk, rewarded.pk])
    assert (
        _grade(firm, "abc").grade == "B"
        and _grade(firm, "abc").reasons[0]["rule"] == "其他部门通报的联合惩戒措施"
    )
    assert _grade(firm, "public").grade in ("C", "C-")
    assert _grade(rewarded, "abc").reasons[0]["rule"] == "其他部门通报的联合奖励"
    assert _grade(rewarded, "public").grade == "A+"


def _national(id: str, code: str, grade: str) -> dict:
    return {
        "id": id,
        "type": "national_evaluation",
        "payload": {
            "subject_code": code,
            "subject_name": "国评有限公司",
            "subject_kind": "legal_person",
            "grade": grade,
            "as_of": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        },
    }


def test_national_results_pulled_down_are_graded_by_the_new_rules(tmp_path):
    bad, good = make_uscc(), make_uscc()
    path = tmp_path / "down.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(i, ensure_ascii=False)
            for i in [_national("NE-1", bad, "D"), _national("NE-2", good, "优")]
        ),
        encoding="utf-8",
    )
    call_command("import_pulldown", str(path), stdout=io.StringIO())
    from subjects.models import Subject

    bad_firm, good_firm = Subject.objects.get(code=bad), Subject.objects.get(code=good)
    regrade_subjects(subject_ids=[bad_firm.pk, good_firm.pk])
    # Pulled down under the credit office, the firms are no department's subjects (SPEC §3.6): the
    # department grade is what fgw's rules give them, as ``evaluate --department fgw`` prints it.
    fgw = version_published(scheme=Scheme.objects.get(code="abc"))
    computed = dict(
        grades_compute(
            version=fgw,
            department=fgw.department,
            as_of=timezone.localdate(),
            subject_ids=[bad_firm.pk, good_firm.pk],
        )
    )
    county, department = _grade(bad_firm, "public"), computed[bad_firm.pk]
    assert not Grade.objects.filter(subject__in=[bad_firm, good_firm], scheme__code="abc").exists()
    assert county.grade == "C-" and department.grade == "B"
    assert "国家公共信用综合评价结果为差（D）" in [r["rule"] for r in county.reasons]
    assert department.reasons[0]["rule"].startswith("国家公共信用综合评价结果为差") and department.reasons[0][
        "documents"
    ] == ["NE-1"]
    assert (_grade(good_firm, "public").grade, computed[good_firm.pk].grade) == ("A+", "A")


def test_a_national_result_off_the_scale_is_rejected_naming_the_payload_field(tmp_path):
    path = tmp_path / "down.jsonl"
    path.write_text(json.dumps(_national("NE-9", make_uscc(), "优秀"), ensure_ascii=False), encoding="utf-8")
    err = io.StringIO()
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("import_pulldown", str(path), stdout=io.StringIO(), stderr=err)
    assert "item 1 (NE-9): grade：" in err.getvalue() and "优、良、中、差、A、B、C、D" in err.getvalue()
    assert not CreditRecord.objects.filter(kind__code="national_evaluation").exists()
