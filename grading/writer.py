"""The one writer of grades. Every Grade row is built and changed here, whichever path computed it:
the nightly and dynamic regrades, the few-subjects regrade and the yearly run's chunks (outcomes from
the engine, ``grades_write``; outcomes computed inside PostgreSQL, ``grades_write_sql``), and a run's
publication and adjustments (SPEC §3.5).

A write is for a ``GradeTarget``: one scheme version graded for one department (or the county) as of a
date, by one source — and either the current grades (one per subject, scheme and department: the one
that says something else is retired and the new one inserted; one that says the same is kept) or a
yearly run's snapshot (one per run and subject, written once however often a chunk is done).

The grade in force (SPEC §3.5, ``GradeInForce``) follows from here too, set-based like the grades:
a current grade retired and replaced (the facts changed) puts the new computed grade in force — over
a published or corrected one; a current grade kept (``grade_unchanged``) leaves the grade in force as
it is, so a person's correction stays while the facts behind it are unchanged; a published run puts
its grades in force for the subjects whose facts did not change since it graded them; a correction
puts a person's grade in force. Every change of the value is kept (``GradeInForceChange``) and told
to the platform once (``grade.changed``); all of it through ``grades_in_force_write``.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Department
from exchange.models import OutboxType
from exchange.services import outbox_enqueue_select
from subjects.models import Subject

from .engine import Outcome
from .models import (
    EvaluationRun,
    Grade,
    GradeInForce,
    GradeInForceChange,
    GradeSource,
    InForceBasis,
    Scheme,
    SchemeVersion,
)

GRADING_LOCK_NAMESPACE = 7_310_415
# Keys (scheme id << 20 | block) of the block locks (``grading_lock``).
GRADING_BLOCK_NAMESPACE = 7_310_416


@dataclass(frozen=True)
class GradeTarget:
    """Whose grades a write gives: ``run_id`` set, the run's snapshot; otherwise the current grades."""

    scheme_id: int
    version_id: int
    department_id: int | None
    as_of: datetime.date
    source: str
    run_id: int | None = None

    @classmethod
    def current(
        cls, *, version: SchemeVersion, department, as_of: datetime.date, source: str
    ) -> "GradeTarget":
        return cls(version.scheme_id, version.pk, getattr(department, "pk", None), as_of, source)

    @classmethod
    def of_run(cls, run: EvaluationRun) -> "GradeTarget":
        return cls(run.scheme_id, run.version_id, run.department_id, run.as_of, GradeSource.YEARLY, run.pk)

    def sql_params(self) -> dict:
        """The target as named parameters of ``grades_write_sql`` and ``current_grade_join``."""
        return {
            "scheme": self.scheme_id,
            "version": self.version_id,
            "department": self.department_id,
            "as_of": self.as_of,
            "source": self.source,
            "current": self.run_id is None,
            "run": self.run_id,
        }


class StoredGrade(Protocol):
    """A current grade as the writer compares it: a Grade row or a ``CurrentGrade`` (read-only)."""

    @property
    def pk(self) -> int: ...
    @property
    def version_id(self) -> int: ...
    @property
    def grade(self) -> str: ...
    @property
    def score(self) -> Decimal | None: ...
    @property
    def reasons(self) -> list: ...


@dataclass(frozen=True)
class CurrentGrade:
    """A current grade as the dynamic regrade reads it (grading.services.FEW_QUERIES)."""

    pk: int
    subject_id: int
    scheme_id: int
    department_id: int | None
    version_id: int
    grade: str
    score: Decimal | None
    reasons: list


# (scheme id, department id, subject id) -> the subject's current grade there
CurrentGrades = Mapping[tuple[int, int | None, int], StoredGrade]


def _score(outcome: Outcome) -> Decimal | None:
    return None if outcome.score is None else round(outcome.score, 2)


def grade_unchanged(current: StoredGrade | None, target: GradeTarget, outcome: Outcome) -> bool:
    """The current grade already says what ``outcome`` says, under the same version."""
    return (
        current is not None
        and current.version_id == target.version_id
        and current.grade == outcome.grade
        and current.score == _score(outcome)
        and current.reasons == outcome.reasons
    )


