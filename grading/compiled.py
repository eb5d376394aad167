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

Every value from the rules is a query parameter; only column names and operators are written here.
Each layer ends in ``OFFSET 0`` so that PostgreSQL computes it once per subject instead of inlining
its expressions (the score, say) into every place the next layer uses them.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Department
from records.models import RecordKind

from .engine import LEVELS
from .models import RecordScope, SchemeVersion


@dataclass
class _Query:
    """Named parameters, so fragments can be written in any order; record kinds by id (code ->
    (id, polarity)), so the records need no join and the filters compare integers."""

    kinds: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    def kind_ids(self, codes=None, *, polarity: str | None = None) -> list[int]:
        return sorted(
            pk
            for code, (pk, kind_polarity) in self.kinds.items()
            if (codes is None or code in codes) and (polarity is None or kind_polarity == polarity)
        )

    def p(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"


def _new_query() -> _Query:
    kinds = RecordKind.objects.values_list("code", "pk", "polarity")
    return _Query(kinds={code: (pk, polarity) for code, pk, polarity in kinds})


def _match(q: _Query, rule: dict) -> str:
    """The SQL of ``engine._matches``: an empty list or a missing key matches everything."""
    parts = ["TRUE"]
    if rule.get("kinds") or rule.get("polarity"):
        ids = q.kind_ids(
            set(rule["kinds"]) if rule.get("kinds") else None, polarity=rule.get("polarity") or None
        )
        parts.append(f"r.kind_id = ANY({q.p(ids)}::int[])")
    if rule.get("severities"):
        parts.append(f"r.severity = ANY({q.p(list(rule['severities']))})")
    if rule.get("external_grades"):
        parts.append(f"r.external_grade = ANY({q.p(list(rule['external_grades']))})")
    return " AND ".join(parts)


def _num(q: _Query, value) -> str:
    # Decimal(str(value)) in the engine: the same text, so sums print the same way.
    return f"{q.p(str(Decimal(str(value))))}::numeric"


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


def _window_filter(
    q: _Query, *, version: SchemeVersion, department: Department | None, as_of: datetime.date
) -> str:
    from .services import COUNTING_STATUSES, in_force_kinds, window_start

    statuses = [str(s) for s in version.rules.get("count_statuses", COUNTING_STATUSES)]
    parts = [
        f"r.status = ANY({q.p(statuses)})",
        "r.is_current",
        f"(r.decision_date >= {q.p(window_start(version=version, as_of=as_of))} "
        f"OR r.kind_id = ANY({q.p(q.kind_ids(set(in_force_kinds(version=version))))}::int[]))",
        f"r.decision_date <= {q.p(as_of)}",
    ]
    if department is not None and version.record_scope == RecordScope.OWN:
        parts.append(f"r.department_id = {q.p(department.pk)}")
    elif department is not None and version.record_scope == RecordScope.KINDS:
        parts.append(
            f"(r.department_id = {q.p(department.pk)} "
            f"OR r.kind_id = ANY({q.p(q.kind_ids(set(version.scope_kinds)))}::int[]))"
        )
    return " AND ".join(parts)


def _subject_filter(q: _Query, column: str, *, subject_ids=None, id_range=None, subject_table=None) -> str:
    if subject_table is not None:  # a temporary table of this module's own, never user input
        return f"{column} IN (SELECT subject_id FROM {subject_table})"
    if subject_ids is not None:
        return f"{column} = ANY({q.p(list(subject_ids))})"
    if id_range is not None:
        return f"{column} BETWEEN {q.p(id_range[0])} AND {q.p(id_range[1])}"
    return "TRUE"


def outcomes_sql(
    *,
    version: SchemeVersion,
    department: Department | None,
    as_of: datetime.date,
    subject_ids: list[int] | None = None,
    id_range: tuple[int, int] | None = None,
    subject_table: str | None = None,
) -> tuple[str, dict]:
    """SQL and parameters of a query answering (subject_id, grade, score, reasons, digest) for every
    subject asked for (all by default: or a list, an id range, the ids in a temporary table), as
    ``engine.evaluate`` would; ``digest`` is the one ``digests_sql`` answers."""
    target = {"subject_ids": subject_ids, "id_range": id_range, "subject_table": subject_table}
    build = _score_sql if version.scheme.kind == "score" else _conditions_sql
    return build(version=version, department=department, as_of=as_of, target=target)


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
) -> tuple[str, dict]:
    """(subject_id, digest) for every subject asked for (all by default): a fingerprint of the
    subject's counting records (their number and the sum of a hash of each) and of the county grade a
    department scheme takes as input (000 Art. 8). A grade is a function of its version and these
    facts, so a current grade of the same version whose stored digest equals this one would be
    computed again exactly as it is: the nightly regrade (SPEC §3.5) recomputes only the others.
    It costs one pass over the window's records with two aggregates, about what a hand-written
    count per subject costs."""
    target = {"subject_ids": subject_ids, "id_range": None, "subject_table": None}
    q = _new_query()
    where = _records_filter(q, version=version, department=department, as_of=as_of, target=target)
    input_join, input_grade = _input_grade(q, version.rules)
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
        WHERE {_subject_filter(q, "s.id", **target)}
    """
    return sql, q.params


def _records_filter(q: _Query, *, version, department, as_of, target) -> str:
    """The counting records of the window and scope, minus the kinds a score model ignores."""
    where = _window_filter(q, version=version, department=department, as_of=as_of)
    if version.scheme.kind == "score" and version.rules.get("ignore_kinds"):
        where += f" AND NOT (r.kind_id = ANY({q.p(q.kind_ids(set(version.rules['ignore_kinds'])))}::int[]))"
    return where + " AND " + _subject_filter(q, "r.subject_id", **target)


def _input_grade(q: _Query, rules: dict) -> tuple[str, str]:
    """000 Art. 8: the county grade as an input (engine: ``input_grade`` of the subject, "" if none):
    the join on ``s`` and the grade's SQL."""
    input_scheme = rules.get("input_scheme")
    if not input_scheme:
        return "", "''::text"
    join = (
        "LEFT JOIN grading_grade ig ON ig.subject_id = s.id AND ig.is_current "
        "AND ig.department_id IS NULL "
        f"AND ig.scheme_id = (SELECT id FROM grading_scheme WHERE code = {q.p(input_scheme)})"
    )
    return join, "coalesce(ig.grade, '')"


