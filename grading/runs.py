"""The yearly evaluation run (003 §3(2): every subject evaluated and reported by December 15).

A run is a domain record (NetBox's Job): one per scheme, department and as-of date, so starting it
again finds the same run. Its subjects are split into chunks over id ranges; each chunk is a Celery
task any worker on any machine can take. A chunk writes its grades with the run's unique
(run, subject) constraint, so a chunk done twice — a worker died after writing, the message came back
— grades nobody twice. Resuming re-sends the chunks not done; the run completes when all are.
"""

import datetime
import socket
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Department
from audit.services import audit_log_write
from subjects.models import Subject

from .compiled import outcomes_sql
from .models import EvaluationRun, Grade, GradeSource, RunChunk, RunStatus, Scheme
from .services import (
    compiled_grading,
    compiled_session,
    grade_insert_sql,
    grades_compute,
    grading_department,
    version_published,
)

CHUNK_SUBJECTS = 5000


def chunk_lease() -> datetime.timedelta:
    """A chunk "running" longer than this is taken to be lost with its worker and is done again."""
    return datetime.timedelta(seconds=settings.GRADING_CHUNK_LEASE_SECONDS)


class RunError(Exception):
    pass


@transaction.atomic
def run_start(
    *,
    scheme: Scheme,
    as_of: datetime.date,
    department: Department | None = None,
    chunk_subjects: int = CHUNK_SUBJECTS,
) -> tuple[EvaluationRun, bool]:
    """The run of ``scheme`` as of ``as_of`` — created with its chunks, or the existing one."""
    department = grading_department(scheme=scheme, department=department)
    existing = EvaluationRun.objects.filter(scheme=scheme, department=department, as_of=as_of).first()
    if existing is not None:
        return existing, False
    version = version_published(scheme=scheme)
    if version is None:
        raise RunError(f"scheme {scheme.code} has no published version")
    run = EvaluationRun.objects.create(scheme=scheme, version=version, department=department, as_of=as_of)
    ids = list(Subject.objects.order_by("pk").values_list("pk", flat=True))
    chunks = [
        RunChunk(run=run, first_subject_id=ids[i], last_subject_id=ids[min(i + chunk_subjects, len(ids)) - 1])
        for i in range(0, len(ids), chunk_subjects)
    ]
    RunChunk.objects.bulk_create(chunks)
    run.subjects_total, run.chunks_total = len(ids), len(chunks)
    run.save(update_fields=["subjects_total", "chunks_total"])
    audit_log_write(
        actor=None,
        action="run.start",
        target=run,
        after={
            "scheme": scheme.code,
            "version": version.number,
            "as_of": as_of.isoformat(),
            "subjects": len(ids),
            "chunks": len(chunks),
        },
    )
    if not chunks:
        run_finish_if_done(run_id=run.pk)
    return run, True


def run_dispatch(*, run: EvaluationRun, stale_after: datetime.timedelta | None = None) -> int:
    """Send every chunk not done (pending, or running past its lease) to the workers; returns how many.
    Called after ``run_start`` has committed, so a worker always finds the chunk it is sent."""
    from .tasks import run_chunk_task

    cutoff = timezone.now() - (chunk_lease() if stale_after is None else stale_after)
    chunks = list(
        run.chunks.exclude(status=RunChunk.Status.DONE)
        .exclude(status=RunChunk.Status.RUNNING, started_at__gt=cutoff)
        .values_list("pk", flat=True)
    )
    for chunk_id in chunks:
        run_chunk_task.delay(chunk_id)  # the run and its chunks were committed by run_start
    return len(chunks)