def grade_row(target: GradeTarget, subject_id: int, outcome: Outcome) -> Grade:
    """The Grade row of ``outcome`` (unsaved)."""
    return Grade(
        subject_id=subject_id,
        scheme_id=target.scheme_id,
        version_id=target.version_id,
        department_id=target.department_id,
        as_of=target.as_of,
        grade=outcome.grade,
        score=_score(outcome),
        reasons=outcome.reasons,
        source=target.source,
        is_current=target.run_id is None,
        run_id=target.run_id,
    )


def grading_block(subject_id: int) -> int:
    """The block of subject ids a subject's grades are locked by (``grading_lock``): the nightly
    regrade on workers grades one block per task (``services.nightly_blocks``)."""
    return subject_id // settings.GRADING_BLOCK_SUBJECTS


def grading_lock(cursor, *, scheme_ids: list[int], blocks: Iterable[int] | None = None) -> None:
    """One writer of a subject's current grades under a scheme at a time (PostgreSQL advisory locks,
    released at commit), so that the nightly regrade and a dynamic one never both retire the same
    current grade.

    A writer of every subject of a scheme (``blocks`` None: the whole nightly statement, publishing a
    run, a correction) takes the scheme's lock exclusively. A writer of some subjects takes it shared,
    and then the locks of their blocks of ids exclusively: the nightly blocks on several workers run
    side by side, and a dynamic regrade waits only for the block of its subjects. Every writer takes
    all its locks here, at once, the scheme locks first, each kind in id order, so that no two writers
    can deadlock."""
    if connection.vendor != "postgresql" or not scheme_ids:
        return
    schemes = sorted(set(scheme_ids))
    if blocks is None:
        locks = [f"pg_advisory_xact_lock({GRADING_LOCK_NAMESPACE}, %s)" for _ in schemes]
        params: list[int] = schemes
    else:
        # Two schemes or blocks sharing a key (past 2^11 schemes or 2^20 blocks) only wait for each other.
        ids = set(blocks)
        keys = sorted({((scheme & 0x7FF) << 20) | (block & 0xFFFFF) for scheme in schemes for block in ids})
        locks = [f"pg_advisory_xact_lock_shared({GRADING_LOCK_NAMESPACE}, %s)" for _ in schemes]
        locks += [f"pg_advisory_xact_lock({GRADING_BLOCK_NAMESPACE}, %s)" for _ in keys]
        params = schemes + keys
    # One round trip: a target list is evaluated left to right, so the order above is kept.
    cursor.execute(f"SELECT {', '.join(locks)}", params)


def _current_locked(outcomes: list[tuple[GradeTarget, int, Outcome]]) -> dict:
    """The current grades the outcomes may replace, locked until the commit."""
    subjects: dict[tuple[int, int | None], set[int]] = {}
    for target, subject_id, _outcome in outcomes:
        if target.run_id is None:
            subjects.setdefault((target.scheme_id, target.department_id), set()).add(subject_id)
    current = {}
    for (scheme_id, department_id), ids in subjects.items():
        for grade in Grade.objects.select_for_update().filter(
            scheme_id=scheme_id, department_id=department_id, is_current=True, subject_id__in=sorted(ids)
        ):
            current[(scheme_id, department_id, grade.subject_id)] = grade
    return current


def grades_write(
    *, outcomes: Iterable[tuple[GradeTarget, int, Outcome]], current: CurrentGrades | None = None
) -> Counter[GradeTarget]:
    """Store the engine's outcomes, (target, subject id, outcome) each; returns per target the grades
    written. A current grade that says the same stays; any other is retired and the new one inserted.
    A run's grade is inserted once per run and subject (``ON CONFLICT DO NOTHING``: a chunk done twice
    writes nothing twice) and counted whether or not it was there already.

    ``current``: the current grades the caller read already under the scheme lock (``grading_lock``);
    otherwise they are read here, row-locked. Whatever the number of targets, one UPDATE and one or two
    INSERTs (in batches)."""
    outcomes = list(outcomes)
    written: Counter[GradeTarget] = Counter()
    retired: list[int] = []
    created: list[Grade] = []
    snapshot: list[Grade] = []
    with transaction.atomic(savepoint=False):
        if current is None:
            current = _current_locked(outcomes)
        for target, subject_id, outcome in outcomes:
            if target.run_id is not None:
                snapshot.append(grade_row(target, subject_id, outcome))
                written[target] += 1
                continue
            old = current.get((target.scheme_id, target.department_id, subject_id))
            if grade_unchanged(old, target, outcome):
                continue
            written[target] += 1
            if old is not None:
                retired.append(old.pk)
            created.append(grade_row(target, subject_id, outcome))
        if retired:
            Grade.objects.filter(pk__in=retired).update(is_current=False)
        if created:
            Grade.objects.bulk_create(created, batch_size=1000)
            with connection.cursor() as cursor:
                for start in range(0, len(created), 1000):
                    ids = [grade.pk for grade in created[start : start + 1000]]
                    grades_in_force_write(
                        cursor,
                        proposed=computed_in_force_sql(f"g.id IN ({', '.join(['%s'] * len(ids))})"),
                        params=ids,
                    )
        if snapshot:
            Grade.objects.bulk_create(snapshot, batch_size=1000, ignore_conflicts=True)
    return written


