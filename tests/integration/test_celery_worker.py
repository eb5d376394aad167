"""A task goes through Redis to a real worker process and its result comes back."""

import os

import pytest

from creditreg.tasks import worker_health_check
from tests.factories import make_company

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_task_round_trips_through_a_real_worker(celery_worker):
    make_company("往返测试有限公司")  # committed: the worker reads the same test database
    result = worker_health_check.delay().get(timeout=60)
    assert result["pid"] == celery_worker.pid != os.getpid()
    assert result["database"] == "postgresql"
    assert result["subjects"] == 1
    print(
        f"\ncelery round trip: task ran in worker {celery_worker.node} pid {result['pid']}, "
        f"saw {result['subjects']} subject(s) in the shared test database"
    )


def test_tasks_run_inline_without_a_worker(db):
    make_company("内联测试有限公司")
    result = worker_health_check.delay().get(timeout=5)
    assert result["pid"] == os.getpid() and result["subjects"] == 1


def test_yearly_run_survives_a_killed_worker(worker_env, settings):
    """003 §3(2) yearly run across a real worker; the worker is killed mid-chunk (SIGKILL, as a crash)
    and a new one started. Nobody resends anything by hand: the beat entry grading.recover_runs (sent
    here every second, as beat would every few minutes) finds the chunk whose heartbeat stopped and
    sends it again, and the run completes with every subject graded exactly once."""
    import datetime
    import time

    from creditreg.celery import app
    from grading.models import EvaluationRun, RunChunk, RunStatus, Scheme
    from grading.runs import run_dispatch, run_start
    from grading.tasks import recover_runs_task
    from subjects.models import Subject, SubjectKind
    from subjects.services import subjects_register_bulk
    from tests.conftest import WorkerProcess
    from tests.factories import make_uscc

    subjects_register_bulk(
        actor=None,
        subjects=[
            Subject(kind=SubjectKind.LEGAL_PERSON, code=make_uscc(), name=f"年度评价测试{i}有限公司")
            for i in range(600)
        ],
    )
    env = {
        **worker_env,
        "CREDITREG_CHUNK_PAUSE_SECONDS": "0.3",
        "CREDITREG_CHUNK_HEARTBEAT_SECONDS": "0.5",
        "CREDITREG_CHUNK_STALE_SECONDS": "2",
    }
    worker = WorkerProcess(env)
    app.conf.task_always_eager = False
    try:
        worker.start()
        run, _created = run_start(
            scheme=Scheme.objects.get(code="public"), as_of=datetime.date(2026, 12, 15), chunk_subjects=20
        )
        assert run.chunks_total == 30
        run_dispatch(run=run)
        deadline = time.monotonic() + 60
        seen_done = -1  # chunks done when a chunk was last seen running
        while True:
            done = run.chunks.filter(status=RunChunk.Status.DONE).count()
            running = run.chunks.filter(status=RunChunk.Status.RUNNING).exists()
            # A chunk that started since the last look (one more done): its 0.3 s pause is still ahead
            # of it, so the kill cannot land between two chunks.
            if running and done >= 3 and 0 <= seen_done < done:
                break
            if running:
                seen_done = done
            assert time.monotonic() < deadline, f"no chunk finished:\n{worker.log_tail()}"
            time.sleep(0.05)
        worker.kill()  # its chunk stays "running"; the broker keeps the message unacknowledged (1 h)
        killed = list(run.chunks.filter(status=RunChunk.Status.RUNNING).values_list("pk", flat=True))
        done_at_kill = run.chunks.filter(status=RunChunk.Status.DONE).count()
        assert len(killed) == 1 and done_at_kill < 30, "the run finished before the worker could be killed"
        restarted = time.monotonic()
        worker.start()
        deadline = time.monotonic() + 120
        while EvaluationRun.objects.get(pk=run.pk).status == RunStatus.RUNNING:
            assert time.monotonic() < deadline, (
                f"the run did not complete after the restart:\n{worker.log_tail()}"
            )
            recover_runs_task.delay()  # beat's tick
            time.sleep(1)
        took = time.monotonic() - restarted
        run.refresh_from_db()
        assert run.status == RunStatus.COMPLETED and run.subjects_graded == 600
        assert run.grades.count() == 600 and run.grades.values("subject").distinct().count() == 600
        lost = run.chunks.get(pk=killed[0])
        assert lost.status == RunChunk.Status.DONE and lost.attempts == 2
        print(
            f"\nyearly run: worker killed after {done_at_kill}/30 chunks with chunk {lost.pk} mid-way, "
            f"a new worker started; the run completed {took:.1f} s after the restart with "
            f"{run.grades.count()} grades for 600 subjects, "
            f"{sum(c.attempts for c in run.chunks.all())} chunk attempts"
        )
    finally:
        app.conf.task_always_eager = True
        worker.close()


