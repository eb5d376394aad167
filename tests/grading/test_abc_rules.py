"""SPEC §3.1 / 001 Art. 8-10, rule by rule, with the boundaries."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading.engine import evaluate_conditions
from grading.rules import parse_rules

from .conftest import fact


def grade(rules, *facts, input_grade=""):
    return evaluate_conditions(parse_rules("conditions", rules), list(facts), input_grade=input_grade)


def test_no_records_is_a_by_default_and_can_be_not_graded(abc_rules):
    outcome = grade(abc_rules)
    assert outcome.grade == "A" and outcome.reasons[0]["rule"].startswith("一年内无信用记录")
    assert grade({**abc_rules, "no_record_grade": ""}).grade == ""


@pytest.mark.parametrize(("warnings", "expected"), [(1, "B"), (2, "B"), (3, "C"), (4, "C")])
def test_orders_to_correct_and_warnings_two_versus_three(abc_rules, warnings, expected):
    facts = [fact("warning", "minor") for _ in range(warnings - 1)] + [fact("correction_order", "minor")]
    outcome = grade(abc_rules, *facts)
    assert outcome.grade == expected
    assert len(outcome.reasons[0]["documents"]) == warnings


@pytest.mark.parametrize(("total", "expected"), [("500000", "B"), ("500000.01", "C"), ("500001", "C")])
def test_fines_up_to_500000_yuan_versus_above(abc_rules, total, expected):
    outcome = grade(
        abc_rules,
        fact("administrative_penalty", "general", fine="200000"),
        fact("administrative_penalty", "general", fine=str(__import__("decimal").Decimal(total) - 200000)),
    )
    assert outcome.grade == expected


@pytest.mark.parametrize(("cases", "expected"), [(2, "B"), (3, "C")])
def test_penalty_cases_two_versus_three(abc_rules, cases, expected):
    assert (
        grade(
            abc_rules, *[fact("administrative_penalty", "general", fine="1000") for _ in range(cases)]
        ).grade
        == expected
    )


def test_one_decision_with_several_violations_is_one_case_but_each_violation_is_graded(abc_rules):
    # 001 Art. 10: three violations of one decision: one case (B) ...
    same = [fact("administrative_penalty", "general", doc="西发改罚〔2026〕1号") for _ in range(3)]
    assert grade(abc_rules, *same).grade == "B"
    # ... and if one of them is serious (its heaviest sanction, 001 Art. 9), the subject is C.
    mixed = same[:2] + [fact("administrative_penalty", "serious", doc="西发改罚〔2026〕1号")]
    outcome = grade(abc_rules, *mixed)
    assert outcome.grade == "C" and outcome.reasons[0]["documents"] == ["西发改罚〔2026〕1号"]


@pytest.mark.parametrize(
    "kind", ["serious_dishonesty", "refusal_of_obligation", "joint_punishment_list", "low_grade"]
)
def test_serious_dishonesty_and_low_grade_elsewhere_are_c(abc_rules, kind):
    assert grade(abc_rules, fact(kind, "serious"), fact("commendation")).grade == "C"


@pytest.mark.parametrize(("breaches", "expected"), [(2, "B"), (3, "C")])
def test_licence_commitment_breaches(abc_rules, breaches, expected):
    assert (
        grade(abc_rules, *[fact("commitment_breach", "general") for _ in range(breaches)]).grade == expected
    )


@pytest.mark.parametrize("kind", ["commendation", "good_grade", "association_commendation", "red_list"])
def test_commendations_and_good_grades_are_a_with_the_reason(abc_rules, kind):
    outcome = grade(abc_rules, fact(kind, doc="表彰文件"))
    assert outcome.grade == "A" and outcome.reasons[0]["documents"] == ["表彰文件"]


def test_precedence_c_over_b_over_a(abc_rules):
    assert grade(abc_rules, fact("commendation"), fact("warning", "minor")).grade == "B"
    assert (
        grade(
            abc_rules,
            fact("commendation"),
            fact("warning", "minor"),
            fact("administrative_penalty", "serious"),
        ).grade
        == "C"
    )


def test_records_no_rule_counts_leave_the_default(abc_rules):
    # A complaint counts since grading 0007 (000/001 Art. 4); a middling national result does not.
    outcome = grade(abc_rules, fact("national_evaluation", external_grade="中"))
    assert outcome.grade == "A" and outcome.reasons[0]["rule"] == "无失信信息"


def test_county_grade_as_an_input(abc_rules):
    rules = {
        **abc_rules,
        "conditions": [{"grade": "C", "label": "县公共信用评价为D级", "input_grades": ["D", "D-"]}]
        + abc_rules["conditions"],
    }
    assert grade(rules, input_grade="D-").grade == "C"
    assert grade(rules, input_grade="A").grade == "A"


# 000/001 Art. 4 inputs among the department's records (grading 0007): precedence C over B over A
# means a record of bad news never improves the grade and good news never worsens it.
BAD = st.sampled_from(
    [
        ("warning", "minor", ""),
        ("administrative_penalty", "general", ""),
        ("administrative_penalty", "serious", ""),
        ("commitment_breach", "general", ""),
        ("complaint", "minor", ""),
        ("inspection_failed", "minor", ""),
        ("public_evaluation", "", "不满意"),
        ("credit_rating", "", "CC"),
        ("national_evaluation", "", "差"),
        ("national_evaluation", "", "D"),
        ("joint_punishment_notice", "general", ""),
        ("joint_punishment_notice", "serious", ""),
    ]
)
GOOD = st.sampled_from(
    [
        ("commendation", "", ""),
        ("national_evaluation", "", "优"),
        ("public_evaluation", "", "满意"),
        ("credit_rating", "", "AAA"),
        ("joint_reward", "", ""),
    ]
)
ORDER = ["A", "B", "C"]


def facts_of(items):
    return [fact(kind, severity, external_grade=grade) for kind, severity, grade in items]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.lists(BAD, max_size=8), good=st.lists(GOOD, max_size=4), extra_bad=BAD, extra_good=GOOD)
def test_bad_news_never_improves_and_good_news_never_worsens_the_department_grade(
    abc_rules, bad, good, extra_bad, extra_good
):
    facts = facts_of(bad) + facts_of(good)
    before = ORDER.index(grade(abc_rules, *facts).grade)
    assert ORDER.index(grade(abc_rules, *facts, *facts_of([extra_bad])).grade) >= before
    assert ORDER.index(grade(abc_rules, *facts, *facts_of([extra_good])).grade) <= before
    if any(item[0] == "national_evaluation" and item[2] in ("差", "D") for item in bad):
        assert before >= ORDER.index("B")  # a national 差/D: B at best