GRADE_COLUMNS = (
    "subject_id, scheme_id, version_id, department_id, as_of, grade, score, reasons, source, is_current, "
    "run_id, published, adjusted_reason, computed_at, reasons_digest"
)


def _insert_sql(*, source_table: str) -> str:
    """INSERT of grades from rows (subject_id, grade, score, reasons, digest) of ``source_table``; the
    other columns are the target's parameters (``GradeTarget.sql_params``)."""
    return (
        f"INSERT INTO grading_grade ({GRADE_COLUMNS}) "
        "SELECT c.subject_id, %(scheme)s, %(version)s, %(department)s, %(as_of)s, "
        "c.grade, c.score, c.reasons, "
        f"%(source)s, %(current)s, %(run)s, false, '', now(), c.digest FROM {source_table} c"
    )


def current_grade_join(target: GradeTarget, *, subjects: str = "c") -> str:
    """LEFT JOIN of ``g``, the current grade under the target's scheme and department of each row of
    ``subjects`` (a relation with ``subject_id``); parameters: ``GradeTarget.sql_params``."""
    department = (
        "g.department_id IS NULL" if target.department_id is None else "g.department_id = %(department)s"
    )
    return (
        f"LEFT JOIN grading_grade g ON g.subject_id = {subjects}.subject_id AND g.scheme_id = %(scheme)s "
        f"AND {department} AND g.is_current"
    )


def grades_write_sql(cursor, *, target: GradeTarget, outcomes: str, params: dict) -> int:
    """``grades_write`` for outcomes computed in the database: ``outcomes`` is a query (with
    ``params``) answering (subject_id, grade, score, reasons, digest), as ``compiled.outcomes_sql``
    does. Returns the grades inserted. The same rules: a run's grades once per subject; a current
    grade that says the same stays (only its digest is stored: the next night sees it unchanged),
    any other is retired and the new one inserted."""
    fixed = target.sql_params()
    if target.run_id is not None:
        cursor.execute(_insert_sql(source_table=f"({outcomes})") + " ON CONFLICT DO NOTHING", params | fixed)
        return cursor.rowcount
    cursor.execute("DROP TABLE IF EXISTS grading_changed")
    cursor.execute(
        f"""CREATE TEMP TABLE grading_changed ON COMMIT DROP AS
            SELECT c.*, g.id AS old_id,
                   (g.id IS NOT NULL AND g.version_id = %(version)s AND g.grade = c.grade
                    AND g.score IS NOT DISTINCT FROM c.score AND g.reasons = c.reasons) AS same
            FROM ({outcomes}) c {current_grade_join(target)}""",
        params | fixed,
    )
    cursor.execute("ANALYZE grading_changed")
    cursor.execute(
        "UPDATE grading_grade g SET reasons_digest = c.digest FROM grading_changed c "
        "WHERE g.id = c.old_id AND c.same"
    )
    cursor.execute(
        "UPDATE grading_grade g SET is_current = false FROM grading_changed c "
        "WHERE g.id = c.old_id AND NOT c.same"
    )
    cursor.execute(_insert_sql(source_table="(SELECT * FROM grading_changed WHERE NOT same)"), fixed)
    inserted = cursor.rowcount
    if inserted:
        department, department_params = _same_department("n", target.department_id)
        grades_in_force_write(
            cursor,
            proposed=computed_in_force_sql(
                "g.id IN (SELECT n.id FROM grading_grade n "
                "JOIN grading_changed c ON c.subject_id = n.subject_id "
                f"WHERE NOT c.same AND n.is_current AND n.scheme_id = %s AND {department})"
            ),
            params=[target.scheme_id, *department_params],
        )
    cursor.execute("DROP TABLE grading_changed")
    return inserted