def chunk_process(*, chunk_id: int) -> str:
    """Grade one chunk's subjects. Safe to call twice or concurrently: a chunk done or being done by a
    live worker is skipped, and grades already written for the run are not written again."""
    with transaction.atomic():
        chunk = (
            RunChunk.objects.select_for_update(of=("self",))
            .select_related("run__scheme", "run__version", "run__department")
            .get(pk=chunk_id)
        )
        if chunk.status == RunChunk.Status.DONE:
            return "done already"
        if chunk.status == RunChunk.Status.RUNNING and chunk.started_at > timezone.now() - chunk_lease():
            return "running elsewhere"
        chunk.status, chunk.started_at = RunChunk.Status.RUNNING, timezone.now()
        chunk.attempts += 1
        chunk.worker = f"{socket.gethostname()}"
        chunk.save()
    run = chunk.run
    if settings.GRADING_CHUNK_PAUSE_SECONDS:  # an operator's throttle for a database under load
        time.sleep(settings.GRADING_CHUNK_PAUSE_SECONDS)
    # The grades and the chunk's "done" commit together: a worker dying in between leaves neither.
    with transaction.atomic():
        if compiled_grading():
            graded = _chunk_write_compiled(run=run, chunk=chunk)
        else:
            graded = _chunk_write_engine(run=run, chunk=chunk)
        RunChunk.objects.filter(pk=chunk.pk).update(
            status=RunChunk.Status.DONE, graded=graded, finished_at=timezone.now()
        )
    run_finish_if_done(run_id=run.pk)
    return "graded"


