"""A scheme version's rules compiled into one PostgreSQL query, so a whole county is graded inside the
database (SPEC §3.5: nightly, every subject; 003 §3(2): the December 15 run).

The pure engine (``engine.py``) stays the reference: it defines what a grade is, grades on SQLite and
explains a single preview; this module must give the same grade, score and reasons, to the character,
and the tests hold the two side by side on random records. The query has three layers:

1. one pass over the window's counting records, grouped by subject: per rule, the number of matching
   records, their points or fines, and their document numbers (001 Art. 10: each violation counts);
2. per subject (every subject, with or without records): which rules fire, the score, the level;
3. the reasons as JSON, built only for the rules that fired.

``digests_sql`` is the cheap companion the nightly regrade runs first: one fingerprint per subject of
everything its grade depends on, so that only subjects whose fingerprint moved are graded again.

The rules come typed from ``rules.py`` and the window from ``window.py``, as the engine reads them.
Every value from the rules is a query parameter; only column names and operators are written here.
Each layer ends in ``OFFSET 0`` so that PostgreSQL computes it once per subject instead of inlining
its expressions (the score, say) into every place the next layer uses them.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts.models import Department
from records.models import RecordKind

from .models import SchemeVersion
from .population import Population
from .rules import LEVELS, MAX_FILTERS, ConditionRules, ScoreRules, Tally, version_rules
from .window import Window


def compiled_grading() -> bool:
    """On PostgreSQL the rules run inside the database (this module); elsewhere (the embedded SQLite
    mode) the engine grades the streamed records."""
    return connection.vendor == "postgresql" and settings.GRADING_COMPILED


# PostgreSQL's memory units (a number of kB without one).
WORK_MEM = re.compile(r"\d+\s*(?:[kMGT]?B)?")


def compiled_session(cursor) -> None:
    """Settings for a compiled grading query, for the rest of the transaction."""
    work_mem = str(settings.GRADING_WORK_MEM).strip()
    if not WORK_MEM.fullmatch(work_mem):
        raise ImproperlyConfigured(
            f"CREDITREG_GRADING_WORK_MEM must be a size such as 256MB, not {work_mem!r}"
        )
    cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
    # A plan this size would spend longer compiling (JIT) than running; the per-subject groups are
    # small, so parallel workers only add the cost of gathering their rows.
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    # The records and grades are read from memory, not a spinning disk (PostgreSQL's default cost
    # assumes one): so that the night's few thousand candidates are read through the subject index
    # rather than by a scan of every record.
    cursor.execute("SET LOCAL random_page_cost = 1.1")


@dataclass
class _Query:
    """Named parameters, so fragments can be written in any order; record kinds by id (code ->
    (id, polarity)), so the records need no join and the filters compare integers."""

    kinds: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    def kind_ids(self, codes) -> list[int]:
        return sorted(pk for code, (pk, _polarity) in self.kinds.items() if code in codes)

    def p(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"


def _new_query() -> _Query:
    kinds = RecordKind.objects.values_list("code", "pk", "polarity")
    return _Query(kinds={code: (pk, polarity) for code, pk, polarity in kinds})


def _num(q: _Query, value: Decimal) -> str:
    # The rules' Decimal as the engine computes with it: the same text, so sums print the same way.
    return f"{q.p(str(value))}::numeric"


def _text(q: _Query, value: str) -> str:
    return f"{q.p(value)}::text"


def _documents(column: str) -> str:
    return f"coalesce(array_to_json({column})::text, '[]')"


def _json_object(q: _Query, pairs: list[tuple[str, object]]) -> str:
    """SQL text of a JSON object: ``pairs`` are (key, constant) or (key, _Sql(expression giving JSON
    text)). The reasons are written as text and parsed once (``::jsonb``): building them with
    jsonb_build_object costs several times more per subject."""
    pieces: list[str] = []
    constant = ""
    for n, (key, value) in enumerate(pairs):
        constant += ("{" if n == 0 else ",") + json.dumps(key) + ":"
        if isinstance(value, _Sql):
            pieces += [_text(q, constant), value.expression]
            constant = ""
        else:
            constant += json.dumps(value, ensure_ascii=False)
    pieces.append(_text(q, constant + "}"))
    return "(" + " || ".join(pieces) + ")"


@dataclass(frozen=True)
class _Sql:
    expression: str


def _quoted(expression: str) -> "_Sql":
    """A JSON string of a value whose text needs no escaping (numbers)."""
    return _Sql(f"""'"' || ({expression})::text || '"'""")


def _subject_filter(q: _Query, column: str, *, subject_ids=None, id_range=None, subject_table=None) -> str:
    if subject_table is not None:  # a temporary table of this module's own, never user input
        return f"{column} IN (SELECT subject_id FROM {subject_table})"
    if subject_ids is not None:
        return f"{column} = ANY({q.p(list(subject_ids))})"
    if id_range is not None:
        return f"{column} BETWEEN {q.p(id_range[0])} AND {q.p(id_range[1])}"
    return "TRUE"


@dataclass(frozen=True)
class _Inputs:
    """Who is graded beyond the subjects asked for, and where an input grade comes from: the
    scheme's population (``population.py``; None: every subject asked for), and the run whose grades
    are the input (a yearly department run reads the county run of its date, SPEC §3.6; None: the
    county grade in force)."""

    population: Population | None = None
    input_run_id: int | None = None

    def subjects(self, q: "_Query", target: dict) -> str:
        where = _subject_filter(q, "s.id", **target)
        if self.population is not None and not self.population.everyone:
            where += " AND " + self.population.sql(q, "s.id")
        return where


def outcomes_sql(
    *,
    version: SchemeVersion,
    department: Department | None,
    as_of: datetime.date,
    subject_ids: list[int] | None = None,
    id_range: tuple[int, int] | None = None,
    subject_table: str | None = None,
    population: Population | None = None,
    input_run_id: int | None = None,
) -> tuple[str, dict]:
    """SQL and parameters of a query answering (subject_id, grade, score, reasons, digest) for every
    subject asked for (all by default: or a list, an id range, the ids in a temporary table) that
    belongs to ``population`` (default: every one), as ``engine.evaluate`` would; ``digest`` is the
    one ``digests_sql`` answers. ``input_run_id``: the run whose grades a department scheme takes as
    input (default: the county grade in force)."""
    target = {"subject_ids": subject_ids, "id_range": id_range, "subject_table": subject_table}
    inputs = _Inputs(population=population, input_run_id=input_run_id)
    rules = version_rules(version)
    window = Window.of(version=version, department=department, as_of=as_of)
    if isinstance(rules, ScoreRules):
        return _score_sql(rules, window=window, target=target, inputs=inputs)
    return _conditions_sql(rules, window=window, target=target, inputs=inputs)


# Everything of a counting record that a grade or its reasons can depend on: its kind, severity,
# document number, fine and external grade (the window and scope decide whether it counts at all).
RECORD_HASH = (
    "hashtextextended(concat_ws('|', r.kind_id, r.severity, r.document_number, r.fine_total, "
    "r.external_grade), 0)"
)
# Changed whenever the reasons' shape changes in code, so every stored grade is rebuilt once.
DIGEST_FORMAT = "g2"


def _digest(q: _Query, *, count: str, hashes: str, input_grade: str) -> str:
    """The record kinds (code and polarity by id) are part of it: rules name kinds by code and may
    match by polarity, so editing a kind regrades every subject once."""
    kinds = hashlib.sha256(json.dumps(sorted(q.kinds.items())).encode()).hexdigest()[:16]
    return (
        f"hashtextextended(concat_ws(':', {_text(q, f'{DIGEST_FORMAT}:{kinds}')}, coalesce({count}, 0), "
        f"coalesce({hashes}, 0), {input_grade}), 0)"
    )


def digests_sql(
    *,
    version: SchemeVersion,
    department: Department | None,
    as_of: datetime.date,
    subject_ids: list[int] | None = None,
    id_range: tuple[int, int] | None = None,
    subject_table: str | None = None,
    population: Population | None = None,
) -> tuple[str, dict]:
    """(subject_id, digest) for every subject asked for (all by default, or a list, an id range, the
    ids in a temporary table) of ``population``: a fingerprint
    of the subject's counting records (their number and the sum of a hash of each) and of the county
    grade a department scheme takes as input (000 Art. 8). A grade is a function of its version and
    these facts, so a current grade of the same version whose stored digest equals this one would be
    computed again exactly as it is: the nightly regrade (SPEC §3.5) recomputes only the others. It
    costs one pass over the window's records with two aggregates, about what a hand-written count per
    subject costs."""
    target = {"subject_ids": subject_ids, "id_range": id_range, "subject_table": subject_table}
    rules = version_rules(version)
    window = Window.of(version=version, department=department, as_of=as_of)
    q = _new_query()
    inputs = _Inputs(population=population)
    where = _records_filter(q, rules, window=window, target=target, inputs=inputs)
    input_join, input_grade = _input_grade(q, rules, inputs)
    if input_join:
        columns = f"count(*) AS n_all, sum({RECORD_HASH}) AS hs"
        digest = _digest(q, count="a.n_all", hashes="a.hs", input_grade=input_grade)
    else:
        # Without an input grade the digest is complete per subject inside the aggregate, so only it
        # (not the count and sum) is carried into the join with the registry.
        inner = _digest(q, count="count(*)", hashes=f"sum({RECORD_HASH})", input_grade=input_grade)
        columns = f"{inner} AS digest"
        digest = f"coalesce(a.digest, {_digest(q, count='0', hashes='0', input_grade=input_grade)})"
    sql = f"""
        SELECT s.id AS subject_id, {digest} AS digest FROM subjects_subject s
        LEFT JOIN (
          SELECT r.subject_id, {columns} FROM records_creditrecord r WHERE {where} GROUP BY r.subject_id
        ) a ON a.subject_id = s.id
        {input_join}
        WHERE {inputs.subjects(q, target)}
    """
    return sql, q.params


def members_sql(
    *,
    population: Population | None,
    subject_ids: list[int] | None = None,
    id_range: tuple[int, int] | None = None,
    subject_table: str | None = None,
) -> tuple[str, dict]:
    """(subject_id) of every subject asked for that belongs to ``population``: a department's members,
    worked out once a night, and the candidates of a night when none of them has a grade yet (the
    digest pass would only find them all different)."""
    q = _new_query()
    target = {"subject_ids": subject_ids, "id_range": id_range, "subject_table": subject_table}
    where = _Inputs(population=population).subjects(q, target)
    return f"SELECT s.id AS subject_id FROM subjects_subject s WHERE {where}", q.params


def _records_filter(
    q: _Query, rules: ConditionRules | ScoreRules, *, window: Window, target, inputs: "_Inputs"
) -> str:
    """The counting records of the window and scope, minus the kinds a score model ignores, of the
    subjects asked for in the population (so a department's aggregate reads only its subjects)."""
    where = window.sql(q)
    if isinstance(rules, ScoreRules) and rules.ignore_kinds:
        where += f" AND NOT (r.kind_id = ANY({q.p(q.kind_ids(rules.ignore_kinds))}::int[]))"
    if inputs.population is not None and not inputs.population.everyone:
        # The members asked for, once, as a semi-join: the condition on each record would probe the
        # department's records and grades again for every record of a subject.
        members = inputs.population.sql(q, "pm.id") + " AND " + _subject_filter(q, "pm.id", **target)
        where += f" AND r.subject_id IN (SELECT pm.id FROM subjects_subject pm WHERE {members})"
    return where + " AND " + _subject_filter(q, "r.subject_id", **target)


def _input_grade(q: _Query, rules: ConditionRules | ScoreRules, inputs: _Inputs) -> tuple[str, str]:
    """000 Art. 8: the county grade in force as an input (engine: ``input_grade`` of the subject, ""
    if none; ``services._input_grades``) — or the grade the county run ``inputs.input_run_id`` gave:
    the join on ``s`` and the grade's SQL. The digest takes it in, so a correction of the county
    grade regrades the department scheme the next night."""
    input_scheme = rules.input_scheme
    if not input_scheme:
        return "", "''::text"
    if inputs.input_run_id is not None:
        join = (
            f"LEFT JOIN grading_grade ig ON ig.subject_id = s.id AND ig.run_id = {q.p(inputs.input_run_id)}"
        )
        return join, "coalesce(ig.grade, '')"
    join = (
        "LEFT JOIN grading_gradeinforce ig ON ig.subject_id = s.id AND ig.department_id IS NULL "
        f"AND ig.scheme_id = (SELECT id FROM grading_scheme WHERE code = {q.p(input_scheme)})"
    )
    return join, "coalesce(ig.grade, '')"


SEVERITIES = ["", "minor", "general", "serious"]


def _masks(q: _Query, tallies: list[Tally]) -> str:
    """A small table (kind_id, severity, mask): bit i is set when a record of that kind and severity
    matches tally i's filter by kind, polarity and severity, so each record is classified by one hash
    join instead of every rule's filters. External grades, free text, are tested per rule."""
    rows = []
    for code, (pk, polarity) in sorted(q.kinds.items()):
        for severity in SEVERITIES:
            mask = 0
            for i, tally in enumerate(tallies):
                if tally.filter.matches_kind(kind=code, polarity=polarity, severity=severity):
                    mask |= 1 << i
            rows.append(f"({pk}, '{severity}', {mask}::bigint)")
    return f"(VALUES {', '.join(rows)}) AS lk(kind_id, severity, mask)"


def _aggregate(q: _Query, tallies: list[Tally], *, fines: bool, where: str) -> str:
    """Layer 1, per subject and rule: the count of matching records (``c``), of their distinct document
    numbers (``k``: decisions), the documents themselves in code point order (``d``; sorted({...}) in
    Python is the "C" collation), and the points of fine bands (``p``) or the fines (``f``).

    Grouping first by (subject, document) makes each document appear once per subject, so the second
    grouping needs no DISTINCT; it reads the first one's rows sorted by (subject, document), so the
    arrays come out sorted without a sort per subject and rule (PostgreSQL aggregates keep the order
    of a sorted subquery; the tests compare with the engine's sorted())."""
    # Rules that match the same records share one set of aggregates (a department's B and C
    # conditions on warnings, say); ``shared`` holds one tally per set.
    shared = list(dict.fromkeys(tallies))
    rule_set = [shared.index(tally) for tally in tallies]
    if len(shared) > MAX_FILTERS:  # refused when the version was published (rules.validate_rules)
        raise ValueError(f"A scheme version may have at most {MAX_FILTERS} different rule filters.")
    inner = [
        "r.subject_id",
        'r.document_number COLLATE "C" AS doc',
        "count(*)::int AS n",
        f"sum({RECORD_HASH}) AS hs",
    ]
    outer = ["subject_id", "sum(n) AS n_all", "sum(hs) AS hs"]
    for u, tally in enumerate(shared):
        m = f"(lk.mask & {1 << u}) <> 0"
        if tally.filter.external_grades:
            m += f" AND r.external_grade = ANY({q.p(sorted(tally.filter.external_grades))})"
        inner.append(f"(count(*) FILTER (WHERE {m}))::int AS c{u}")
        outer += [
            f"sum(c{u}) AS c{u}",
            f"count(*) FILTER (WHERE c{u} > 0) AS k{u}",
            f"array_agg(doc) FILTER (WHERE c{u} > 0) AS d{u}",
        ]
        if fines:
            # In fen as bigint: integer sums cost far less than numeric ones; yuan again below.
            inner.append(f"sum((r.fine_total * 100)::bigint) FILTER (WHERE {m}) AS f{u}")
            outer.append(f"sum(f{u}) AS f{u}")
        elif tally.fine_bands is not None:
            bands = "".join(
                f" WHEN r.fine_total >= {_num(q, threshold)} THEN {_num(q, points)}"
                for threshold, points in reversed(tally.fine_bands)  # the last band reached counts
            )
            inner.append(f"sum(CASE{bands} ELSE 0 END) FILTER (WHERE {m}) AS p{u}")
            outer.append(f"sum(p{u}) AS p{u}")
    columns = ["subject_id", "n_all", "hs"]
    for i, u in enumerate(rule_set):
        columns += [f"c{u} AS c{i}", f"k{u} AS k{i}", f"d{u} AS d{i}"]
        if fines:
            columns.append(f"f{u} AS f{i}")
        elif tallies[i].fine_bands is not None:
            columns.append(f"p{u} AS p{i}")
    return (
        f"SELECT {', '.join(columns)} FROM (SELECT {', '.join(outer)} FROM ("
        f"SELECT {', '.join(inner)} FROM records_creditrecord r "
        f"LEFT JOIN {_masks(q, shared)} ON lk.kind_id = r.kind_id AND lk.severity = r.severity "
        f'WHERE {where} GROUP BY r.subject_id, r.document_number COLLATE "C" ORDER BY r.subject_id, 2'
        ") docs GROUP BY subject_id) shared"
    )


def _score_sql(rules: ScoreRules, *, window: Window, target, inputs: _Inputs) -> tuple[str, dict]:
    items, classes = rules.items, rules.classes
    q = _new_query()
    where = _records_filter(q, rules, window=window, target=target, inputs=inputs)
    aggregate = _aggregate(q, rules.tallies(), fines=False, where=where)

    # Layer 2: each item's points after its cap, and whether it fired (hits and points not zero).
    digest = _digest(q, count="a.n_all", hashes="a.hs", input_grade="''::text")
    layer2 = ["s.id AS subject_id", f"{digest} AS digest"]
    for i, item in enumerate(items):
        # A fixed number of points per record: the count times the points (the engine's sum).
        points = (
            f"coalesce(a.p{i}, 0)"
            if item.fine_bands is not None
            else f"coalesce(a.c{i}, 0) * {_num(q, item.points)}"
        )
        if item.max_points is not None:
            limit = _num(q, item.max_points)
            points = f"GREATEST(-{limit}, LEAST({limit}, {points}))"
        layer2 += [f"{points} AS q{i}", f"coalesce(a.c{i}, 0) AS c{i}", f"a.d{i} AS d{i}"]
    for j, _band in enumerate(rules.filtered_classes):
        k = len(items) + j
        layer2 += [f"coalesce(a.c{k}, 0) > 0 AS h{j}", f"a.d{k} AS e{j}"]
    subjects = inputs.subjects(q, target)
    base = _num(q, rules.base)
    score = " + ".join([base] + [f"CASE WHEN c{i} > 0 THEN q{i} ELSE 0 END" for i in range(len(items))])

    # engine.level_for_score: the first level whose minimum the score reaches (none: the last level).
    levels = rules.levels
    level_index = (
        "CASE"
        + "".join(
            f" WHEN {'TRUE' if minimum is None else f'x.score >= {_num(q, minimum)}'}"
            f" THEN {LEVELS.index(name)}"
            for name, minimum in levels
        )
        + f" ELSE {LEVELS.index(levels[-1][0])} END"
    )
    # The first class band whose information is present clamps the level (engine.evaluate_score).
    band_index, clamp = [], []
    j = 0
    for n, band in enumerate(classes):
        best, worst = LEVELS.index(band.best), LEVELS.index(band.worst)
        if band.filter is not None:
            condition = f"y.h{j}"
            j += 1
        else:
            condition = "TRUE"
        band_index.append(f" WHEN {condition} THEN {n}")
        clamp.append(f" WHEN {n} THEN LEAST(GREATEST(z.li, {best}), {worst})")
    band_expr = "CASE" + "".join(band_index) + " ELSE -1 END" if classes else "-1"
    clamp_expr = "CASE z.band" + "".join(clamp) + " ELSE z.li END" if classes else "z.li"

    reasons = []
    for i, item in enumerate(items):
        reason = _json_object(
            q,
            [
                ("rule", item.label),
                ("points", _quoted(f"z.q{i}")),
                ("count", _Sql(f"z.c{i}::text")),
                ("documents", _Sql(_documents(f"z.d{i}"))),
            ],
        )
        reasons.append(f"CASE WHEN z.c{i} > 0 AND z.q{i} <> 0 THEN {reason} END")
    j = 0
    for n, band in enumerate(classes):
        if band.filter is not None:
            documents: object = _Sql(_documents(f"z.e{j}"))
            j += 1
        else:
            documents = []
        reason = _json_object(
            q, [("rule", band.label), ("range", [band.best, band.worst]), ("documents", documents)]
        )
        reasons.append(f"CASE WHEN z.band = {n} THEN {reason} END")
    level_names = _text_array(q, LEVELS)
    sql = f"""
        SELECT z.subject_id, ({level_names})[{clamp_expr} + 1] AS grade, round(z.score, 2) AS score,
               {_reasons_array(reasons)} AS reasons, z.digest
        FROM (
          SELECT y.*, {band_expr} AS band FROM (
            SELECT x.*, {level_index} AS li FROM (
              SELECT w.*, {score} AS score FROM (
                SELECT {", ".join(layer2)} FROM subjects_subject s
                LEFT JOIN ({aggregate}) a ON a.subject_id = s.id
                WHERE {subjects} OFFSET 0
              ) w OFFSET 0
            ) x OFFSET 0
          ) y OFFSET 0
        ) z
    """
    return sql, q.params


def _text_array(q: _Query, values: list[str]) -> str:
    return f"{q.p(list(values))}::text[]"


def _reasons_array(reasons: list[str]) -> str:
    if not reasons:
        return "'[]'::jsonb"
    return f"('[' || concat_ws(',', {', '.join(reasons)}) || ']')::jsonb"


def _conditions_sql(rules: ConditionRules, *, window: Window, target, inputs: _Inputs) -> tuple[str, dict]:
    conditions, counted = rules.conditions, rules.counted
    q = _new_query()
    where = _records_filter(q, rules, window=window, target=target, inputs=inputs)
    aggregate = _aggregate(q, rules.tallies(), fines=True, where=where)
    subjects = inputs.subjects(q, target)
    input_join, input_grade = _input_grade(q, rules, inputs)

    fired, reasons = [], []
    i = 0
    for n, condition in enumerate(conditions):
        if condition.input_grades is not None:
            grades_in = q.p(list(condition.input_grades))
            fired.append(f" WHEN w.input_grade <> '' AND w.input_grade = ANY({grades_in}) THEN {n}")
            reason = _json_object(
                q,
                [
                    ("rule", condition.label),
                    ("grade", condition.grade),
                    ("input_grade", _Sql("to_json(v.input_grade)::text")),
                    ("documents", []),
                ],
            )
            reasons.append(f" WHEN {n} THEN '[' || {reason} || ']'")
            continue
        decisions = condition.count == "decisions"

        def count(t: str, i: int = i, decisions: bool = decisions) -> str:
            return f"{t}.k{i}" if decisions else f"{t}.c{i}"

        test = f"w.c{i} > 0 AND {count('w')} >= {_num(q, condition.min)}"
        if condition.fine_total_above is not None:
            test += f" AND coalesce(w.f{i}, 0) > {_num(q, condition.fine_total_above)}"
        fired.append(f" WHEN {test} THEN {n}")
        reason = _json_object(
            q,
            [
                ("rule", condition.label),
                ("grade", condition.grade),
                ("count", _Sql(f"{count('v')}::text")),
                ("unit", condition.count),
                (
                    "fines",
                    _Sql(
                        f"""CASE WHEN coalesce(v.f{i}, 0) = 0 THEN '""' ELSE '"' || v.f{i}::text || '"' END"""
                    ),
                ),
                ("documents", _Sql(_documents(f"v.d{i}"))),
            ],
        )
        reasons.append(f" WHEN {n} THEN '[' || {reason} || ']'")
        i += 1
    grades = "".join(f" WHEN {n} THEN {_text(q, c.grade)}" for n, c in enumerate(conditions))

    # No condition fired: the default grade, or the no-record grade for a subject without records.
    def default(grade: str, label: str) -> tuple[str, str]:
        reason = [{"rule": label, "grade": grade, "documents": []}] if label else []
        return _text(q, grade), _text(q, json.dumps(reason, ensure_ascii=False))

    none_grade, none_reason = default(rules.no_record_grade, rules.no_record_label)
    some_grade, some_reason = default(rules.default_grade, rules.default_label)
    layer2 = [
        "s.id AS subject_id",
        "coalesce(a.n_all, 0) AS n_all",
        f"{input_grade} AS input_grade",
        f"{_digest(q, count='a.n_all', hashes='a.hs', input_grade=input_grade)} AS digest",
    ]
    for i, _condition in enumerate(counted):
        layer2 += [
            f"coalesce(a.c{i}, 0) AS c{i}",
            f"coalesce(a.k{i}, 0) AS k{i}",
            f"a.d{i} AS d{i}",
            f"(a.f{i} / 100.0)::numeric(20, 2) AS f{i}",
        ]
    chosen = "CASE" + "".join(fired) + " ELSE -1 END" if fired else "-1"
    reasons_sql = f"""(CASE v.chosen{"".join(reasons)}
                 ELSE CASE WHEN v.n_all > 0 THEN {some_reason} ELSE {none_reason} END END)::jsonb"""
    sql = f"""
        SELECT v.subject_id,
               CASE v.chosen{grades} ELSE CASE WHEN v.n_all > 0 THEN {some_grade} ELSE {none_grade} END END
                 AS grade,
               NULL::numeric AS score,
               {reasons_sql} AS reasons, v.digest
        FROM (
          SELECT w.*, {chosen} AS chosen FROM (
            SELECT {", ".join(layer2)} FROM subjects_subject s
            LEFT JOIN ({aggregate}) a ON a.subject_id = s.id
            {input_join}
            WHERE {subjects} OFFSET 0
          ) w OFFSET 0
        ) v
    """
    return sql, q.params
