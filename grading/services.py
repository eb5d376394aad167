"""Computing and storing grades. One service grades any set of subjects; the dynamic regrade, the
nightly task, the yearly run and ``evaluate`` all call it (SPEC §3.5).

The computation is set-based: the window's counting records are streamed once, ordered by subject,
together with the ordered list of subjects, and each subject's outcome comes from the pure engine;
only grades that changed are written, in bulk.
"""

import datetime
import json
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Department
from records.models import CreditRecord, RecordStatus
from subjects.models import Subject

from .compiled import digests_sql, outcomes_sql
from .engine import Fact, Outcome, evaluate
from .models import Grade, GradeSource, RecordScope, Scheme, SchemeVersion, VersionStatus

logger = logging.getLogger(__name__)

CHUNK = 2000
# SPEC §3.4: an expired record (publication over) still counts in the window; repaired, revoked and
# corrected ones do not. A version may say otherwise in its rules ("count_statuses").
COUNTING_STATUSES = [RecordStatus.EFFECTIVE, RecordStatus.EXPIRED]


def version_published(*, scheme: Scheme) -> SchemeVersion | None:
    return scheme.versions.filter(status=VersionStatus.PUBLISHED).first()


def grading_department(*, scheme: Scheme, department: Department | None) -> Department | None:
    """A department scheme grades with the records of the department running it (by default its owner);
    the county scheme has no department."""
    if scheme.owner_id is None:
        return None
    return department or scheme.owner


def window_start(*, version: SchemeVersion, as_of: datetime.date) -> datetime.date:
    """First day of the window: a one-year window (001 Art. 4) ending on ``as_of`` holds 365 days."""
    return as_of - datetime.timedelta(days=version.window_days - 1)


# 002 §3(1), §4(3); 004 §6(1): a red or black listing holds until it is removed (its record is then
# revoked), however long ago it was decided, so its record counts outside the one-year window too.
IN_FORCE_KINDS = ["joint_punishment_list", "red_list"]


def in_force_kinds(*, version: SchemeVersion) -> list[str]:
    return list(version.rules.get("in_force_kinds", IN_FORCE_KINDS))


def counting_records(*, version: SchemeVersion, department: Department | None, as_of: datetime.date):
    statuses = version.rules.get("count_statuses", COUNTING_STATUSES)
    qs = CreditRecord.objects.filter(
        Q(decision_date__gte=window_start(version=version, as_of=as_of))
        | Q(kind__code__in=in_force_kinds(version=version)),
        status__in=statuses,
        is_current=True,
        decision_date__lte=as_of,
    )
    if department is not None and version.record_scope == RecordScope.OWN:
        qs = qs.filter(department=department)
    elif department is not None and version.record_scope == RecordScope.KINDS:
        qs = qs.filter(Q(department=department) | Q(kind__code__in=version.scope_kinds))
    return qs


SMALL_SET = 5000


def _rows(qs, *, stream: bool):
    """A server-side cursor for the whole registry; a plain fetch for a small set (a dynamic regrade),
    where the cursor's extra round trips would cost more than the rows."""
    return qs.iterator(chunk_size=5000) if stream else list(qs)


def _fact_stream(qs, *, stream: bool = True) -> Iterator[tuple[int, list[Fact]]]:
    rows = qs.order_by("subject_id").values_list(
        "subject_id",
        "kind__code",
        "kind__polarity",
        "severity",
        "document_number",
        "fine_total",
        "decision_date",
        "external_grade",
    )
    for subject_id, group in groupby(_rows(rows, stream=stream), key=lambda row: row[0]):
        yield subject_id, [Fact(*row[1:]) for row in group]