def _chunk_write_compiled(*, run: EvaluationRun, chunk: RunChunk) -> int:
    """The chunk's grades computed and inserted by one statement (grading/compiled.py)."""
    id_range = (chunk.first_subject_id, chunk.last_subject_id)
    sql, params = outcomes_sql(
        version=run.version, department=run.department, as_of=run.as_of, id_range=id_range
    )
    params.update(
        scheme=run.scheme_id,
        version=run.version_id,
        department=run.department_id,
        as_of=run.as_of,
        source=GradeSource.YEARLY,
        current=False,
        run=run.pk,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        compiled_session(cursor)
        cursor.execute(grade_insert_sql(source_table=f"({sql})") + " ON CONFLICT DO NOTHING", params)
    return Subject.objects.filter(pk__gte=id_range[0], pk__lte=id_range[1]).count()


def _chunk_write_engine(*, run: EvaluationRun, chunk: RunChunk) -> int:
    subject_ids = Subject.objects.filter(
        pk__gte=chunk.first_subject_id, pk__lte=chunk.last_subject_id
    ).values_list("pk", flat=True)
    outcomes = list(
        grades_compute(
            version=run.version, department=run.department, as_of=run.as_of, subject_ids=subject_ids
        )
    )
    with transaction.atomic():
        Grade.objects.bulk_create(
            [
                Grade(
                    subject_id=sid,
                    scheme=run.scheme,
                    version=run.version,
                    department=run.department,
                    as_of=run.as_of,
                    grade=o.grade,
                    score=None if o.score is None else round(o.score, 2),
                    reasons=o.reasons,
                    source=GradeSource.YEARLY,
                    is_current=False,
                    run=run,
                )
                for sid, o in outcomes
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
    return len(outcomes)


@transaction.atomic
def run_finish_if_done(*, run_id: int) -> bool:
    run = EvaluationRun.objects.select_for_update().get(pk=run_id)
    if run.status != RunStatus.RUNNING or run.chunks.exclude(status=RunChunk.Status.DONE).exists():
        return False
    run.subjects_graded = run.grades.count()
    run.status, run.finished_at = RunStatus.COMPLETED, timezone.now()
    run.save(update_fields=["subjects_graded", "status", "finished_at"])
    audit_log_write(
        actor=None,
        action="run.complete",
        target=run,
        after={"graded": run.subjects_graded, "seconds": run.seconds},
    )
    return True


def run_distribution(*, run: EvaluationRun) -> list[tuple[str, int, int]]:
    """(grade, subjects in this run, subjects in the previous published run of the scheme)."""
    now = dict(run.grades.values_list("grade").annotate(n=Count("id")).values_list("grade", "n"))
    previous = (
        EvaluationRun.objects.filter(
            scheme=run.scheme, department=run.department, as_of__lt=run.as_of, status=RunStatus.PUBLISHED
        )
        .order_by("-as_of")
        .first()
    )
    before = {}
    if previous is not None:
        before = dict(previous.grades.values_list("grade").annotate(n=Count("id")).values_list("grade", "n"))
    grades = sorted(set(now) | set(before), key=lambda g: (g == "", g.replace("+", "0").replace("-", "9")))
    return [(g, now.get(g, 0), before.get(g, 0)) for g in grades]


def run_changes(*, run: EvaluationRun, limit: int = 200) -> list[tuple[Grade, str]]:
    """Grades of this run that differ from the subject's grade in the previous published run."""
    previous = (
        EvaluationRun.objects.filter(
            scheme=run.scheme, department=run.department, as_of__lt=run.as_of, status=RunStatus.PUBLISHED
        )
        .order_by("-as_of")
        .first()
    )
    if previous is None:
        return []
    before = dict(previous.grades.values_list("subject_id", "grade"))
    changed = []
    for grade in run.grades.select_related("subject").order_by("subject_id").iterator(chunk_size=2000):
        if grade.subject_id in before and before[grade.subject_id] != grade.grade:
            changed.append((grade, before[grade.subject_id]))
            if len(changed) >= limit:
                break
    return changed


@transaction.atomic
def grade_adjust(*, actor, grade: Grade, new_grade: str, reason: str, dry_run: bool = False) -> Grade:
    """The credit office's manual adjustment of a grade in a run under review: only with a reason,
    audited, and shown among the grade's reasons (SPEC §3.5)."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from accounts.permissions import is_credit_office

    if not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office adjusts grades."))
    grade = Grade.objects.select_for_update(of=("self",)).select_related("run").get(pk=grade.pk)
    if grade.run is None or grade.run.status != RunStatus.COMPLETED:
        raise ValidationError(_("Only grades of a completed run under review can be adjusted."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    allowed = {"score": ["A+", "A", "B", "C", "C-", "D", "D-"], "conditions": ["A", "B", "C", ""]}[
        grade.scheme.kind
    ]
    if new_grade not in allowed:
        raise ValidationError(
            {"grade": _("Choose one of: %(grades)s.") % {"grades": ", ".join(g or "—" for g in allowed)}}
        )
    if dry_run:
        return grade
    before = grade.grade
    grade.grade = new_grade
    grade.adjusted_reason = reason
    grade.reasons = grade.reasons + [
        {"rule": "信用办调整", "adjusted_from": before, "reason": reason, "documents": []}
    ]
    grade.save(update_fields=["grade", "adjusted_reason", "reasons"])
    audit_log_write(
        actor=actor,
        action="grade.adjust",
        target=grade,
        before={"grade": before},
        after={"grade": new_grade},
        reason=reason,
    )
    return grade


@transaction.atomic
def run_publish(*, actor, run: EvaluationRun) -> EvaluationRun:
    """Make the run's grades the official ones; the previous published grades of the scheme stop being
    official (they stay, with their run)."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from accounts.permissions import is_credit_office

    if actor is not None and not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office publishes an evaluation."))
    run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
    if run.status == RunStatus.PUBLISHED:
        return run
    if run.status != RunStatus.COMPLETED:
        raise ValidationError(_("The run is not complete yet."))
    Grade.objects.filter(scheme=run.scheme, department=run.department, published=True).update(published=False)
    run.grades.update(published=True)
    run.status, run.published_at = RunStatus.PUBLISHED, timezone.now()
    run.published_by = actor if getattr(actor, "is_authenticated", False) else None
    run.save(update_fields=["status", "published_at", "published_by"])
    audit_log_write(actor=actor, action="run.publish", target=run, after={"grades": run.subjects_graded})
    return run
