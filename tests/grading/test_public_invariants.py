"""SPEC §3.2: the invariants of the county model, whatever the records (hypothesis) — with the inputs of
000/001 Art. 4 (SPEC §3.6): complaints and failed inspections as minor negatives, bad public
evaluations and ratings as minor negatives, good ones and national 优/A and joint rewards as
commendations, joint punishment notices by their severity, a national 差/D capping the level at C-."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading.engine import evaluate_score
from grading.rules import LEVELS, parse_rules

from .conftest import fact

# (kind, severity, fine, external grade)
NEGATIVE = st.sampled_from(
    [
        ("warning", "minor", "0", ""),
        ("correction_order", "minor", "0", ""),
        ("administrative_penalty", "general", "3000", ""),
        ("administrative_penalty", "general", "120000", ""),
        ("administrative_penalty", "serious", "600000", ""),
        ("commitment_breach", "general", "0", ""),
        ("serious_dishonesty", "serious", "0", ""),
        ("inspection_failed", "minor", "0", ""),
        ("joint_punishment_list", "serious", "0", ""),
        ("complaint", "minor", "0", ""),
        ("public_evaluation", "", "0", "不满意"),
        ("credit_rating", "", "0", "CCC"),
        ("credit_rating", "", "0", "C"),
        ("national_evaluation", "", "0", "差"),
        ("national_evaluation", "", "0", "D"),
        ("joint_punishment_notice", "minor", "0", ""),
        ("joint_punishment_notice", "general", "0", ""),
        ("joint_punishment_notice", "serious", "0", ""),
    ]
)
# (kind, external grade)
POSITIVE = st.sampled_from(
    [
        ("commendation", ""),
        ("association_commendation", ""),
        ("red_list", ""),
        ("good_grade", "良好"),
        ("national_evaluation", "优"),
        ("national_evaluation", "A"),
        ("public_evaluation", "满意"),
        ("credit_rating", "AAA"),
        ("credit_rating", "A"),
        ("joint_reward", ""),
    ]
)
# Results between good and bad: they weigh nothing.
MIDDLING = st.sampled_from(
    [
        ("national_evaluation", "良"),
        ("national_evaluation", "中"),
        ("national_evaluation", "B"),
        ("national_evaluation", "C"),
        ("public_evaluation", "基本满意"),
        ("credit_rating", "BBB"),
        ("credit_rating", "B"),
    ]
)
MINOR_RESULTS = {("public_evaluation", "不满意"), ("credit_rating", "CCC"), ("credit_rating", "C")}
NATIONAL_BAD = {("national_evaluation", "差"), ("national_evaluation", "D")}


def negatives(items):
    return [fact(kind, severity, fine=fine, external_grade=grade) for kind, severity, fine, grade in items]


def others(items):
    return [fact(kind, external_grade=grade) for kind, grade in items]


def level(rules, facts):
    return evaluate_score(parse_rules("score", rules), facts).grade


def test_fixed_points(public_rules):
    assert level(public_rules, []) == "A"
    assert level(public_rules, [fact("commendation")]) == "A+"
    assert level(public_rules, [fact("warning", "minor")]) == "B"
    assert level(public_rules, [fact("administrative_penalty", "general", fine="5000")]) in ("C", "C-")
    assert level(public_rules, [fact("administrative_penalty", "serious")]) in ("D", "D-")
    assert level(public_rules, [fact("commendation"), fact("joint_punishment_list", "serious")]) == "D-"
    assert level(public_rules, [fact("complaint", "minor")]) == "B"
    assert level(public_rules, [fact("national_evaluation", external_grade="差")]) == "C-"
    assert level(public_rules, [fact("national_evaluation", external_grade="优")]) == "A+"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(NEGATIVE, max_size=12),
    positives=st.lists(POSITIVE, max_size=5),
    middling=st.lists(MIDDLING, max_size=3),
)
def test_class_follows_the_worst_information(public_rules, items, positives, middling):
    facts = negatives(items) + others(positives) + others(middling)
    result = level(public_rules, facts)
    severities = {s for _k, s, _f, _g in items}
    results = {(k, g) for k, _s, _f, g in items}
    if any(k == "joint_punishment_list" for k, _s, _f, _g in items):
        assert result == "D-"
    elif "serious" in severities:
        assert result in ("D", "D-")
    elif results & NATIONAL_BAD:
        assert result == "C-"  # capped at C- (000/001 Art. 4, SPEC §3.6)
    elif "general" in severities:
        assert result in ("C", "C-")
    elif "minor" in severities or results & MINOR_RESULTS:
        assert result == "B"
    elif positives:
        assert result == "A+"
    else:
        assert result == "A"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(NEGATIVE, max_size=10),
    positives=st.lists(POSITIVE, max_size=4),
    middling=st.lists(MIDDLING, max_size=2),
    extra=NEGATIVE,
    extra_positive=POSITIVE,
    extra_middling=MIDDLING,
)
def test_a_negative_never_raises_and_a_positive_never_lowers(
    public_rules, items, positives, middling, extra, extra_positive, extra_middling
):
    facts = negatives(items) + others(positives) + others(middling)
    before = LEVELS.index(level(public_rules, facts))
    assert LEVELS.index(level(public_rules, facts + negatives([extra]))) >= before
    assert LEVELS.index(level(public_rules, facts + others([extra_positive]))) <= before
    assert LEVELS.index(level(public_rules, facts + others([extra_middling]))) == before