def grades_compute(
    *,
    version: SchemeVersion,
    department: Department | None,
    as_of: datetime.date,
    subject_ids: Iterable[int] | None = None,
) -> Iterator[tuple[int, Outcome]]:
    """(subject id, outcome) for every subject asked for — the whole registry by default — in id order."""
    records = counting_records(version=version, department=department, as_of=as_of)
    subjects = Subject.objects.order_by("pk")
    stream = True
    if subject_ids is not None:
        ids = sorted(set(subject_ids))
        records = records.filter(subject_id__in=ids)
        subjects = subjects.filter(pk__in=ids)
        stream = len(ids) > SMALL_SET
    input_scheme = version.rules.get("input_scheme")
    facts = _fact_stream(records, stream=stream)
    pending = next(facts, None)
    chunk: list[int] = []

    def flush(chunk_ids: list[int]) -> Iterator[tuple[int, Outcome]]:
        nonlocal pending
        inputs = _input_grades(input_scheme, chunk_ids) if input_scheme else {}
        for subject_id in chunk_ids:
            subject_facts: list[Fact] = []
            while pending is not None and pending[0] < subject_id:
                pending = next(facts, None)  # records of subjects outside the set asked for
            if pending is not None and pending[0] == subject_id:
                subject_facts = pending[1]
                pending = next(facts, None)
            yield (
                subject_id,
                evaluate(
                    version.scheme.kind, version.rules, subject_facts, input_grade=inputs.get(subject_id, "")
                ),
            )

    for subject_id in _rows(subjects.values_list("pk", flat=True), stream=stream):
        chunk.append(subject_id)
        if len(chunk) >= CHUNK:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def _input_grades(scheme_code: str, subject_ids: list[int]) -> dict[int, str]:
    """000 Art. 8: a department scheme can take the county grade as an input."""
    return dict(
        Grade.objects.filter(
            scheme__code=scheme_code, department__isnull=True, is_current=True, subject_id__in=subject_ids
        ).values_list("subject_id", "grade")
    )


def _same(current: Grade | None, version: SchemeVersion, outcome: Outcome) -> bool:
    if current is None:
        return False
    score = None if outcome.score is None else round(outcome.score, 2)
    return (
        current.version_id == version.pk
        and current.grade == outcome.grade
        and current.score == score
        and current.reasons == outcome.reasons
    )


def grades_refresh(
    *,
    scheme: Scheme,
    as_of: datetime.date,
    source: str,
    department: Department | None = None,
    subject_ids: Iterable[int] | None = None,
) -> dict[str, int]:
    """Recompute and store the grades of ``subject_ids`` (all subjects by default) under the scheme's
    published version; only changed grades are written. Returns counts."""
    version = version_published(scheme=scheme)
    if version is None:
        return {"graded": 0, "changed": 0}
    department = grading_department(scheme=scheme, department=department)
    if compiled_grading() and (subject_ids is None or len(set(subject_ids)) > SMALL_SET):
        return _refresh_compiled(
            scheme=scheme,
            version=version,
            department=department,
            as_of=as_of,
            source=source,
            subject_ids=subject_ids,
        )
    counts = {"graded": 0, "changed": 0}
    batch: list[tuple[int, Outcome]] = []
    for item in grades_compute(version=version, department=department, as_of=as_of, subject_ids=subject_ids):
        batch.append(item)
        if len(batch) >= CHUNK:
            _write(scheme, version, department, as_of, source, batch, counts)
            batch = []
    if batch:
        _write(scheme, version, department, as_of, source, batch, counts)
    return counts


@transaction.atomic
def _write(scheme, version, department, as_of, source, batch, counts) -> None:
    ids = [subject_id for subject_id, _outcome in batch]
    current = {
        g.subject_id: g
        for g in Grade.objects.select_for_update().filter(
            scheme=scheme, department=department, is_current=True, subject_id__in=ids
        )
    }
    changed = [(sid, o) for sid, o in batch if not _same(current.get(sid), version, o)]
    counts["graded"] += len(batch)
    counts["changed"] += len(changed)
    if not changed:
        return
    retired = [current[sid].pk for sid, _o in changed if sid in current]
    if retired:
        Grade.objects.filter(pk__in=retired).update(is_current=False)
    Grade.objects.bulk_create(
        [
            Grade(
                subject_id=sid,
                scheme=scheme,
                version=version,
                department=department,
                as_of=as_of,
                grade=o.grade,
                score=None if o.score is None else round(o.score, 2),
                reasons=o.reasons,
                source=source,
                is_current=True,
            )
            for sid, o in changed
        ],
        batch_size=1000,
    )


