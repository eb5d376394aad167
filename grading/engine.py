"""Pure evaluation of one subject's records under one scheme version's rules (read once into typed
values by ``rules.py``). No database here: the services stream the facts in and the grade writer
stores the outcomes, so the same code grades one subject or a whole county.

Two rule sets (SPEC §3):

- ``conditions`` (department A/B/C, 001 Art. 8): conditions in order of precedence, each naming record
  kinds (and severities), a threshold on the number of records or decisions, or on the fines; the
  first condition that fires gives the grade. 001 Art. 10: every violation is a record of its own, so
  one decision with several violations counts each; "cases" can count decisions instead.
- ``score`` (county A+…D-, 003 §3): a base score with additions and deductions per record; the score
  maps to one of the seven levels through thresholds, and the worst information present clamps the
  level to its class (诚信守法 A+/A, 轻微失信 B, 一般失信 C/C-, 严重失信 D/D-, black list D-), which
  is what makes the invariants of SPEC §3.2 hold whatever the numbers.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .rules import LEVELS, ConditionRules, Rules, ScoreRules


@dataclass(frozen=True)
class Fact:
    """One counting record of a subject, reduced to what rules look at."""

    kind: str
    polarity: str
    severity: str
    document_number: str
    fine: Decimal
    decision_date: datetime.date
    external_grade: str = ""


@dataclass
class Outcome:
    grade: str
    score: Decimal | None = None
    reasons: list[dict] = field(default_factory=list)


def _documents(facts: list[Fact]) -> list[str]:
    return sorted({f.document_number for f in facts})


def evaluate_conditions(rules: ConditionRules, facts: list[Fact], *, input_grade: str = "") -> Outcome:
    for condition in rules.conditions:
        if condition.input_grades is not None:
            if input_grade and input_grade in condition.input_grades:
                return Outcome(
                    condition.grade,
                    reasons=[
                        {
                            "rule": condition.label,
                            "grade": condition.grade,
                            "input_grade": input_grade,
                            "documents": [],
                        }
                    ],
                )
            continue
        hits = [f for f in facts if condition.filter.matches(f)]
        if not hits:
            continue
        count = len(_documents(hits)) if condition.count == "decisions" else len(hits)
        fines = sum((f.fine for f in hits), Decimal(0))
        if count < condition.min:
            continue
        if condition.fine_total_above is not None and not fines > condition.fine_total_above:
            continue
        return Outcome(
            condition.grade,
            reasons=[
                {
                    "rule": condition.label,
                    "grade": condition.grade,
                    "count": count,
                    "unit": condition.count,
                    "fines": str(fines) if fines else "",
                    "documents": _documents(hits),
                }
            ],
        )
    default = rules.default_grade if facts else rules.no_record_grade
    label = rules.default_label if facts else rules.no_record_label
    return Outcome(default, reasons=[{"rule": label, "grade": default, "documents": []}] if label else [])


def level_for_score(levels: tuple[tuple[str, Decimal | None], ...], score: Decimal) -> str:
    for level, minimum in levels:
        if minimum is None or score >= minimum:
            return level
    return levels[-1][0]


def evaluate_score(rules: ScoreRules, facts: list[Fact]) -> Outcome:
    facts = [f for f in facts if f.kind not in rules.ignore_kinds]
    score = rules.base
    reasons: list[dict] = []
    for item in rules.items:
        hits = [f for f in facts if item.filter.matches(f)]
        if not hits:
            continue
        points = Decimal(0)
        for fact in hits:
            if item.fine_bands is not None:
                band = [p for threshold, p in item.fine_bands if fact.fine >= threshold]
                points += band[-1] if band else Decimal(0)
            else:
                points += item.points
        if item.max_points is not None:
            points = max(-item.max_points, min(item.max_points, points))
        if not points:
            continue
        score += points
        reasons.append(
            {"rule": item.label, "points": str(points), "count": len(hits), "documents": _documents(hits)}
        )
    level = level_for_score(rules.levels, score)
    for band in rules.classes:
        if band.filter is not None:
            hits = [f for f in facts if band.filter.matches(f)]
            if not hits:
                continue
        else:
            hits = []
        best, worst = LEVELS.index(band.best), LEVELS.index(band.worst)
        clamped = LEVELS[min(max(LEVELS.index(level), best), worst)]
        reasons.append({"rule": band.label, "range": [band.best, band.worst], "documents": _documents(hits)})
        level = clamped
        break
    return Outcome(level, score=score, reasons=reasons)


def evaluate(rules: Rules, facts: list[Fact], *, input_grade: str = "") -> Outcome:
    if isinstance(rules, ScoreRules):
        return evaluate_score(rules, facts)
    return evaluate_conditions(rules, facts, input_grade=input_grade)
