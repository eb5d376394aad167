"""The one writer of grades. Every Grade row is built and changed here, whichever path computed it:
the nightly and dynamic regrades, the few-subjects regrade and the yearly run's chunks (outcomes from
the engine, ``grades_write``; outcomes computed inside PostgreSQL, ``grades_write_sql``), and a run's
publication and adjustments (SPEC §3.5).

A write is for a ``GradeTarget``: one scheme version graded for one department (or the county) as of a
date, by one source — and either the current grades (one per subject, scheme and department: the one
that says something else is retired and the new one inserted; one that says the same is kept) or a
yearly run's snapshot (one per run and subject, written once however often a chunk is done).

So whatever must follow a change of grades — a table of the grade in force, a notification — has one
place to hook into: the functions of this module, each of which knows its target and the subjects it
wrote.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.db import connection, transaction

from .engine import Outcome
from .models import EvaluationRun, Grade, GradeSource, SchemeVersion

GRADING_LOCK_NAMESPACE = 7_310_415


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


def grading_lock(cursor, *, scheme_ids: list[int]) -> None:
    """One writer of a scheme's current grades at a time (PostgreSQL advisory locks, released at
    commit): the nightly regrade and a dynamic one never both retire the same current grade. Always
    taken in scheme id order, so two writers cannot deadlock."""
    if connection.vendor != "postgresql" or not scheme_ids:
        return
    locks = ", ".join(f"pg_advisory_xact_lock({GRADING_LOCK_NAMESPACE}, %s)" for _ in scheme_ids)
    cursor.execute(f"SELECT {locks}", sorted(scheme_ids))


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
    cursor.execute("DROP TABLE grading_changed")
    return inserted


def run_grades_publish(*, run: EvaluationRun) -> None:
    """The run's grades become the official ones; the scheme's previous official grades stop being
    official (they stay, with their run)."""
    Grade.objects.filter(scheme=run.scheme, department=run.department, published=True).update(published=False)
    run.grades.update(published=True)


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
