"""The yearly evaluation run (003 §3(2): every subject evaluated and reported by December 15).

A run is a domain record (NetBox's Job): one per scheme, department and as-of date, so starting it
again finds the same run. Its subjects are split into chunks over id ranges; each chunk is a Celery
task any worker on any machine can take. A chunk writes its grades with the run's unique
(run, subject) constraint, so a chunk done twice — a worker died after writing, the message came back
— grades nobody twice.

A run finishes after any crash: a chunk being graded beats (``heartbeat_at``) every few seconds, and
whoever waits for the run — the ``yearly_run`` command, the beat entry ``grading.recover_runs`` —
sends again every chunk whose beat stopped and every pending chunk whose message was lost
(``run_recover``). Claiming a chunk is one conditional UPDATE, so of two deliveries of the same chunk
one grades it and the other does nothing."""

import datetime
import logging
import os
import socket
import uuid

from celery import signature
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department
from accounts.permissions import is_credit_office
from audit.services import audit_log_write
from core.heartbeat import Heartbeat, heartbeat_threaded
from core.taskqueue import queued_messages
from subjects.models import Subject

from .compiled import compiled_grading, compiled_session, outcomes_sql
from .models import EvaluationRun, Grade, RunChunk, RunStatus, Scheme
from .outbox import run_grades_outbox_enqueue
from .population import Population
from .rules import grades_of_kind, version_rules
from .services import (
    grade_in_force_correct,
    grades_compute,
    grading_department,
    version_published,
    versions_published,
)
from .writer import GradeTarget, grade_adjusted_write, grades_write, grades_write_sql, run_grades_publish

log = logging.getLogger(__name__)


def chunk_stale_after() -> datetime.timedelta:
    """A chunk "running" with no heartbeat for this long is taken to be lost with its process."""
    return datetime.timedelta(seconds=settings.GRADING_CHUNK_STALE_SECONDS)


def _stale(*, before: datetime.datetime) -> Q:
    """Running chunks whose last beat (or, for a chunk claimed before beats existed, start) is older."""
    return Q(status=RunChunk.Status.RUNNING) & (
        Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, started_at__lt=before)
    )


class RunError(Exception):
    pass


@transaction.atomic
def run_start(
    *,
    scheme: Scheme,
    as_of: datetime.date,
    department: Department | None = None,
    chunk_subjects: int | None = None,
) -> tuple[EvaluationRun, bool]:
    """The run of ``scheme`` (for ``department``, a department scheme) as of ``as_of`` — created with
    its chunks over the scheme's population (a department's own subjects, SPEC §3.6), or the existing
    one."""
    chunk_subjects = chunk_subjects or settings.GRADING_CHUNK_SUBJECTS
    department = grading_department(scheme=scheme, department=department)
    existing = EvaluationRun.objects.filter(scheme=scheme, department=department, as_of=as_of).first()
    if existing is not None:
        return existing, False
    version = version_published(scheme=scheme, department=department)
    if version is None:
        raise RunError(
            f"scheme {scheme.code} has no published version"
            + (f" for department {department.code}" if department is not None else "")
        )
    population = Population.of(version=version, department=department)
    run = EvaluationRun.objects.create(scheme=scheme, version=version, department=department, as_of=as_of)
    bounds = _chunk_bounds(population=population, size=chunk_subjects)
    chunks = [RunChunk(run=run, first_subject_id=first, last_subject_id=last) for first, last, _n in bounds]
    RunChunk.objects.bulk_create(chunks)
    run.subjects_total, run.chunks_total = sum(n for _f, _l, n in bounds), len(chunks)
    run.save(update_fields=["subjects_total", "chunks_total"])
    audit_log_write(
        actor=None,
        action="run.start",
        target=run,
        after={
            "scheme": scheme.code,
            "department": getattr(department, "code", None),
            "version": version.number,
            "as_of": as_of.isoformat(),
            "subjects": run.subjects_total,
            "chunks": len(chunks),
        },
    )
    if not chunks:
        run_finish_if_done(run_id=run.pk)
    return run, True