SEVERITIES = ["", "minor", "general", "serious"]


def _masks(q: _Query, rules: list[dict]) -> str:
    """A small table (kind_id, severity, mask): bit i is set when a record of that kind and severity
    matches rule i by kind, polarity and severity, so each record is classified by one hash join
    instead of every rule's filters. External grades, free text, are tested per rule."""
    rows = []
    for code, (pk, polarity) in sorted(q.kinds.items()):
        for severity in SEVERITIES:
            mask = 0
            for i, rule in enumerate(rules):
                if rule.get("kinds") and code not in rule["kinds"]:
                    continue
                if rule.get("severities") and severity not in rule["severities"]:
                    continue
                if rule.get("polarity") and polarity != rule["polarity"]:
                    continue
                mask |= 1 << i
            rows.append(f"({pk}, '{severity}', {mask}::bigint)")
    return f"(VALUES {', '.join(rows)}) AS lk(kind_id, severity, mask)"


def _aggregate(q: _Query, rules: list[dict], *, fines: bool, where: str) -> str:
    """Layer 1, per subject and rule: the count of matching records (``c``), of their distinct document
    numbers (``k``: decisions), the documents themselves in code point order (``d``; sorted({...}) in
    Python is the "C" collation), and the points of fine bands (``p``) or the fines (``f``).

    Grouping first by (subject, document) makes each document appear once per subject, so the second
    grouping needs no DISTINCT; it reads the first one's rows sorted by (subject, document), so the
    arrays come out sorted without a sort per subject and rule (PostgreSQL aggregates keep the order
    of a sorted subquery; the tests compare with the engine's sorted())."""
    # Rules that match the same records share one set of aggregates (a department's B and C
    # conditions on warnings, say); ``unique`` holds one rule per set.
    keys = [
        json.dumps(
            [rule.get(key) or None for key in ("kinds", "severities", "polarity", "external_grades")]
            + [None if fines else rule.get("fine_bands")],
            sort_keys=True,
        )
        for rule in rules
    ]
    unique = list(dict.fromkeys(keys))
    rule_set = [unique.index(key) for key in keys]
    shared = [rules[keys.index(key)] for key in unique]
    if len(shared) > 62:
        raise ValueError("A scheme version may have at most 62 different rule filters.")
    inner = [
        "r.subject_id",
        'r.document_number COLLATE "C" AS doc',
        "count(*)::int AS n",
        f"sum({RECORD_HASH}) AS hs",
    ]
    outer = ["subject_id", "sum(n) AS n_all", "sum(hs) AS hs"]
    for u, rule in enumerate(shared):
        m = f"(lk.mask & {1 << u}) <> 0"
        if rule.get("external_grades"):
            m += f" AND r.external_grade = ANY({q.p(list(rule['external_grades']))})"
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
        elif "fine_bands" in rule:
            bands = "".join(
                f" WHEN r.fine_total >= {_num(q, threshold)} THEN {_num(q, points)}"
                for threshold, points in reversed(rule["fine_bands"])  # the last band reached counts
            )
            inner.append(f"sum(CASE{bands} ELSE 0 END) FILTER (WHERE {m}) AS p{u}")
            outer.append(f"sum(p{u}) AS p{u}")
    columns = ["subject_id", "n_all", "hs"]
    for i, u in enumerate(rule_set):
        columns += [f"c{u} AS c{i}", f"k{u} AS k{i}", f"d{u} AS d{i}"]
        if fines:
            columns.append(f"f{u} AS f{i}")
        elif "fine_bands" in rules[i]:
            columns.append(f"p{u} AS p{i}")
    return (
        f"SELECT {', '.join(columns)} FROM (SELECT {', '.join(outer)} FROM ("
        f"SELECT {', '.join(inner)} FROM records_creditrecord r "
        f"LEFT JOIN {_masks(q, shared)} ON lk.kind_id = r.kind_id AND lk.severity = r.severity "
        f'WHERE {where} GROUP BY r.subject_id, r.document_number COLLATE "C" ORDER BY r.subject_id, 2'
        ") docs GROUP BY subject_id) shared"
    )


