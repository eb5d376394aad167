"""A scheme version's rules, read once into typed values that both graders read: the pure engine
(``engine.py``) and the SQL compiler (``compiled.py``). What a rule matches, its numbers and its defaults
are decided here, so the two graders cannot read the same JSON two ways; and what cannot be graded —
a number that is not one, more rule filters than the compiled query can hold — is refused here, when
the credit office saves or publishes the version, never later when grading (SPEC §2, §3).

Two rule sets (SPEC §3): ``conditions`` (department A/B/C, 001 Art. 8) and ``score`` (county A+…D-,
003 §3); the engine's docstring says how each grades.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Protocol

from django.utils.translation import gettext as _

LEVELS = ["A+", "A", "B", "C", "C-", "D", "D-"]
ABC = ["A", "B", "C"]


def grades_of_kind(kind: str) -> list[str]:
    """The grades a person may give under a scheme of ``kind`` ("" for a department scheme: not graded)."""
    return {"score": LEVELS, "conditions": ABC + [""]}[kind]


# The compiled query classifies each record against every rule filter at once, one bit per distinct
# filter in a PostgreSQL bigint: bits 0 to 61 are safe (compiled._masks), so at most 62 filters.
MAX_FILTERS = 62


class RulesError(ValueError):
    """Rules that cannot be read; the message is for the credit office."""


class Matchable(Protocol):
    kind: str
    polarity: str
    severity: str
    external_grade: str


@dataclass(frozen=True)
class Filter:
    """Which records a rule looks at. An empty part matches everything: no kinds named, every kind.

    ``except_kinds`` leaves kinds out of a rule that names none (or many): a general rule ("minor
    negative information") yields to the rules naming an input of 000/001 Art. 4 on their own (a
    complaint), so the reasons name that input and its record is not counted twice."""

    kinds: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()
    polarity: str = ""
    external_grades: frozenset[str] = frozenset()
    except_kinds: frozenset[str] = frozenset()

    def matches_kind(self, *, kind: str, polarity: str, severity: str) -> bool:
        """The part the compiled query decides per (kind, severity) pair, before reading the records."""
        return (
            (not self.kinds or kind in self.kinds)
            and kind not in self.except_kinds
            and (not self.severities or severity in self.severities)
            and (not self.polarity or polarity == self.polarity)
        )

    def matches(self, fact: Matchable) -> bool:
        return self.matches_kind(kind=fact.kind, polarity=fact.polarity, severity=fact.severity) and (
            not self.external_grades or fact.external_grade in self.external_grades
        )


@dataclass(frozen=True)
class Tally:
    """What the compiled query sums per subject for one rule: the records its filter matches and, for
    a score item paid by fine bands, their points. Rules with equal tallies share one set of sums."""

    filter: Filter
    fine_bands: tuple[tuple[Decimal, Decimal], ...] | None = None


@dataclass(frozen=True)
class Condition:
    """One condition of a department scheme (001 Art. 8): the first that fires gives ``grade``."""

    label: str
    grade: str
    filter: Filter
    min: Decimal = Decimal(1)
    # "records" counts every matching record (001 Art. 10: each violation); "decisions" counts their
    # distinct document numbers (cases).
    count: str = "records"
    fine_total_above: Decimal | None = None
    # 000 Art. 8: a condition on the county grade instead of records (None: a condition on records).
    input_grades: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ConditionRules:
    conditions: tuple[Condition, ...]
    default_grade: str = ""
    default_label: str = ""
    no_record_grade: str = ""
    no_record_label: str = ""
    input_scheme: str = ""  # 000 Art. 8: the code of the scheme whose grade is an input

    @property
    def counted(self) -> tuple[Condition, ...]:
        """The conditions on records (not on the county grade)."""
        return tuple(c for c in self.conditions if c.input_grades is None)

    def tallies(self) -> list[Tally]:
        return [Tally(c.filter) for c in self.counted]


@dataclass(frozen=True)
class ScoreItem:
    """An addition or deduction (003 §3): ``points`` per matching record, or per record the points of
    the last fine band its fine reaches; the item's total capped at ±``max_points``."""

    label: str
    filter: Filter
    points: Decimal = Decimal(0)
    fine_bands: tuple[tuple[Decimal, Decimal], ...] | None = None
    max_points: Decimal | None = None


@dataclass(frozen=True)
class ClassBand:
    """The worst information present clamps the level to its class (003 §3(1)); a band without a
    filter (no kinds and no severities named) holds for everyone."""

    label: str
    best: str
    worst: str
    filter: Filter | None = None


@dataclass(frozen=True)
class ScoreRules:
    # 000 Art. 8 gives a department scheme the county grade as an input; the county model takes none.
    input_scheme: ClassVar[str] = ""

    base: Decimal
    items: tuple[ScoreItem, ...]
    levels: tuple[tuple[str, Decimal | None], ...]
    classes: tuple[ClassBand, ...]
    ignore_kinds: frozenset[str] = frozenset()

    @property
    def filtered_classes(self) -> tuple[ClassBand, ...]:
        return tuple(b for b in self.classes if b.filter is not None)

    def tallies(self) -> list[Tally]:
        return [Tally(i.filter, i.fine_bands) for i in self.items] + [
            Tally(b.filter) for b in self.filtered_classes if b.filter is not None
        ]


Rules = ConditionRules | ScoreRules