def _chunk_bounds(*, population: Population, size: int) -> list[tuple[int, int, int]]:
    """(first id, last id, subjects) of each run of ``size`` subjects of the population, in id order,
    numbered inside the database: a county of a million subjects is not read into this process."""
    members = Subject.objects.filter(population.subject_q("pk")).values(member=F("pk"))
    sql, params = members.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT min(t.pk), max(t.pk), count(*) FROM (
                  SELECT m.member AS pk, (row_number() OVER (ORDER BY m.member) - 1) / %s AS chunk
                  FROM ({sql}) m
                ) t GROUP BY t.chunk ORDER BY t.chunk""",
            [size, *params],
        )
        return [tuple(row) for row in cursor.fetchall()]


def _chunks_send(*, chunks) -> list[int]:
    """Mark the chunks of ``chunks`` (a queryset) sent now and send them; returns their ids.

    The ids are taken under a skip-locked lock, so two senders at once (the command and the beat
    entry) do not both send the same chunk; a chunk sent twice anyway is harmless (``chunk_process``).
    The messages go after the commit: in the embedded mode a message is the chunk's grading itself.
    They are sent by the task's name (grading/tasks.py calls this module, not the other way round)."""
    with transaction.atomic():
        now = timezone.now()
        ids = list(chunks.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            RunChunk.objects.filter(pk__in=ids[start : start + 1000]).update(sent_at=now)
    for chunk_id in ids:
        signature("grading.run_chunk", args=(chunk_id,)).delay()
    return ids


@transaction.atomic
def _chunks_release_lost(*, run: EvaluationRun) -> int:
    """Put back to pending every chunk of ``run`` "running" with a stale heartbeat: its process is
    gone (SIGKILL, power cut, or a worker whose message the broker gives back only after its
    visibility timeout). The UPDATE re-checks staleness, so a beat that came in meanwhile keeps its
    chunk."""
    before = timezone.now() - chunk_stale_after()
    lost = list(run.chunks.filter(_stale(before=before)).values_list("pk", "worker"))
    if not lost:
        return 0
    ids = [pk for pk, _worker in lost]
    released = RunChunk.objects.filter(_stale(before=before), pk__in=ids).update(
        status=RunChunk.Status.PENDING, sent_at=None
    )
    audit_log_write(
        actor=None,
        action="run.recover",
        target=run,
        after={"chunks": ids[:100], "workers": sorted({worker for _pk, worker in lost})[:20]},
        reason="no heartbeat: the process grading these chunks stopped",
    )
    log.warning("run %s: %s chunk(s) lost with their process, to be sent again", run.pk, released)
    return released


def run_stalled(*, run: EvaluationRun, now: datetime.datetime) -> bool:
    """No chunk of ``run`` beats and none was finished within the stale time: no worker is on it."""
    since = now - chunk_stale_after()
    return not run.chunks.filter(
        Q(status=RunChunk.Status.RUNNING, heartbeat_at__gte=since) | Q(finished_at__gte=since)
    ).exists()


def run_input(*, run: EvaluationRun) -> EvaluationRun | None:
    """The county run whose grades ``run`` takes as input (000 Art. 8; SPEC §3.6: a yearly department
    run reads the county run of the same as-of date, not whatever is in force), or None when its
    scheme takes no input grade."""
    input_scheme = version_rules(run.version).input_scheme
    if not input_scheme:
        return None
    return EvaluationRun.objects.filter(
        scheme__code=input_scheme, department__isnull=True, as_of=run.as_of
    ).first()


def run_waiting(*, run: EvaluationRun) -> bool:
    """``run`` waits for its input run to finish grading (or for it to be started)."""
    if not version_rules(run.version).input_scheme:
        return False
    source = run_input(run=run)
    return source is None or source.status == RunStatus.RUNNING


def run_dispatch(*, run: EvaluationRun) -> int:
    """Send every chunk not done and not being graded by a live process (pending, or running with a
    stale heartbeat) to the workers; returns how many. Starting or resuming a run comes here, after
    ``run_start`` has committed, so a worker always finds the chunk it is sent. A run waiting for its
    input run sends nothing yet: the input run's completion sends it (``run_finish_if_done``)."""
    _chunks_release_lost(run=run)
    if run_waiting(run=run):
        return 0
    return len(_chunks_send(chunks=run.chunks.filter(status=RunChunk.Status.PENDING)))


def run_recover(*, run: EvaluationRun) -> int:
    """Finish what a crash left of ``run``: whoever waits for a run calls this every few seconds (the
    ``yearly_run`` command) or minutes (beat, ``grading.recover_runs``). Returns the chunks sent again.

    - a chunk "running" with a stale heartbeat lost its process: it is sent again at once;
    - a pending chunk never sent, or sent longer than ``GRADING_CHUNK_RESEND_SECONDS`` ago and never
      taken (its message lost with the broker), is sent again — after only the stale time when the run
      is stalled (no chunk beating or finished lately) and the broker's queue is empty;
    - a run whose chunks are all done but which is still "running" (the process died between the last
      chunk's commit and the run's) is completed.
    Sending twice is safe: a chunk is claimed atomically and its grades are written once per subject.
    A run waiting for its input run (``run_waiting``) is left alone."""
    _chunks_release_lost(run=run)
    if run_waiting(run=run):
        return 0
    now = timezone.now()
    resend_before = now - datetime.timedelta(seconds=settings.GRADING_CHUNK_RESEND_SECONDS)
    if run_stalled(run=run, now=now) and queued_messages() == 0:
        # Nothing of the run is being graded or was finished lately and the queue is empty, yet
        # chunks wait: their messages are gone (Redis restarted without them) — send them now.
        resend_before = max(resend_before, now - chunk_stale_after())
    unsent = run.chunks.filter(status=RunChunk.Status.PENDING).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=resend_before)
    )
    sent = _chunks_send(chunks=unsent)
    run_finish_if_done(run_id=run.pk)
    return len(sent)