def _score_sql(*, version, department, as_of, target) -> tuple[str, dict]:
    rules = version.rules
    items: list[dict] = list(rules.get("items", []))
    classes: list[dict] = list(rules.get("classes", []))
    filtered_classes = [b for b in classes if b.get("kinds") or b.get("severities")]
    q = _new_query()
    where = _records_filter(q, version=version, department=department, as_of=as_of, target=target)
    aggregate = _aggregate(q, items + filtered_classes, fines=False, where=where)

    # Layer 2: each item's points after its cap, and whether it fired (hits and points not zero).
    digest = _digest(q, count="a.n_all", hashes="a.hs", input_grade="''::text")
    layer2 = ["s.id AS subject_id", f"{digest} AS digest"]
    for i, item in enumerate(items):
        # A fixed number of points per record: the count times the points (the engine's sum).
        points = (
            f"coalesce(a.p{i}, 0)"
            if "fine_bands" in item
            else f"coalesce(a.c{i}, 0) * {_num(q, item.get('points', 0))}"
        )
        if "max_points" in item:
            limit = _num(q, item["max_points"])
            points = f"GREATEST(-{limit}, LEAST({limit}, {points}))"
        layer2 += [f"{points} AS q{i}", f"coalesce(a.c{i}, 0) AS c{i}", f"a.d{i} AS d{i}"]
    for j, _band in enumerate(filtered_classes):
        k = len(items) + j
        layer2 += [f"coalesce(a.c{k}, 0) > 0 AS h{j}", f"a.d{k} AS e{j}"]
    subjects = _subject_filter(q, "s.id", **target)
    base = _num(q, rules.get("base", 1000))
    score = " + ".join([base] + [f"CASE WHEN c{i} > 0 THEN q{i} ELSE 0 END" for i in range(len(items))])

    # engine.level_for_score: the first level whose minimum the score reaches (none: the last level).
    levels = rules["levels"]
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
        best, worst = LEVELS.index(band["best"]), LEVELS.index(band["worst"])
        if band.get("kinds") or band.get("severities"):
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
                ("rule", item["label"]),
                ("points", _quoted(f"z.q{i}")),
                ("count", _Sql(f"z.c{i}::text")),
                ("documents", _Sql(_documents(f"z.d{i}"))),
            ],
        )
        reasons.append(f"CASE WHEN z.c{i} > 0 AND z.q{i} <> 0 THEN {reason} END")
    j = 0
    for n, band in enumerate(classes):
        if band.get("kinds") or band.get("severities"):
            documents: object = _Sql(_documents(f"z.e{j}"))
            j += 1
        else:
            documents = []
        reason = _json_object(
            q, [("rule", band["label"]), ("range", [band["best"], band["worst"]]), ("documents", documents)]
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


def _conditions_sql(*, version, department, as_of, target) -> tuple[str, dict]:
    rules = version.rules
    conditions: list[dict] = list(rules.get("conditions", []))
    counted = [c for c in conditions if "input_grades" not in c]
    q = _new_query()
    where = _records_filter(q, version=version, department=department, as_of=as_of, target=target)
    aggregate = _aggregate(q, counted, fines=True, where=where)
    subjects = _subject_filter(q, "s.id", **target)
    input_join, input_grade = _input_grade(q, rules)

    fired, reasons = [], []
    i = 0
    for n, condition in enumerate(conditions):
        if "input_grades" in condition:
            grades_in = q.p(list(condition["input_grades"]))
            fired.append(f" WHEN w.input_grade <> '' AND w.input_grade = ANY({grades_in}) THEN {n}")
            reason = _json_object(
                q,
                [
                    ("rule", condition["label"]),
                    ("grade", condition["grade"]),
                    ("input_grade", _Sql("to_json(v.input_grade)::text")),
                    ("documents", []),
                ],
            )
            reasons.append(f" WHEN {n} THEN '[' || {reason} || ']'")
            continue
        decisions = condition.get("count") == "decisions"

        def count(t: str, i: int = i, decisions: bool = decisions) -> str:
            return f"{t}.k{i}" if decisions else f"{t}.c{i}"

        test = f"w.c{i} > 0 AND {count('w')} >= {q.p(condition.get('min', 1))}"
        if "fine_total_above" in condition:
            test += f" AND coalesce(w.f{i}, 0) > {_num(q, condition['fine_total_above'])}"
        fired.append(f" WHEN {test} THEN {n}")
        reason = _json_object(
            q,
            [
                ("rule", condition["label"]),
                ("grade", condition["grade"]),
                ("count", _Sql(f"{count('v')}::text")),
                ("unit", condition.get("count", "records")),
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
    grades = "".join(f" WHEN {n} THEN {_text(q, c['grade'])}" for n, c in enumerate(conditions))

    # No condition fired: the default grade, or the no-record grade for a subject without records.
    def default(key: str, label_key: str) -> tuple[str, str]:
        grade, label = rules.get(key, ""), rules.get(label_key, "")
        reason = [{"rule": label, "grade": grade, "documents": []}] if label else []
        return _text(q, grade), _text(q, json.dumps(reason, ensure_ascii=False))

    none_grade, none_reason = default("no_record_grade", "no_record_label")
    some_grade, some_reason = default("default_grade", "default_label")
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