def test_the_queue_length_is_read_from_the_broker(worker_env):
    """Recovery sends a stalled run's pending chunks at once only when the broker's queue is empty."""
    from core.taskqueue import queued_messages
    from creditreg.celery import app

    app.conf.task_always_eager = False
    try:
        assert queued_messages() == 0
        worker_health_check.delay()
        worker_health_check.delay()
        assert queued_messages() == 2
    finally:
        app.conf.task_always_eager = True


def test_every_department_runs_its_yearly_evaluation_after_the_county(worker_env):
    """SPEC §3.6, 003 §3(2): the December 15 start grades the county scheme and every department's
    own A/B/C version on a real worker; a department run that takes the county grade as input (zjj)
    waits for the county run of its date and reads that run's grades, not whatever is in force."""
    import datetime
    import time

    from accounts.models import Role
    from creditreg.celery import app
    from grading.models import EvaluationRun, Grade, RunChunk, RunStatus
    from grading.runs import run_recover, yearly_runs_start
    from records.services import record_approve, record_create, record_submit
    from records.validation import SanctionInput
    from tests.conftest import WorkerProcess
    from tests.factories import make_user
    from tests.records.conftest import penalty_input

    as_of = datetime.date(2026, 12, 15)
    firms = [make_company(f"部门年度评价测试{i}有限公司") for i in range(8)]
    for n, code in enumerate(["fgw", "zjj", "scjg", "zfbz"]):
        clerk, reviewer = make_user(Role.CLERK, code), make_user(Role.REVIEWER, code)
        for firm in firms[n * 2 : n * 2 + 3]:  # each department has two or three subjects
            sanctions = (
                [SanctionInput("吊销许可证件")] if firm == firms[3] else [SanctionInput("罚款", "5000")]
            )
            record = record_create(
                actor=clerk,
                subject=firm,
                data=penalty_input(sanctions=sanctions, decision_date=as_of - datetime.timedelta(days=30)),
            )
            record_submit(actor=clerk, record=record)
            record_approve(actor=reviewer, record=record)
    worker = WorkerProcess(worker_env)
    app.conf.task_always_eager = False
    try:
        worker.start()
        started = yearly_runs_start(as_of=as_of)
        assert [(r.scheme.code, getattr(r.department, "code", None)) for r, _c, _s in started] == [
            ("public", None),
            ("abc", "fgw"),
            ("abc", "scjg"),
            ("abc", "zfbz"),
            ("abc", "zjj"),
        ]
        deadline = time.monotonic() + 120
        while EvaluationRun.objects.filter(as_of=as_of, status=RunStatus.RUNNING).exists():
            assert time.monotonic() < deadline, f"the runs did not complete:\n{worker.log_tail()}"
            for run in EvaluationRun.objects.filter(as_of=as_of, status=RunStatus.RUNNING):
                run_recover(run=run)
            time.sleep(0.5)
    finally:
        app.conf.task_always_eager = True
        worker.close()
    county = EvaluationRun.objects.get(as_of=as_of, department__isnull=True)
    county_grades = dict(county.grades.values_list("subject_id", "grade"))
    assert len(county_grades) == 8
    for run in EvaluationRun.objects.filter(as_of=as_of, department__isnull=False):
        assert run.status == RunStatus.COMPLETED, run
        own = set(run.grades.values_list("subject_id", flat=True))
        assert len(own) == run.subjects_total in (2, 3), run
    zjj = EvaluationRun.objects.get(as_of=as_of, department__code="zjj")
    first_chunk = zjj.chunks.order_by("started_at").first()
    assert first_chunk.status == RunChunk.Status.DONE and first_chunk.started_at >= county.finished_at
    by_county = {"A+": "A", "A": "A", "B": "B", "C": "B", "C-": "B", "D": "C", "D-": "C"}
    for grade in Grade.objects.filter(run=zjj):
        # Its own fine alone is B; the county grade of the same run decides the rest (C over B over A).
        assert grade.grade == max(by_county[county_grades[grade.subject_id]], "B")
        assert any("县公共信用综合评价" in r.get("rule", "") for r in grade.reasons)