def runs_recover() -> dict:
    """Every running yearly run, recovered (the beat entry ``grading.recover_runs``)."""
    runs = list(EvaluationRun.objects.filter(status=RunStatus.RUNNING).order_by("pk"))
    return {"runs": len(runs), "sent": sum(run_recover(run=run) for run in runs)}


def _claim_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _chunk_claim(*, chunk_id: int) -> tuple[str, str]:
    """Claim the chunk for this process in one conditional UPDATE — atomic on PostgreSQL (a second
    claimer waits for the row and then finds it taken) and on SQLite (one writer at a time).
    Returns (token, "") when claimed, or ("", why not)."""
    token = _claim_token()
    now = timezone.now()
    claimable = Q(status=RunChunk.Status.PENDING) | _stale(before=now - chunk_stale_after())
    claimed = RunChunk.objects.filter(claimable, pk=chunk_id).update(
        status=RunChunk.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=token,
        attempts=F("attempts") + 1,
    )
    if claimed:
        return token, ""
    status = RunChunk.objects.filter(pk=chunk_id).values_list("status", flat=True).first()
    if status is None:
        return "", "no such chunk"
    return "", "done already" if status == RunChunk.Status.DONE else "running elsewhere"


def chunk_process(*, chunk_id: int) -> str:
    """Grade one chunk's subjects. Safe to call twice or concurrently: a chunk done, or being graded by
    a process whose heartbeat is fresh, is skipped, and grades already written for the run are not
    written again (the run's unique (run, subject), ``ON CONFLICT DO NOTHING``) — so a late message for
    a chunk done already, or a chunk taken from a process wrongly thought dead, grades nobody twice."""
    waiting = RunChunk.objects.filter(pk=chunk_id).select_related("run__version", "run__scheme").first()
    if waiting is not None and run_waiting(run=waiting.run):
        # Sent before its input run finished (a message from an earlier start): the input run's
        # completion sends it again.
        RunChunk.objects.filter(pk=chunk_id, status=RunChunk.Status.PENDING).update(sent_at=None)
        return "waiting for the county run"
    token, refused = _chunk_claim(chunk_id=chunk_id)
    if refused:
        return refused
    chunk = RunChunk.objects.select_related("run__scheme", "run__version", "run__department").get(pk=chunk_id)
    run = chunk.run

    def touch() -> bool:
        return bool(
            RunChunk.objects.filter(pk=chunk_id, worker=token, status=RunChunk.Status.RUNNING).update(
                heartbeat_at=timezone.now()
            )
        )

    heartbeat = Heartbeat(
        touch=touch,
        interval=settings.GRADING_CHUNK_HEARTBEAT_SECONDS,
        threaded=heartbeat_threaded(),
        name=f"run-chunk-{chunk_id}",
    )
    try:
        with heartbeat:
            if settings.GRADING_CHUNK_PAUSE_SECONDS:  # an operator's throttle for a database under load
                heartbeat.sleep(settings.GRADING_CHUNK_PAUSE_SECONDS)
            if compiled_grading():
                outcomes = None
            else:  # computed before the write transaction, beating between slices (module heartbeat)
                outcomes = _chunk_compute_engine(run=run, chunk=chunk, heartbeat=heartbeat)
            # The grades and the chunk's "done" commit together: a process dying in between leaves neither.
            with transaction.atomic():
                if outcomes is None:
                    graded = _chunk_write_compiled(run=run, chunk=chunk)
                else:
                    target = GradeTarget.of_run(run)
                    graded = grades_write(outcomes=[(target, sid, o) for sid, o in outcomes])[target]
                # Done even if a recoverer took the chunk meanwhile: its grades are in this transaction.
                RunChunk.objects.filter(pk=chunk.pk).update(
                    status=RunChunk.Status.DONE,
                    graded=graded,
                    finished_at=timezone.now(),
                )
    except Exception:
        # Not a crash but an error: give the claim back at once; the chunk is tried again when it is
        # sent again (run_recover, after GRADING_CHUNK_RESEND_SECONDS — not in a tight loop).
        RunChunk.objects.filter(pk=chunk_id, worker=token, status=RunChunk.Status.RUNNING).update(
            status=RunChunk.Status.PENDING
        )
        raise
    run_finish_if_done(run_id=run.pk)
    return "graded"


