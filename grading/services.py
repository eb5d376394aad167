"""Computing and storing grades. One service grades any set of subjects; the dynamic regrade, the
nightly task, the yearly run and ``evaluate`` all call it (SPEC §3.5).

The computation is set-based: the window's counting records are streamed once, ordered by subject,
together with the ordered list of subjects, and each subject's outcome comes from the pure engine;
only grades that changed are written, in bulk.
"""

import datetime
import json
from collections.abc import Iterable, Iterator
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Department
from records.models import CreditRecord, RecordStatus
from subjects.models import Subject

from .compiled import outcomes_sql
from .engine import Fact, Outcome, evaluate
from .models import Grade, GradeSource, RecordScope, Scheme, SchemeVersion, VersionStatus

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


def counting_records(*, version: SchemeVersion, department: Department | None, as_of: datetime.date):
    statuses = version.rules.get("count_statuses", COUNTING_STATUSES)
    qs = CreditRecord.objects.filter(
        status__in=statuses,
        is_current=True,
        decision_date__gte=window_start(version=version, as_of=as_of),
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
    if compiled_grading():
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
    "run_id, published, adjusted_reason, computed_at"
)


def grade_insert_sql(*, source_table: str) -> str:
    """INSERT of grades from rows (subject_id, grade, score, reasons) of ``source_table``; the other
    columns are the parameters scheme, version, department, as_of, source, current, run."""
    return (
        f"INSERT INTO grading_grade ({GRADE_COLUMNS}) "
        "SELECT c.subject_id, %(scheme)s, %(version)s, %(department)s, %(as_of)s, "
        "c.grade, c.score, c.reasons, "
        f"%(source)s, %(current)s, %(run)s, false, '', now() FROM {source_table} c"
    )


def _refresh_compiled(*, scheme, version, department, as_of, source, subject_ids) -> dict[str, int]:
    """The set-based refresh: compute in the database, keep only the subjects whose grade, score,
    reasons or version differ from their current grade, retire those and insert the new ones."""
    ids = None if subject_ids is None else sorted(set(subject_ids))
    sql, params = outcomes_sql(version=version, department=department, as_of=as_of, subject_ids=ids)
    params.update(
        scheme=scheme.pk,
        version=version.pk,
        department=getattr(department, "pk", None),
        as_of=as_of,
        source=source,
        current=True,
        run=None,
    )
    same_department = "g.department_id IS NULL" if department is None else "g.department_id = %(department)s"
    changed = f"""
        SELECT c.subject_id, c.grade, c.score, c.reasons, g.id AS old_id FROM ({sql}) c
        LEFT JOIN grading_grade g ON g.subject_id = c.subject_id AND g.scheme_id = %(scheme)s
             AND {same_department} AND g.is_current
        WHERE g.id IS NULL OR g.version_id <> %(version)s OR g.grade <> c.grade
           OR g.score IS DISTINCT FROM c.score OR g.reasons <> c.reasons
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # One writer per (scheme, department) at a time: the nightly regrade and a dynamic one never
        # both retire the same current grade.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [scheme.pk, getattr(department, "pk", 0)])
        if ids is not None and len(ids) <= SMALL_SET:
            cursor.execute(changed, params)
            rows = cursor.fetchall()
            if rows:
                retired = [row[4] for row in rows if row[4] is not None]
                if retired:
                    Grade.objects.filter(pk__in=retired).update(is_current=False)
                Grade.objects.bulk_create(
                    Grade(
                        subject_id=sid,
                        scheme=scheme,
                        version=version,
                        department=department,
                        as_of=as_of,
                        grade=grade,
                        score=score,
                        reasons=json.loads(reasons),
                        source=source,
                        is_current=True,
                    )
                    for sid, grade, score, reasons, _old in rows
                )
            return {"graded": len(ids), "changed": len(rows)}
        cursor.execute(f"SET LOCAL work_mem = '{settings.GRADING_WORK_MEM}'")
        cursor.execute("DROP TABLE IF EXISTS grading_changed")
        cursor.execute(f"CREATE TEMP TABLE grading_changed ON COMMIT DROP AS {changed}", params)
        cursor.execute("SELECT count(*) FROM grading_changed")
        count = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE grading_grade g SET is_current = false FROM grading_changed c WHERE g.id = c.old_id"
        )
        cursor.execute(grade_insert_sql(source_table="grading_changed"), params)
        cursor.execute("DROP TABLE grading_changed")
        graded = len(ids) if ids is not None else Subject.objects.count()
    return {"graded": graded, "changed": count}


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
    with transaction.atomic():
        return {
            f"{scheme.code}:{getattr(department, 'code', '')}": grades_refresh(
                scheme=scheme, department=department, as_of=as_of, source=source, subject_ids=subject_ids
            )
            for scheme, department in grading_targets(subject_ids=subject_ids)
        }


def regrade_all(*, as_of: datetime.date | None = None, source: str = GradeSource.NIGHTLY) -> dict:
    """Nightly: records leave the window every day, so every subject is regraded (SPEC §3.5)."""
    as_of = as_of or timezone.localdate()
    return {
        f"{scheme.code}:{getattr(department, 'code', '')}": grades_refresh(
            scheme=scheme, department=department, as_of=as_of, source=source
        )
        for scheme, department in grading_targets()
    }