# --- the grade in force ---------------------------------------------------------------------------

IN_FORCE_COLUMNS = (
    "subject_id, scheme_id, department_id, stands_on_id, grade, as_of, basis, reason, decided_by_id, "
    "decision, decision_run_id"
)


def _same_department(alias: str, department_id: int | None) -> tuple[str, list]:
    if department_id is None:
        return f"{alias}.department_id IS NULL", []
    return f"{alias}.department_id = %s", [department_id]


def computed_in_force_sql(where: str) -> str:
    """The proposal (``grades_in_force_write``) that the current grades of ``g`` matching ``where``
    be in force as computed."""
    return (
        "SELECT g.subject_id, g.scheme_id, g.department_id, g.id AS stands_on_id, g.grade, g.as_of, "
        f"'{InForceBasis.COMPUTED}' AS basis, '' AS reason, CAST(NULL AS INTEGER) AS decided_by_id, "
        "'' AS decision, CAST(NULL AS INTEGER) AS decision_run_id "
        f"FROM grading_grade g WHERE {where}"
    )


CHANGED_FIELDS = [
    ("subject_code", "s.code"),
    ("subject_name", "s.name"),
    ("scheme", "sc.code"),
    ("department", "d.code"),
    ("grade", "h.grade"),
    ("previous", "h.previous"),
    ("as_of", "CAST(h.as_of AS TEXT)"),
    ("basis", "h.basis"),
    ("reason", "h.reason"),
    ("decision", "h.decision"),
    ("grade_id", "h.stands_on_id"),
    ("changed_at", "%s"),
]


def grades_in_force_write(cursor, *, proposed: str, params: list, now=None) -> int:
    """Put in force what ``proposed`` (a query with positional ``params`` answering
    ``IN_FORCE_COLUMNS``, at most one row per subject, scheme and department) says, set-based in a
    fixed number of statements on SQLite and PostgreSQL alike: the rows in force are updated or
    created; each change of the value — and each correction by a person, even to the same value — is
    kept in the history; each change of a value already in force is queued once for the platform
    (``grade.changed``, keyed by the history row: 003 §5(2), the result is updated on the platform).
    A subject's first grade is kept, not queued: the platform learns it from the published run.
    Returns the number of values changed."""
    now = now or timezone.now()
    q = connection.ops.quote_name
    in_force, history = q(GradeInForce._meta.db_table), q(GradeInForceChange._meta.db_table)
    cursor.execute("DROP TABLE IF EXISTS grading_in_force_next")
    cursor.execute(
        f"""CREATE TEMP TABLE grading_in_force_next AS
            SELECT p.*, f.id AS in_force_id, f.grade AS previous, f.basis AS previous_basis
            FROM ({proposed}) p LEFT JOIN {in_force} f ON f.subject_id = p.subject_id
             AND f.scheme_id = p.scheme_id
             AND (f.department_id = p.department_id
                  OR (f.department_id IS NULL AND p.department_id IS NULL))""",
        params,
    )
    sets = ", ".join(f"{column} = n.{column}" for column in IN_FORCE_COLUMNS.split(", "))
    cursor.execute(
        f"""UPDATE {in_force} SET {sets},
              since = CASE WHEN n.previous = n.grade AND n.previous_basis = n.basis THEN {in_force}.since
                           ELSE %s END
            FROM grading_in_force_next n WHERE {in_force}.id = n.in_force_id""",
        [now],
    )
    cursor.execute(
        f"INSERT INTO {in_force} ({IN_FORCE_COLUMNS}, since) "
        f"SELECT {IN_FORCE_COLUMNS}, %s FROM grading_in_force_next WHERE in_force_id IS NULL",
        [now],
    )
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {history}")
    last = cursor.fetchone()[0]
    cursor.execute(
        f"INSERT INTO {history} ({IN_FORCE_COLUMNS}, previous, changed_at) "
        f"SELECT {IN_FORCE_COLUMNS}, previous, %s FROM grading_in_force_next "
        f"WHERE previous IS NULL OR previous <> grade OR basis = '{InForceBasis.CORRECTED}'",
        [now],
    )
    changed = 0
    if cursor.rowcount:
        changed = outbox_enqueue_select(
            type=OutboxType.GRADE_CHANGED,
            key="CAST(h.id AS TEXT)",
            fields=CHANGED_FIELDS,
            field_params=[now.isoformat()],
            source=(
                f"FROM {history} h JOIN {q(Subject._meta.db_table)} s ON s.id = h.subject_id "
                f"JOIN {q(Scheme._meta.db_table)} sc ON sc.id = h.scheme_id "
                f"LEFT JOIN {q(Department._meta.db_table)} d ON d.id = h.department_id "
                "WHERE h.id > %s AND h.previous IS NOT NULL AND h.previous <> h.grade"
            ),
            source_params=[last],
        )
    cursor.execute("DROP TABLE grading_in_force_next")
    return changed