def _chunk_write_compiled(*, run: EvaluationRun, chunk: RunChunk) -> int:
    """The chunk's grades computed and inserted by one statement (grading/compiled.py)."""
    id_range = (chunk.first_subject_id, chunk.last_subject_id)
    population = Population.of(version=run.version, department=run.department)
    source = run_input(run=run)
    sql, params = outcomes_sql(
        version=run.version,
        department=run.department,
        as_of=run.as_of,
        id_range=id_range,
        population=population,
        input_run_id=getattr(source, "pk", None),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        compiled_session(cursor)
        # The grades inserted, as the engine's path counts them: all the chunk's members, since its
        # grades commit together with its "done" (none of them is there from an earlier try).
        return grades_write_sql(cursor, target=GradeTarget.of_run(run), outcomes=sql, params=params)


ENGINE_SLICE = 1000


def _chunk_compute_engine(*, run: EvaluationRun, chunk: RunChunk, heartbeat: Heartbeat) -> list:
    """The chunk's outcomes by the Python engine, a slice of subjects at a time with a beat between
    (each slice is fetched whole: no cursor stays open across a beat)."""
    population = Population.of(version=run.version, department=run.department)
    source = run_input(run=run)
    subject_ids = list(
        Subject.objects.filter(pk__gte=chunk.first_subject_id, pk__lte=chunk.last_subject_id)
        .filter(population.subject_q("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    outcomes = []
    for start in range(0, len(subject_ids), ENGINE_SLICE):
        outcomes += grades_compute(
            version=run.version,
            department=run.department,
            as_of=run.as_of,
            subject_ids=subject_ids[start : start + ENGINE_SLICE],
            input_run_id=getattr(source, "pk", None),
        )
        heartbeat.beat()
    return outcomes


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
    if run.department_id is None:
        # The department runs of the same date that take this scheme's grade as input were waiting.
        transaction.on_commit(lambda: _dependent_runs_dispatch(county=run))
    return True


def _dependent_runs_dispatch(*, county: EvaluationRun) -> None:
    for waiting in EvaluationRun.objects.filter(
        as_of=county.as_of, status=RunStatus.RUNNING, department__isnull=False
    ).select_related("version__scheme"):
        if version_rules(waiting.version).input_scheme == county.scheme.code:
            run_dispatch(run=waiting)


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
    """The credit office's manual adjustment of a run's grade: only with a reason, audited, and shown
    among the grade's reasons (SPEC §3.5). In a run under review it is the grade put in force at
    publication; in a published run it also corrects the grade in force at once
    (``grade_in_force_correct``, decision "adjustment")."""
    if not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office adjusts grades."))
    grade = Grade.objects.select_for_update(of=("self",)).select_related("run").get(pk=grade.pk)
    if grade.run is None or grade.run.status not in (RunStatus.COMPLETED, RunStatus.PUBLISHED):
        raise ValidationError(_("Only grades of a completed or published run can be adjusted."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    allowed = grades_of_kind(grade.scheme.kind)
    if new_grade not in allowed:
        raise ValidationError(
            {"grade": _("Choose one of: %(grades)s.") % {"grades": ", ".join(g or "—" for g in allowed)}}
        )
    if dry_run:
        return grade
    before = grade_adjusted_write(grade=grade, new_grade=new_grade, reason=reason)
    audit_log_write(
        actor=actor,
        action="grade.adjust",
        target=grade,
        before={"grade": before},
        after={"grade": new_grade},
        reason=reason,
    )
    if grade.run.status == RunStatus.PUBLISHED:
        grade_in_force_correct(
            actor=actor,
            subject=grade.subject,
            scheme=grade.scheme,
            department=grade.department,
            grade=new_grade,
            reason=reason,
            decision=_("adjustment"),
            run=grade.run,
        )
    return grade


@transaction.atomic
def run_publish(*, actor, run: EvaluationRun) -> EvaluationRun:
    """Make the run's grades the official ones; the previous published grades of the scheme stop being
    official (they stay, with their run)."""
    if actor is not None and not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office publishes an evaluation."))
    run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
    if run.status == RunStatus.PUBLISHED:
        return run
    if run.status != RunStatus.COMPLETED:
        raise ValidationError(_("The run is not complete yet."))
    run_grades_publish(run=run)
    run.status, run.published_at = RunStatus.PUBLISHED, timezone.now()
    run.published_by = actor if getattr(actor, "is_authenticated", False) else None
    run.save(update_fields=["status", "published_at", "published_by"])
    # 003 §3(2): the published results go to the platform, queued in this same transaction.
    queued = run_grades_outbox_enqueue(run=run)
    audit_log_write(
        actor=actor, action="run.publish", target=run, after={"grades": run.subjects_graded, "queued": queued}
    )
    return run


def yearly_runs_start(
    *, as_of: datetime.date, scheme_code: str = ""
) -> list[tuple[EvaluationRun, bool, int]]:
    """Start (or resume) the yearly evaluation as of ``as_of`` of every scheme with a published version
    — the county schemes and each department's own version of a department scheme (SPEC §3.6) — or
    of one scheme, and send the chunks to the workers: the December 15 beat entry and the
    ``yearly_run`` command both come here. Returns (run, created, chunks sent) per run.

    County schemes first; a department run taking the county grade as input waits for the county
    run of its date, which is started with it when only the department scheme is asked for."""
    versions = versions_published()
    if scheme_code:
        versions = [v for v in versions if v.scheme.code == scheme_code]
        if not versions:
            raise RunError(f"unknown scheme or no published version: {scheme_code}")
        inputs = {version_rules(v).input_scheme for v in versions} - {"", scheme_code}
        versions = [
            v for v in versions_published() if v.scheme.code in inputs and v.scheme.owner_id is None
        ] + versions
    started = []
    for version in versions:
        department = version.department if version.scheme.owner_id is not None else None
        run, created = run_start(scheme=version.scheme, as_of=as_of, department=department)
        sent = run_dispatch(run=run) if run.status == RunStatus.RUNNING else 0
        started.append((run, created, sent))
    return started


def yearly_run_request(
    *, actor, as_of: datetime.date, scheme_code: str = "", today: datetime.date | None = None
) -> list[tuple[EvaluationRun, bool, int]]:
    """The credit office starts (or resumes) the yearly evaluation from its pages (issue 19): the same
    ``yearly_runs_start`` as the command and the December 15 beat entry, after the checks a person
    needs — the role, and an as-of date not in the future (grades as of a day not yet over would
    miss that day's records; the command keeps its own interface, SPEC §7). Audited with who asked.
    Not one transaction: as for the command, each run commits on its own before its chunks are sent."""
    if not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office starts the yearly evaluation."))
    today = today or timezone.localdate()
    if as_of > today:
        raise ValidationError(
            {
                "as_of": _("The as-of date %(date)s is in the future; choose today or an earlier day.")
                % {"date": as_of}
            }
        )
    try:
        started = yearly_runs_start(as_of=as_of, scheme_code=scheme_code)
    except RunError as exc:
        raise ValidationError(
            {"scheme": _("This scheme has no published version to run: %(error)s") % {"error": exc}}
        ) from None
    for run, created, _sent in started:
        audit_log_write(
            actor=actor,
            action="run.request",
            target=run,
            after={"as_of": as_of.isoformat(), "created": created},
        )
    return started


def run_progress(*, run: EvaluationRun) -> dict:
    """Chunks done of the run and subjects graded so far, for the page that watches it."""
    done = run.chunks.filter(status=RunChunk.Status.DONE).count()
    total = run.chunks_total
    return {
        "chunks_done": done,
        "chunks_total": total,
        "percent": 100 if not total else round(100 * done / total),
    }
