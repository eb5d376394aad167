"""SPEC §3.2: the invariants of the county model, whatever the records (hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading.engine import evaluate_score
from grading.rules import LEVELS, parse_rules

from .conftest import fact

NEGATIVE = st.sampled_from(
    [
        ("warning", "minor", "0"),
        ("correction_order", "minor", "0"),
        ("administrative_penalty", "general", "3000"),
        ("administrative_penalty", "general", "120000"),
        ("administrative_penalty", "serious", "600000"),
        ("commitment_breach", "general", "0"),
        ("serious_dishonesty", "serious", "0"),
        ("inspection_failed", "minor", "0"),
        ("joint_punishment_list", "serious", "0"),
        ("complaint", "minor", "0"),
    ]
)
POSITIVE = st.sampled_from(["commendation", "association_commendation", "red_list", "good_grade"])


def negatives(items):
    return [fact(kind, severity, fine=fine) for kind, severity, fine in items]


def level(rules, facts):
    return evaluate_score(parse_rules("score", rules), facts).grade


def test_fixed_points(public_rules):
    assert level(public_rules, []) == "A"
    assert level(public_rules, [fact("commendation")]) == "A+"
    assert level(public_rules, [fact("warning", "minor")]) == "B"
    assert level(public_rules, [fact("administrative_penalty", "general", fine="5000")]) in ("C", "C-")
    assert level(public_rules, [fact("administrative_penalty", "serious")]) in ("D", "D-")
    assert level(public_rules, [fact("commendation"), fact("joint_punishment_list", "serious")]) == "D-"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(NEGATIVE, max_size=12), positives=st.lists(POSITIVE, max_size=5))
def test_class_follows_the_worst_information(public_rules, items, positives):
    facts = negatives(items) + [fact(k) for k in positives]
    result = level(public_rules, facts)
    counted = [(k, s) for k, s, _f in items if k != "complaint"]
    severities = {s for _k, s in counted}
    if any(k == "joint_punishment_list" for k, _s in counted):
        assert result == "D-"
    elif "serious" in severities:
        assert result in ("D", "D-")
    elif "general" in severities:
        assert result in ("C", "C-")
    elif "minor" in severities:
        assert result == "B"
    elif positives:
        assert result == "A+"
    else:
        assert result == "A"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(NEGATIVE, max_size=10),
    positives=st.lists(POSITIVE, max_size=4),
    extra=NEGATIVE,
    extra_positive=POSITIVE,
)
def test_a_negative_never_raises_and_a_positive_never_lowers(
    public_rules, items, positives, extra, extra_positive
):
    facts = negatives(items) + [fact(k) for k in positives]
    before = LEVELS.index(level(public_rules, facts))
    assert LEVELS.index(level(public_rules, facts + negatives([extra]))) >= before
    assert LEVELS.index(level(public_rules, facts + [fact(extra_positive)])) <= before
