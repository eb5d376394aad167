"""Pure evaluation of one subject's records under one scheme version's rules. No database here: the
services stream the facts in and write the outcomes out, so the same code grades one subject or a
whole county.

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

from django.utils.translation import gettext as _

LEVELS = ["A+", "A", "B", "C", "C-", "D", "D-"]
ABC = ["A", "B", "C"]


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


def _matches(rule: dict, fact: Fact) -> bool:
    if rule.get("kinds") and fact.kind not in rule["kinds"]:
        return False
    if rule.get("severities") and fact.severity not in rule["severities"]:
        return False
    if rule.get("polarity") and fact.polarity != rule["polarity"]:
        return False
    if rule.get("external_grades") and fact.external_grade not in rule["external_grades"]:
        return False
    return True


def _documents(facts: list[Fact]) -> list[str]:
    return sorted({f.document_number for f in facts})


def evaluate_conditions(rules: dict, facts: list[Fact], *, input_grade: str = "") -> Outcome:
    for condition in rules.get("conditions", []):
        if "input_grades" in condition:
            if input_grade and input_grade in condition["input_grades"]:
                return Outcome(
                    condition["grade"],
                    reasons=[
                        {
                            "rule": condition["label"],
                            "grade": condition["grade"],
                            "input_grade": input_grade,
                            "documents": [],
                        }
                    ],
                )
            continue
        hits = [f for f in facts if _matches(condition, f)]
        if not hits:
            continue
        count = len(_documents(hits)) if condition.get("count") == "decisions" else len(hits)
        fines = sum((f.fine for f in hits), Decimal(0))
        if count < condition.get("min", 1):
            continue
        if "fine_total_above" in condition and not fines > Decimal(str(condition["fine_total_above"])):
            continue
        return Outcome(
            condition["grade"],
            reasons=[
                {
                    "rule": condition["label"],
                    "grade": condition["grade"],
                    "count": count,
                    "unit": condition.get("count", "records"),
                    "fines": str(fines) if fines else "",
                    "documents": _documents(hits),
                }
            ],
        )
    default = rules.get("no_record_grade" if not facts else "default_grade", "")
    label = rules.get("no_record_label" if not facts else "default_label", "")
    return Outcome(default, reasons=[{"rule": label, "grade": default, "documents": []}] if label else [])


def level_for_score(levels: list, score: Decimal) -> str:
    for level, minimum in levels:
        if minimum is None or score >= Decimal(str(minimum)):
            return level
    return levels[-1][0]


def evaluate_score(rules: dict, facts: list[Fact]) -> Outcome:
    ignored = set(rules.get("ignore_kinds", []))
    facts = [f for f in facts if f.kind not in ignored]
    score = Decimal(str(rules.get("base", 1000)))
    reasons: list[dict] = []
    for item in rules.get("items", []):
        hits = [f for f in facts if _matches(item, f)]
        if not hits:
            continue
        points = Decimal(0)
        for fact in hits:
            if "fine_bands" in item:
                band = [
                    Decimal(str(p))
                    for threshold, p in item["fine_bands"]
                    if fact.fine >= Decimal(str(threshold))
                ]
                points += band[-1] if band else Decimal(0)
            else:
                points += Decimal(str(item.get("points", 0)))
        if "max_points" in item:
            limit = Decimal(str(item["max_points"]))
            points = max(-limit, min(limit, points))
        if not points:
            continue
        score += points
        reasons.append(
            {"rule": item["label"], "points": str(points), "count": len(hits), "documents": _documents(hits)}
        )
    level = level_for_score(rules["levels"], score)
    for band in rules.get("classes", []):
        if band.get("kinds") or band.get("severities"):
            hits = [f for f in facts if _matches(band, f)]
            if not hits:
                continue
        else:
            hits = []
        best, worst = LEVELS.index(band["best"]), LEVELS.index(band["worst"])
        clamped = LEVELS[min(max(LEVELS.index(level), best), worst)]
        reasons.append(
            {"rule": band["label"], "range": [band["best"], band["worst"]], "documents": _documents(hits)}
        )
        level = clamped
        break
    return Outcome(level, score=score, reasons=reasons)


def evaluate(kind: str, rules: dict, facts: list[Fact], *, input_grade: str = "") -> Outcome:
    if kind == "score":
        return evaluate_score(rules, facts)
    return evaluate_conditions(rules, facts, input_grade=input_grade)


def validate_rules(kind: str, rules: dict, *, known_kinds: set[str]) -> list[str]:
    """Problems that stop a version from being published (clear messages for the credit office)."""
    problems: list[str] = []
    named = []
    for part in ("conditions", "items", "classes"):
        for rule in rules.get(part, []):
            named.extend(rule.get("kinds", []))
            if not rule.get("label"):
                problems.append(_("Every rule needs a label (%(part)s).") % {"part": part})
    named.extend(rules.get("ignore_kinds", []))
    unknown = sorted(set(named) - known_kinds)
    if unknown:
        problems.append(_("Unknown record kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    if kind == "score":
        levels = rules.get("levels", [])
        names = [name for name, _minimum in levels]
        if names != LEVELS:
            problems.append(
                _("The levels must be %(levels)s in this order, not %(names)s.")
                % {"levels": ", ".join(LEVELS), "names": ", ".join(names)}
            )
        minimums = [m for _name, m in levels[:-1]]
        if any(m is None for m in minimums) or (levels and levels[-1][1] is not None):
            problems.append(_("Every level but the last needs a minimum score; the last has none."))
        elif any(Decimal(str(a)) <= Decimal(str(b)) for a, b in zip(minimums, minimums[1:], strict=False)):
            problems.append(
                _("The minimum scores must fall strictly from level to level (no overlapping bands).")
            )
        for band in rules.get("classes", []):
            if band.get("best") not in LEVELS or band.get("worst") not in LEVELS:
                problems.append(
                    _("%(label)s: the range must use the seven levels.") % {"label": band.get("label")}
                )
            elif LEVELS.index(band["best"]) > LEVELS.index(band["worst"]):
                problems.append(
                    _("%(label)s: the best level is below the worst.") % {"label": band.get("label")}
                )
    else:
        for condition in rules.get("conditions", []):
            if condition.get("grade") not in ABC:
                problems.append(
                    _("%(label)s: the grade must be A, B or C.") % {"label": condition.get("label")}
                )
        if rules.get("default_grade", "") not in ABC + [""]:
            problems.append(_("The default grade must be A, B, C or empty (not graded)."))
    return problems