def run_grades_publish(*, run: EvaluationRun) -> int:
    """The run's grades become the official ones; the scheme's previous official grades stop being
    official (they stay, with their run). And the run's (reviewed, possibly adjusted) grade is put in
    force for every subject whose facts did not change since the run graded them — its current grade
    was written on or before the as-of date and before the run started — unless a person corrected it
    after the as-of date: those keep the newer grade (SPEC §3.5). Returns the values changed."""
    Grade.objects.filter(scheme=run.scheme, department=run.department, published=True).update(published=False)
    run.grades.update(published=True)
    day_after = datetime.datetime.combine(
        run.as_of + datetime.timedelta(days=1), datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    current_department, department_params = _same_department("c", run.department_id)
    in_force_department, _params = _same_department("f", run.department_id)
    proposed = (
        "SELECT r.subject_id, r.scheme_id, r.department_id, r.id AS stands_on_id, r.grade, r.as_of, "
        f"'{InForceBasis.PUBLISHED}' AS basis, r.adjusted_reason AS reason, "
        "CAST(NULL AS INTEGER) AS decided_by_id, '' AS decision, r.run_id AS decision_run_id "
        "FROM grading_grade r "
        "LEFT JOIN grading_grade c ON c.subject_id = r.subject_id AND c.scheme_id = r.scheme_id "
        f"AND c.is_current AND {current_department} "
        "LEFT JOIN grading_gradeinforce f ON f.subject_id = r.subject_id AND f.scheme_id = r.scheme_id "
        f"AND {in_force_department} "
        "WHERE r.run_id = %s AND (c.id IS NULL OR (c.as_of <= %s AND c.computed_at <= %s)) "
        f"AND NOT (f.id IS NOT NULL AND f.basis = '{InForceBasis.CORRECTED}' AND f.since >= %s)"
    )
    with connection.cursor() as cursor:
        grading_lock(cursor, scheme_ids=[run.scheme_id])
        return grades_in_force_write(
            cursor,
            proposed=proposed,
            params=[*department_params, *department_params, run.pk, run.as_of, run.started_at, day_after],
        )


def grade_in_force_corrected_write(
    *,
    in_force: GradeInForce | None,
    current: Grade | None,
    grade: str,
    reason: str,
    decided_by_id: int | None,
    decision: str,
    run_id: int | None,
    as_of: datetime.date,
) -> int:
    """A person's correction put in force (``grading.services.grade_in_force_correct`` checked it). It
    stands on the grade the value in force stood on (or the current grade, for a subject with no grade
    in force yet), so it stays until the writer replaces the current grade: the facts changed."""
    stands_on_id = in_force.stands_on_id if in_force is not None else current.pk
    proposed = (
        "SELECT g.subject_id, g.scheme_id, g.department_id, g.id AS stands_on_id, %s AS grade, "
        f"%s AS as_of, '{InForceBasis.CORRECTED}' AS basis, %s AS reason, "
        "CAST(%s AS INTEGER) AS decided_by_id, %s AS decision, CAST(%s AS INTEGER) AS decision_run_id "
        "FROM grading_grade g WHERE g.id = %s"
    )
    with connection.cursor() as cursor:
        return grades_in_force_write(
            cursor,
            proposed=proposed,
            params=[grade, as_of, reason, decided_by_id, decision, run_id, stands_on_id],
        )


def grade_adjusted_write(*, grade: Grade, new_grade: str, reason: str) -> str:
    """The credit office's adjustment written into a run's grade, shown among its reasons; returns the
    grade it had."""
    before = grade.grade
    grade.grade = new_grade
    grade.adjusted_reason = reason
    grade.reasons = grade.reasons + [
        {"rule": "信用办调整", "adjusted_from": before, "reason": reason, "documents": []}
    ]
    grade.save(update_fields=["grade", "adjusted_reason", "reasons"])
    return before