def compiled_grading() -> bool:
    """On PostgreSQL the rules run inside the database (grading/compiled.py); elsewhere (the embedded
    SQLite mode) the engine grades the streamed records."""
    return connection.vendor == "postgresql" and settings.GRADING_COMPILED


GRADE_COLUMNS = (
    "subject_id, scheme_id, version_id, department_id, as_of, grade, score, reasons, source, is_current, "
    "run_id, published, adjusted_reason, computed_at, reasons_digest"
)


def grade_insert_sql(*, source_table: str) -> str:
    """INSERT of grades from rows (subject_id, grade, score, reasons) of ``source_table``; the other
    columns are the parameters scheme, version, department, as_of, source, current, run."""
    return (
        f"INSERT INTO grading_grade ({GRADE_COLUMNS}) "
        "SELECT c.subject_id, %(scheme)s, %(version)s, %(department)s, %(as_of)s, "
        "c.grade, c.score, c.reasons, "
        f"%(source)s, %(current)s, %(run)s, false, '', now(), c.digest FROM {source_table} c"
    )


def compiled_session(cursor) -> None:
    """Settings for a compiled grading query, for the rest of the transaction."""
    cursor.execute(f"SET LOCAL work_mem = '{settings.GRADING_WORK_MEM}'")
    # A plan this size would spend longer compiling (JIT) than running; the per-subject groups are
    # small, so parallel workers only add the cost of gathering their rows.
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    # The records and grades are read from memory, not a spinning disk (PostgreSQL's default cost
    # assumes one): so that the night's few thousand candidates are read through the subject index
    # rather than by a scan of every record.
    cursor.execute("SET LOCAL random_page_cost = 1.1")


GRADING_LOCK_NAMESPACE = 7_310_415


def grading_lock(cursor, *, scheme_ids: list[int]) -> None:
    """One writer of a scheme's current grades at a time (PostgreSQL advisory locks, released at
    commit): the nightly regrade and a dynamic one never both retire the same current grade. Always
    taken in scheme id order, so two writers cannot deadlock."""
    if connection.vendor != "postgresql" or not scheme_ids:
        return
    locks = ", ".join(f"pg_advisory_xact_lock({GRADING_LOCK_NAMESPACE}, %s)" for _ in scheme_ids)
    cursor.execute(f"SELECT {locks}", sorted(scheme_ids))