def _number(value, *, rule) -> Decimal:
    """A number as the rules give it (an integer, a decimal or its text), kept exactly: the engine's
    sums and the compiled query's parameters print the same digits."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise RulesError(_("%(rule)s: “%(value)s” is not a number.") % {"rule": rule, "value": value})
    return number


def _filter(rule: dict) -> Filter:
    return Filter(
        kinds=frozenset(rule.get("kinds") or ()),
        severities=frozenset(rule.get("severities") or ()),
        polarity=rule.get("polarity") or "",
        external_grades=frozenset(rule.get("external_grades") or ()),
        except_kinds=frozenset(rule.get("except_kinds") or ()),
    )


def _bands(item: dict) -> tuple[tuple[Decimal, Decimal], ...] | None:
    if "fine_bands" not in item:
        return None
    label = item.get("label", "")
    return tuple(
        (_number(threshold, rule=label), _number(points, rule=label))
        for threshold, points in item["fine_bands"]
    )


def _condition(rule: dict) -> Condition:
    label = rule.get("label", "")
    return Condition(
        label=label,
        grade=rule.get("grade", ""),
        filter=_filter(rule),
        min=_number(rule.get("min", 1), rule=label),
        count=rule.get("count", "records"),
        fine_total_above=(
            _number(rule["fine_total_above"], rule=label) if "fine_total_above" in rule else None
        ),
        input_grades=tuple(rule["input_grades"]) if "input_grades" in rule else None,
    )


def _item(rule: dict) -> ScoreItem:
    label = rule.get("label", "")
    return ScoreItem(
        label=label,
        filter=_filter(rule),
        points=_number(rule.get("points", 0), rule=label),
        fine_bands=_bands(rule),
        max_points=_number(rule["max_points"], rule=label) if "max_points" in rule else None,
    )


def _band(rule: dict) -> ClassBand:
    return ClassBand(
        label=rule.get("label", ""),
        best=rule.get("best", ""),
        worst=rule.get("worst", ""),
        filter=_filter(rule) if rule.get("kinds") or rule.get("severities") else None,
    )


def parse_rules(kind: str, rules: dict) -> Rules:
    """The typed rules of a scheme of ``kind`` ("score" or "conditions"); raises ``RulesError``."""
    try:
        if kind == "score":
            return ScoreRules(
                base=_number(rules.get("base", 1000), rule="base"),
                items=tuple(_item(r) for r in rules.get("items", [])),
                levels=tuple(
                    (name, None if minimum is None else _number(minimum, rule=name))
                    for name, minimum in rules.get("levels", [])
                ),
                classes=tuple(_band(r) for r in rules.get("classes", [])),
                ignore_kinds=frozenset(rules.get("ignore_kinds", [])),
            )
        return ConditionRules(
            conditions=tuple(_condition(r) for r in rules.get("conditions", [])),
            default_grade=rules.get("default_grade", ""),
            default_label=rules.get("default_label", ""),
            no_record_grade=rules.get("no_record_grade", ""),
            no_record_label=rules.get("no_record_label", ""),
            input_scheme=rules.get("input_scheme") or "",
        )
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, RulesError):
            raise
        raise RulesError(_("The rules could not be read (%(error)s).") % {"error": exc}) from exc


def named_kinds(rules: dict) -> set[str]:
    """The record kinds a version's rules name in a condition, a score item or a class: the kinds the
    version weighs by name (``window.uncounted_kinds``)."""
    return {
        kind
        for part in ("conditions", "items", "classes")
        for rule in rules.get(part, [])
        for kind in rule.get("kinds", [])
    }


def version_rules(version) -> Rules:
    """The typed rules of a scheme version (read each time: a version being previewed may be edited)."""
    return parse_rules(version.scheme.kind, version.rules)


def _overlapping(minimums: list) -> bool:
    return any(a <= b for a, b in zip(minimums, minimums[1:], strict=False))


def validate_rules(kind: str, rules: dict, *, known_kinds: set[str], scope_kinds=()) -> list[str]:
    """Problems that stop a version from being published (clear messages for the credit office),
    ``scope_kinds`` being the kinds it counts from other departments."""
    problems: list[str] = []
    unreadable = ""
    try:
        parsed: Rules | None = parse_rules(kind, rules)
    except RulesError as exc:
        parsed, unreadable = None, str(exc)
    named = list(named_kinds(rules))
    for part in ("conditions", "items", "classes"):
        for rule in rules.get(part, []):
            named.extend(rule.get("except_kinds", []))
            if not rule.get("label"):
                problems.append(_("Every rule needs a label (%(part)s).") % {"part": part})
    named.extend(rules.get("ignore_kinds", []))
    named.extend(rules.get("uncounted_kinds", []))
    unknown = sorted(set(named) - known_kinds)
    if unknown:
        problems.append(_("Unknown record kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    unknown_scope = sorted(set(scope_kinds or []) - known_kinds)
    if unknown_scope:
        problems.append(_("Unknown record kinds: %(kinds)s.") % {"kinds": ", ".join(unknown_scope)})
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
        elif isinstance(parsed, ScoreRules) and _overlapping([m for _name, m in parsed.levels[:-1]]):
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
    if unreadable:
        problems.append(unreadable)
    if parsed is not None:
        filters = len(set(parsed.tallies()))
        if filters > MAX_FILTERS:
            problems.append(
                _(
                    "The rules use %(count)s different record filters (kinds, severities, polarity, "
                    "external grades and fine bands); at most %(limit)s are allowed. Merge rules that "
                    "match the same records."
                )
                % {"count": filters, "limit": MAX_FILTERS}
            )
    return problems
