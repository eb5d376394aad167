"""The departments' yearly results shared with one another (003 §3(2): every December 15 each
department reports its credit evaluation results, by government data sharing, to the credit office
and the departments concerned — 以政务共享的方式报送给县发改委信用办和有关行业监管部门).

A department's yearly run, once published, is shared: every department's staff and the credit office
see its distribution and download its grades (natural persons' identity numbers masked: the other
departments need the result, not the number). Published county runs are shared through the public
look-up already; these are the department schemes' runs (SPEC §3.6)."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from core.masking import mask_resident_id
from grading.models import EvaluationRun, Grade, RunStatus
from grading.presentation import reasons_text
from subjects.models import SubjectKind


@dataclass
class SharedResult:
    run: EvaluationRun
    counts: dict[str, int]

    @property
    def levels(self) -> list[tuple[str, int]]:
        return [(grade, self.counts.get(grade, 0)) for grade in ("A", "B", "C")] + (
            [("", self.counts[""])] if self.counts.get("") else []
        )


def shared_runs(*, year: int) -> QuerySet[EvaluationRun]:
    """The published department runs with an as-of date in ``year``, by department."""
    return (
        EvaluationRun.objects.filter(as_of__year=year, status=RunStatus.PUBLISHED, department__isnull=False)
        .select_related("scheme", "department", "version", "published_by")
        .order_by("department__sort_order", "department__code", "scheme__code", "-as_of")
    )


def shared_run(*, pk: int) -> EvaluationRun | None:
    """A shared run (a published department run), or None."""
    return (
        EvaluationRun.objects.filter(pk=pk, status=RunStatus.PUBLISHED, department__isnull=False)
        .select_related("scheme", "department")
        .first()
    )


def shared_run_persons(*, run: EvaluationRun) -> QuerySet:
    """The ids of the natural persons among a shared run's subjects (whose export is logged)."""
    return Grade.objects.filter(run=run, subject__kind=SubjectKind.NATURAL_PERSON).values_list(
        "subject_id", flat=True
    )


def shared_results(*, year: int) -> list[SharedResult]:
    """Each shared run with its subjects per grade: two queries whatever the number of runs."""
    runs = list(shared_runs(year=year))
    counts: dict[int, dict[str, int]] = {run.pk: {} for run in runs}
    rows = (
        Grade.objects.filter(run_id__in=list(counts))
        .values("run_id", "grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["run_id"]][row["grade"]] = row["n"]
    return [SharedResult(run=run, counts=counts[run.pk]) for run in runs]


def shared_run_rows(*, run: EvaluationRun) -> Iterator[list]:
    """The rows of a shared run's spreadsheet, streamed: code (persons masked), name, grade, reasons."""
    grades = (
        Grade.objects.filter(run=run)
        .select_related("subject")
        .only("grade", "reasons", "subject__code", "subject__name", "subject__kind")
        .order_by("subject__code")
    )
    for grade in grades.iterator(chunk_size=2000):
        subject = grade.subject
        code = mask_resident_id(subject.code) if subject.kind == SubjectKind.NATURAL_PERSON else subject.code
        yield [code, subject.name, grade.grade, "；".join(reasons_text(grade.reasons))]