def _refresh_compiled(*, scheme, version, department, as_of, source, subject_ids) -> dict[str, int]:
    """The set-based refresh, in two passes inside the database. The first fingerprints every
    subject's counting records (``compiled.digests_sql``) and keeps the candidates: no current grade,
    another version, or another digest (the facts changed, or the grade was written by the engine,
    which stores none). Only the candidates are graded with their reasons; the ones whose grade and
    reasons come out the same only get their digest stored, the others are retired and inserted anew.
    A night when little changed costs one pass over the window's records and little more."""
    ids = None if subject_ids is None else sorted(set(subject_ids))
    fixed = {
        "scheme": scheme.pk,
        "version": version.pk,
        "department": getattr(department, "pk", None),
        "as_of": as_of,
        "source": source,
        "current": True,
        "run": None,
    }
    same_department = "g.department_id IS NULL" if department is None else "g.department_id = %(department)s"
    current = (
        f"LEFT JOIN grading_grade g ON g.subject_id = c.subject_id AND g.scheme_id = %(scheme)s "
        f"AND {same_department} AND g.is_current"
    )
    digests, digest_params = digests_sql(version=version, department=department, as_of=as_of, subject_ids=ids)
    full, full_params = outcomes_sql(
        version=version, department=department, as_of=as_of, subject_table="grading_candidates"
    )
    timings = {}
    with transaction.atomic(), connection.cursor() as cursor:
        grading_lock(cursor, scheme_ids=[scheme.pk])
        compiled_session(cursor)
        cursor.execute("DROP TABLE IF EXISTS grading_candidates, grading_changed")
        started = time.perf_counter()
        # The fingerprint query is small and runs its few expressions over every record: compiling
        # them (JIT) pays here, unlike for the grading query below.
        cursor.execute("SET LOCAL jit = on")
        cursor.execute(
            f"""CREATE TEMP TABLE grading_candidates ON COMMIT DROP AS
                SELECT c.subject_id FROM ({digests}) c {current}
                WHERE g.id IS NULL OR g.version_id <> %(version)s
                   OR g.reasons_digest IS DISTINCT FROM c.digest""",
            digest_params | fixed,
        )
        candidates = cursor.rowcount
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("ANALYZE grading_candidates")
        timings["digests"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(
            f"""CREATE TEMP TABLE grading_changed ON COMMIT DROP AS
                SELECT c.*, g.id AS old_id,
                       (g.id IS NOT NULL AND g.version_id = %(version)s AND g.grade = c.grade
                        AND g.score IS NOT DISTINCT FROM c.score AND g.reasons = c.reasons) AS same
                FROM ({full}) c {current}""",
            full_params | fixed,
        )
        cursor.execute("ANALYZE grading_changed")
        timings["grades"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(
            "UPDATE grading_grade g SET reasons_digest = c.digest FROM grading_changed c "
            "WHERE g.id = c.old_id AND c.same"
        )
        cursor.execute(
            "UPDATE grading_grade g SET is_current = false FROM grading_changed c "
            "WHERE g.id = c.old_id AND NOT c.same"
        )
        cursor.execute(grade_insert_sql(source_table="(SELECT * FROM grading_changed WHERE NOT same)"), fixed)
        changed = cursor.rowcount
        cursor.execute("DROP TABLE grading_candidates, grading_changed")
        timings["writes"] = time.perf_counter() - started
        graded = len(ids) if ids is not None else Subject.objects.count()
    logger.info(
        "graded %s (%s) as of %s: %d subjects, %d candidates, %d changed; %s",
        scheme.code,
        getattr(department, "code", "-"),
        as_of,
        graded,
        candidates,
        changed,
        ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()),
    )
    return {"graded": graded, "changed": changed}


def grading_targets(*, subject_ids: list[int] | None = None) -> list[tuple[Scheme, Department | None]]:
    """Every (scheme, department) pair to grade: county schemes first (department schemes may take the
    county grade as input), then each department scheme for its owner and every other department that
    grades with it — among ``subject_ids``' grades when given, so a dynamic regrade stays small."""
    targets: list[tuple[Scheme, Department | None]] = []
    schemes = (
        Scheme.objects.filter(versions__status=VersionStatus.PUBLISHED).select_related("owner").distinct()
    )
    for scheme in sorted(schemes, key=lambda s: (s.owner_id is not None, s.code)):
        if scheme.owner_id is None:
            targets.append((scheme, None))
            continue
        graded = Grade.objects.filter(scheme=scheme, is_current=True, department__isnull=False)
        if subject_ids is not None:
            graded = graded.filter(subject_id__in=subject_ids)
        departments = {scheme.owner_id: scheme.owner}
        departments.update(
            {
                d.pk: d
                for d in Department.objects.filter(pk__in=graded.values("department_id")).exclude(
                    pk=scheme.owner_id
                )
            }
        )
        targets.extend((scheme, d) for d in departments.values())
    return targets


def regrade_subjects(
    *, subject_ids: list[int], as_of: datetime.date | None = None, source: str = GradeSource.DYNAMIC
):
    """Dynamic regrade (001 Art. 3, 动态管理、实时更新) of the given subjects under every scheme, in one
    transaction (one commit: a subject's grades change together)."""
    as_of = as_of or timezone.localdate()
    ids = sorted(set(subject_ids))
    if len(ids) <= SMALL_SET:
        return _regrade_few(subject_ids=ids, as_of=as_of, source=source)
    with transaction.atomic():
        return {
            f"{scheme.code}:{getattr(department, 'code', '')}": grades_refresh(
                scheme=scheme, department=department, as_of=as_of, source=source, subject_ids=ids
            )
            for scheme, department in grading_targets(subject_ids=ids)
        }


def _regrade_few(*, subject_ids: list[int], as_of: datetime.date, source: str) -> dict:
    """The same regrade for a few subjects (a record just changed) in a handful of queries, whatever
    the number of schemes: the published versions, the subjects' current grades (locked), their
    records in the widest window, then only the changed grades written. The engine grades them."""
    versions = sorted(
        SchemeVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("scheme__owner"),
        key=lambda v: (v.scheme.owner_id is not None, v.scheme.code),
    )
    if not versions or not subject_ids:
        return {}
    first_day = min(window_start(version=v, as_of=as_of) for v in versions)
    statuses = sorted({str(s) for v in versions for s in v.rules.get("count_statuses", COUNTING_STATUSES)})
    with transaction.atomic(), connection.cursor() as cursor:
        # The scheme locks serialise every writer of current grades, so they need no row locks (which
        # would also make a regrade that changes nothing write to disk at commit).
        grading_lock(cursor, scheme_ids=[v.scheme_id for v in versions])
        current = {
            (row[2], row[3], row[1]): CurrentGrade(*row)
            for row in _fetch(cursor, "grading_few_grades", [subject_ids])
        }
        departments = _departments_grading(versions=versions, current=current)
        in_force = sorted({kind for v in versions for kind in in_force_kinds(version=v)})
        rows = _fetch(cursor, "grading_few_records", [subject_ids, statuses, first_day, as_of, in_force])
        results, retired, created = {}, [], []
        computed: dict[str, dict[int, str]] = {}  # scheme code -> subject -> new grade (000 Art. 8 input)
        for version in versions:
            scheme = version.scheme
            for department in departments[scheme.pk]:
                counts = {"graded": len(subject_ids), "changed": 0}
                outcomes = _evaluate_few(
                    version=version,
                    department=department,
                    as_of=as_of,
                    subject_ids=subject_ids,
                    rows=rows,
                    inputs=_inputs_few(version=version, computed=computed, current=current),
                )
                if department is None:
                    computed[scheme.code] = {sid: o.grade for sid, o in outcomes}
                for sid, outcome in outcomes:
                    old = current.get((scheme.pk, getattr(department, "pk", None), sid))
                    if _same(old, version, outcome):
                        continue
                    counts["changed"] += 1
                    if old is not None:
                        retired.append(old.pk)
                    created.append(
                        Grade(
                            subject_id=sid,
                            scheme=scheme,
                            version=version,
                            department=department,
                            as_of=as_of,
                            grade=outcome.grade,
                            score=None if outcome.score is None else round(outcome.score, 2),
                            reasons=outcome.reasons,
                            source=source,
                            is_current=True,
                        )
                    )
                results[f"{scheme.code}:{getattr(department, 'code', '')}"] = counts
        if retired:
            Grade.objects.filter(pk__in=retired).update(is_current=False)
        if created:
            Grade.objects.bulk_create(created)
    return results


@dataclass(frozen=True)
class CurrentGrade:
    pk: int
    subject_id: int
    scheme_id: int
    department_id: int | None
    version_id: int
    grade: str
    score: Decimal | None
    reasons: list


FEW_QUERIES = {
    "grading_few_grades": (
        ["integer[]"],
        "SELECT id, subject_id, scheme_id, department_id, version_id, grade, score, reasons "
        "FROM grading_grade WHERE subject_id = ANY({0}) AND is_current",
    ),
    "grading_few_records": (
        ["integer[]", "text[]", "date", "date", "text[]"],
        "SELECT r.subject_id, r.department_id, r.status, k.code, k.polarity, r.severity, r.document_number, "
        "r.fine_total, r.decision_date, r.external_grade FROM records_creditrecord r "
        "JOIN records_recordkind k ON k.id = r.kind_id WHERE r.subject_id = ANY({0}) AND r.is_current "
        "AND r.status = ANY({1}) AND (r.decision_date >= {2} OR k.code = ANY({4})) "
        "AND r.decision_date <= {3}",
    ),
}


def _fetch(cursor, name: str, params: list) -> list[tuple]:
    """The dynamic regrade's two reads. On PostgreSQL they are prepared once per connection: planning
    them against the records table's many indexes costs more than running them."""
    types, sql = FEW_QUERIES[name]
    if connection.vendor != "postgresql":
        places = [", ".join(["%s"] * len(p)) if isinstance(p, list) else "%s" for p in params]
        flat = [v for p in params for v in (p if isinstance(p, list) else [p])]
        cursor.execute(sql.replace("= ANY({", "IN ({").format(*places), flat)
        rows = cursor.fetchall()
    else:
        raw = connection.connection
        prepared = getattr(connection, "_grading_prepared", None)
        if prepared is None or prepared[0] is not raw:
            prepared = connection._grading_prepared = (raw, set())
        if name not in prepared[1]:
            numbered = sql.format(*[f"${n + 1}" for n in range(len(types))])
            cursor.execute(f"PREPARE {name} ({', '.join(types)}) AS {numbered}")
            prepared[1].add(name)
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(types))})", params)
        rows = cursor.fetchall()
    if name == "grading_few_grades":
        return [(*row[:7], row[7] if isinstance(row[7], list) else json.loads(row[7])) for row in rows]
    return [(*row[:7], Decimal(row[7]), _date(row[8]), row[9]) for row in rows]


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _departments_grading(*, versions, current) -> dict[int, list[Department | None]]:
    """Per scheme, who grades with it: nobody (the county scheme) or its owner and every department
    that already holds a current grade of these subjects under it (as grading_targets)."""
    others = {department_id for (scheme_id, department_id, _sid) in current if department_id is not None}
    known = {v.scheme.owner_id: v.scheme.owner for v in versions if v.scheme.owner_id}
    missing = others - known.keys()
    if missing:
        known.update({d.pk: d for d in Department.objects.filter(pk__in=missing)})
    result: dict[int, list[Department | None]] = {}
    for version in versions:
        scheme = version.scheme
        if scheme.owner_id is None:
            result[scheme.pk] = [None]
            continue
        ids = [scheme.owner_id] + sorted(
            {d for (s, d, _sid) in current if s == scheme.pk and d is not None} - {scheme.owner_id}
        )
        result[scheme.pk] = [known[d] for d in ids]
    return result


