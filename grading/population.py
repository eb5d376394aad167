"""Whom a scheme grades (SPEC §3.6). The county schemes grade every subject in the registry. A
department grades its own subjects (000 Art. 2, 001 Art. 2: the subjects under its supervision): those
with a record of the department that took effect — and, once graded, a subject stays graded, so its
grade keeps following the facts instead of standing still when a record moves to another subject.

Said once here in the two media the graders need, side by side: a queryset condition on subjects
(the engine paths and the yearly run's chunks) and a SQL condition on ``subjects_subject s`` (the
compiled query)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from records.models import CreditRecord, RecordStatus

from .models import Grade
from .window import UNCOUNTED_KINDS, SqlParameters

# A record that took effect makes its subject the department's, whatever happened to it since
# (expired, repaired, revoked on an objection): only drafts and records never approved do not — nor
# information that is not conduct (a licence, ``window.UNCOUNTED_KINDS``), which changes no grade.
TOOK_EFFECT = [RecordStatus.EFFECTIVE, RecordStatus.EXPIRED, RecordStatus.REPAIRED, RecordStatus.REVOKED]


def _records_of(**filters):
    return CreditRecord.objects.filter(is_current=True, status__in=TOOK_EFFECT, **filters).exclude(
        kind__code__in=UNCOUNTED_KINDS
    )


@dataclass(frozen=True)
class Population:
    """The subjects graded under ``scheme_id`` for ``department_id`` (None: the county, everyone)."""

    scheme_id: int
    department_id: int | None

    @classmethod
    def of(cls, *, version, department) -> "Population":
        return cls(version.scheme_id, getattr(department, "pk", None))

    @property
    def everyone(self) -> bool:
        return self.department_id is None

    def subject_q(self, field: str = "pk") -> Q:
        """The condition on a subject id ``field`` (a Subject's ``pk``, or a ``subject_id``)."""
        if self.everyone:
            return Q()
        # Two correlated EXISTS, each an index probe by subject: an ``IN`` of each set joined by OR
        # cannot become a semi-join, and PostgreSQL then reads the department's records again for
        # each subject once they no longer fit in work_mem (minutes at 100k subjects, 1M records).
        records = _records_of(department_id=self.department_id, subject_id=OuterRef(field))
        graded = Grade.objects.filter(
            scheme_id=self.scheme_id,
            department_id=self.department_id,
            is_current=True,
            subject_id=OuterRef(field),
        )
        return Q(Exists(records)) | Q(Exists(graded))

    def sql(self, q: SqlParameters, column: str = "s.id") -> str:
        """The same condition on ``column`` (a subject id) in SQL."""
        if self.everyone:
            return "TRUE"
        department = q.p(self.department_id)
        # Correlated EXISTS, as in ``subject_q``: a chunk of a yearly run probes its own subjects
        # instead of hashing every record of the department once per chunk.
        return (
            f"(EXISTS (SELECT 1 FROM records_creditrecord p WHERE p.subject_id = {column} AND "
            f"p.department_id = {department} AND p.is_current AND "
            f"p.status = ANY({q.p([str(s) for s in TOOK_EFFECT])}) "
            f"AND NOT (p.kind_id = ANY({q.p(q.kind_ids(UNCOUNTED_KINDS))}::int[]))) "
            f"OR EXISTS (SELECT 1 FROM grading_grade pg WHERE pg.subject_id = {column} AND pg.scheme_id = "
            f"{q.p(self.scheme_id)} AND pg.department_id = {department} AND pg.is_current))"
        )

    def empty(self) -> bool:
        """Nobody to grade: a department with no record that took effect and no grade yet (two index
        probes), which the nightly then skips instead of reading the window for nobody."""
        if self.everyone:
            return False
        graded = Grade.objects.filter(
            scheme_id=self.scheme_id, department_id=self.department_id, is_current=True
        )
        return not _records_of(department_id=self.department_id).exists() and not graded.exists()

    def members(self, subject_ids: list[int]) -> set[int]:
        """Which of ``subject_ids`` belong (two small queries; everyone for the county)."""
        if self.everyone:
            return set(subject_ids)
        return set(
            _records_of(subject_id__in=subject_ids, department_id=self.department_id).values_list(
                "subject_id", flat=True
            )
        ) | set(
            Grade.objects.filter(
                subject_id__in=subject_ids,
                scheme_id=self.scheme_id,
                department_id=self.department_id,
                is_current=True,
            ).values_list("subject_id", flat=True)
        )


def department_memberships(subject_ids: list[int]) -> set[tuple[int, int]]:
    """(subject id, department id) of every department whose subject each of ``subject_ids`` is by
    its records (one query; a subject graded already is one too, by its grades)."""
    return set(_records_of(subject_id__in=subject_ids).values_list("subject_id", "department_id").distinct())
