"""A scheme version's rules compiled into one PostgreSQL query, so a whole county is graded inside the
database (SPEC §3.5: nightly, every subject; 003 §3(2): the December 15 run).

The pure engine (``engine.py``) stays the reference: it defines what a grade is, grades on SQLite and
explains a single preview; this module must give the same grade, score and reasons, to the character,
and the tests hold the two side by side on random records. The query has three layers:

1. one pass over the window's counting records, grouped by subject: per rule, the number of matching
   records, their points or fines, and their document numbers (001 Art. 10: each violation counts);
2. per subject (every subject, with or without records): which rules fire, the score, the level;
3. the reasons as JSON, built only for the rules that fired.

Every value from the rules is a query parameter; only column names and operators are written here.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Department

from .engine import LEVELS
from .models import RecordScope, SchemeVersion


@dataclass
class _Query:
    """Named parameters, so fragments can be written in any order."""

    params: dict = field(default_factory=dict)

    def p(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"


def _match(q: _Query, rule: dict) -> str:
    """The SQL of ``engine._matches``: an empty list or a missing key matches everything."""
    parts = ["TRUE"]
    if rule.get("kinds"):
        parts.append(f"k.code = ANY({q.p(list(rule['kinds']))})")
    if rule.get("severities"):
        parts.append(f"r.severity = ANY({q.p(list(rule['severities']))})")
    if rule.get("polarity"):
        parts.append(f"k.polarity = {q.p(rule['polarity'])}")
    if rule.get("external_grades"):
        parts.append(f"r.external_grade = ANY({q.p(list(rule['external_grades']))})")
    return " AND ".join(parts)


def _num(q: _Query, value) -> str:
    # Decimal(str(value)) in the engine: the same text, so sums print the same way.
    return f"{q.p(str(Decimal(str(value))))}::numeric"


def _text(q: _Query, value: str) -> str:
    return f"{q.p(value)}::text"


def _documents(column: str) -> str:
    # sorted({...}) in Python is code point order: the "C" collation.
    return f'to_jsonb(ARRAY(SELECT DISTINCT u.x COLLATE "C" FROM unnest({column}) AS u(x) ORDER BY 1))'


def _window_filter(
    q: _Query, *, version: SchemeVersion, department: Department | None, as_of: datetime.date
) -> str:
    from .services import COUNTING_STATUSES, window_start

    statuses = [str(s) for s in version.rules.get("count_statuses", COUNTING_STATUSES)]
    parts = [
        f"r.status = ANY({q.p(statuses)})",
        "r.is_current",
        f"r.decision_date >= {q.p(window_start(version=version, as_of=as_of))}",
        f"r.decision_date <= {q.p(as_of)}",
    ]
    if department is not None and version.record_scope == RecordScope.OWN:
        parts.append(f"r.department_id = {q.p(department.pk)}")
    elif department is not None and version.record_scope == RecordScope.KINDS:
        parts.append(
            f"(r.department_id = {q.p(department.pk)} OR k.code = ANY({q.p(list(version.scope_kinds))}))"
        )
    return " AND ".join(parts)


def _subject_filter(
    q: _Query, column: str, *, subject_ids: list[int] | None, id_range: tuple[int, int] | None
):
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
) -> tuple[str, dict]:
    """SQL and parameters of a query answering (subject_id, grade, score, reasons) for every subject
    asked for (all by default), as ``engine.evaluate`` would."""
    if version.scheme.kind == "score":
        return _score_sql(
            version=version, department=department, as_of=as_of, subject_ids=subject_ids, id_range=id_range
        )
    return _conditions_sql(
        version=version, department=department, as_of=as_of, subject_ids=subject_ids, id_range=id_range
    )


def _aggregate(q: _Query, rules: list[dict], *, fines: bool, where: str) -> tuple[str, list[str]]:
    """Layer 1: per subject and rule, the count, the points or fines, and the document numbers."""
    columns = ["r.subject_id", "count(*) AS n_all"]
    for i, rule in enumerate(rules):
        m = _match(q, rule)
        columns.append(f"count(*) FILTER (WHERE {m}) AS c{i}")
        columns.append(f"array_agg(r.document_number) FILTER (WHERE {m}) AS d{i}")
        if fines:
            columns.append(f"sum(r.fine_total) FILTER (WHERE {m}) AS f{i}")
        elif "fine_bands" in rule:
            bands = "".join(
                f" WHEN r.fine_total >= {_num(q, threshold)} THEN {_num(q, points)}"
                for threshold, points in reversed(rule["fine_bands"])
            )
            columns.append(f"sum(CASE{bands} ELSE 0 END) FILTER (WHERE {m}) AS p{i}")
        else:
            columns.append(f"sum({_num(q, rule.get('points', 0))}) FILTER (WHERE {m}) AS p{i}")
    return (
        f"SELECT {', '.join(columns)} FROM records_creditrecord r "
        f"JOIN records_recordkind k ON k.id = r.kind_id WHERE {where} GROUP BY r.subject_id"
    ), columns


def _score_sql(*, version, department, as_of, subject_ids, id_range) -> tuple[str, dict]:
    rules = version.rules
    items: list[dict] = list(rules.get("items", []))
    classes: list[dict] = list(rules.get("classes", []))
    filtered_classes = [b for b in classes if b.get("kinds") or b.get("severities")]
    q = _Query()
    where = _window_filter(q, version=version, department=department, as_of=as_of)
    if rules.get("ignore_kinds"):
        where += f" AND NOT (k.code = ANY({q.p(list(rules['ignore_kinds']))}))"
    where += " AND " + _subject_filter(q, "r.subject_id", subject_ids=subject_ids, id_range=id_range)
    aggregate, _columns = _aggregate(q, items + filtered_classes, fines=False, where=where)

    # Layer 2: each item's points after its cap, and whether it fired (hits and points not zero).
    layer2 = ["s.id AS subject_id"]
    for i, item in enumerate(items):
        points = f"coalesce(a.p{i}, 0)"
        if "max_points" in item:
            limit = _num(q, item["max_points"])
            points = f"GREATEST(-{limit}, LEAST({limit}, {points}))"
        layer2 += [f"{points} AS q{i}", f"coalesce(a.c{i}, 0) AS c{i}", f"a.d{i} AS d{i}"]
    for j, _band in enumerate(filtered_classes):
        k = len(items) + j
        layer2 += [f"coalesce(a.c{k}, 0) > 0 AS h{j}", f"a.d{k} AS e{j}"]
    subjects = _subject_filter(q, "s.id", subject_ids=subject_ids, id_range=id_range)
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
        reasons.append(
            f"CASE WHEN z.c{i} > 0 AND z.q{i} <> 0 THEN "
            f"jsonb_build_object('rule', {_text(q, item['label'])}, "
            f"'points', z.q{i}::text, 'count', z.c{i}, 'documents', {_documents(f'z.d{i}')}) END"
        )
    j = 0
    for n, band in enumerate(classes):
        if band.get("kinds") or band.get("severities"):
            documents = _documents(f"z.e{j}")
            j += 1
        else:
            documents = "'[]'::jsonb"
        reasons.append(
            f"CASE WHEN z.band = {n} THEN jsonb_build_object('rule', {_text(q, band['label'])}, "
            f"'range', jsonb_build_array({_text(q, band['best'])}, {_text(q, band['worst'])}), "
            f"'documents', {documents}) END"
        )
    level_names = _text_array(q, LEVELS)
    sql = f"""
        SELECT z.subject_id, ({level_names})[{clamp_expr} + 1] AS grade, round(z.score, 2) AS score,
               {_reasons_array(reasons)} AS reasons
        FROM (
          SELECT y.*, {band_expr} AS band FROM (
            SELECT x.*, {level_index} AS li FROM (
              SELECT w.*, {score} AS score FROM (
                SELECT {", ".join(layer2)} FROM subjects_subject s
                LEFT JOIN ({aggregate}) a ON a.subject_id = s.id
                WHERE {subjects}
              ) w
            ) x
          ) y
        ) z
    """
    return sql, q.params


def _text_array(q: _Query, values: list[str]) -> str:
    return f"{q.p(list(values))}::text[]"


def _reasons_array(reasons: list[str]) -> str:
    if not reasons:
        return "'[]'::jsonb"
    return f"coalesce(to_jsonb(array_remove(ARRAY[{', '.join(reasons)}]::jsonb[], NULL)), '[]'::jsonb)"


def _conditions_sql(*, version, department, as_of, subject_ids, id_range) -> tuple[str, dict]:
    rules = version.rules
    conditions: list[dict] = list(rules.get("conditions", []))
    counted = [c for c in conditions if "input_grades" not in c]
    q = _Query()
    where = _window_filter(q, version=version, department=department, as_of=as_of)
    where += " AND " + _subject_filter(q, "r.subject_id", subject_ids=subject_ids, id_range=id_range)
    aggregate, _columns = _aggregate(q, counted, fines=True, where=where)
    subjects = _subject_filter(q, "s.id", subject_ids=subject_ids, id_range=id_range)

    # 000 Art. 8: the county grade as an input (engine: ``input_grade`` of the subject, "" if none).
    input_scheme = rules.get("input_scheme")
    if input_scheme:
        input_join = (
            "LEFT JOIN grading_grade ig ON ig.subject_id = s.id AND ig.is_current "
            "AND ig.department_id IS NULL "
            f"AND ig.scheme_id = (SELECT id FROM grading_scheme WHERE code = {q.p(input_scheme)})"
        )
        input_grade = "coalesce(ig.grade, '')"
    else:
        input_join, input_grade = "", "''::text"

    fired, reasons = [], []
    i = 0
    for n, condition in enumerate(conditions):
        grade = _text(q, condition["grade"])
        label = _text(q, condition["label"])
        if "input_grades" in condition:
            grades_in = q.p(list(condition["input_grades"]))
            fired.append(f" WHEN w.input_grade <> '' AND w.input_grade = ANY({grades_in}) THEN {n}")
            reasons.append(
                f" WHEN {n} THEN jsonb_build_array(jsonb_build_object('rule', {label}, 'grade', {grade}, "
                "'input_grade', v.input_grade, 'documents', '[]'::jsonb))"
            )
            continue
        decisions = condition.get("count") == "decisions"

        def count(t: str, i: int = i, decisions: bool = decisions) -> str:
            return f"cardinality(ARRAY(SELECT DISTINCT unnest({t}.d{i})))" if decisions else f"{t}.c{i}"

        test = f"w.c{i} > 0 AND {count('w')} >= {q.p(condition.get('min', 1))}"
        if "fine_total_above" in condition:
            test += f" AND coalesce(w.f{i}, 0) > {_num(q, condition['fine_total_above'])}"
        fired.append(f" WHEN {test} THEN {n}")
        reasons.append(
            f" WHEN {n} THEN jsonb_build_array(jsonb_build_object('rule', {label}, 'grade', {grade}, "
            f"'count', {count('v')}, 'unit', {_text(q, condition.get('count', 'records'))}, "
            f"'fines', CASE WHEN coalesce(v.f{i}, 0) = 0 THEN '' ELSE v.f{i}::text END, "
            f"'documents', {_documents(f'v.d{i}')}))"
        )
        i += 1
    grades = "".join(f" WHEN {n} THEN {_text(q, c['grade'])}" for n, c in enumerate(conditions))

    # No condition fired: the default grade, or the no-record grade for a subject without records.
    def default(key: str, label_key: str) -> tuple[str, str]:
        grade, label = rules.get(key, ""), rules.get(label_key, "")
        reason = (
            f"jsonb_build_array(jsonb_build_object('rule', {_text(q, label)}, 'grade', {_text(q, grade)}, "
            "'documents', '[]'::jsonb))"
            if label
            else "'[]'::jsonb"
        )
        return _text(q, grade), reason

    none_grade, none_reason = default("no_record_grade", "no_record_label")
    some_grade, some_reason = default("default_grade", "default_label")
    layer2 = ["s.id AS subject_id", "coalesce(a.n_all, 0) AS n_all", f"{input_grade} AS input_grade"]
    for i, _condition in enumerate(counted):
        layer2 += [f"coalesce(a.c{i}, 0) AS c{i}", f"a.d{i} AS d{i}", f"a.f{i} AS f{i}"]
    chosen = "CASE" + "".join(fired) + " ELSE -1 END" if fired else "-1"
    sql = f"""
        SELECT v.subject_id,
               CASE v.chosen{grades} ELSE CASE WHEN v.n_all > 0 THEN {some_grade} ELSE {none_grade} END END
                 AS grade,
               NULL::numeric AS score,
               CASE v.chosen{"".join(reasons)}
                 ELSE CASE WHEN v.n_all > 0 THEN {some_reason} ELSE {none_reason} END END
                 AS reasons
        FROM (
          SELECT w.*, {chosen} AS chosen FROM (
            SELECT {", ".join(layer2)} FROM subjects_subject s
            LEFT JOIN ({aggregate}) a ON a.subject_id = s.id
            {input_join}
            WHERE {subjects}
          ) w
        ) v
    """
    return sql, q.params