def _inputs_few(*, version, computed, current) -> dict[int, str]:
    code = version.rules.get("input_scheme")
    if not code:
        return {}
    if code in computed:
        return computed[code]
    scheme_ids = set(Scheme.objects.filter(code=code).values_list("pk", flat=True))
    return {sid: g.grade for (s, d, sid), g in current.items() if d is None and s in scheme_ids}


def _evaluate_few(*, version, department, as_of, subject_ids, rows, inputs) -> list[tuple[int, Outcome]]:
    """counting_records + grades_compute over rows already fetched, for a few subjects."""
    statuses = {str(s) for s in version.rules.get("count_statuses", COUNTING_STATUSES)}
    first_day = window_start(version=version, as_of=as_of)
    scope_kinds = set(version.scope_kinds or [])
    in_force = set(in_force_kinds(version=version))
    facts: dict[int, list[Fact]] = {sid: [] for sid in subject_ids}
    for sid, department_id, status, kind, polarity, severity, document, fine, day, external in rows:
        if status not in statuses or day > as_of or (day < first_day and kind not in in_force):
            continue
        if department is not None and version.record_scope == RecordScope.OWN:
            if department_id != department.pk:
                continue
        elif department is not None and version.record_scope == RecordScope.KINDS:
            if department_id != department.pk and kind not in scope_kinds:
                continue
        facts[sid].append(Fact(kind, polarity, severity, document, fine, day, external))
    return [
        (sid, evaluate(version.scheme.kind, version.rules, facts[sid], input_grade=inputs.get(sid, "")))
        for sid in subject_ids
    ]


def regrade_all(*, as_of: datetime.date | None = None, source: str = GradeSource.NIGHTLY) -> dict:
    """Nightly: records leave the window every day, so every subject is regraded (SPEC §3.5)."""
    as_of = as_of or timezone.localdate()
    return {
        f"{scheme.code}:{getattr(department, 'code', '')}": grades_refresh(
            scheme=scheme, department=department, as_of=as_of, source=source
        )
        for scheme, department in grading_targets()
    }
