"""A yearly run finishes after any crash (issue 20 item 0): chunks beat while they are graded, and
whoever waits for the run sends again the chunks whose beat stopped or whose message was lost."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditLog
from grading import runs, tasks
from grading.models import RunChunk, RunStatus, Scheme
from grading.runs import chunk_process, run_dispatch, run_recover, run_start, runs_recover
from tests.factories import make_company

from .test_services import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(settings):
    settings.GRADING_CHUNK_STALE_SECONDS = 30
    settings.GRADING_CHUNK_RESEND_SECONDS = 600
    for _ in range(12):
        make_company()
    run, created = run_start(scheme=Scheme.objects.get(code="public"), as_of=AS_OF, chunk_subjects=5)
    assert created and run.chunks_total == 3
    return run


@pytest.fixture
def sent(monkeypatch):
    """The chunk ids sent to the workers (instead of grading them inline); runs.py sends the task by
    its name, which reaches the registered task's ``apply_async``."""
    ids: list[int] = []
    monkeypatch.setattr(
        tasks.run_chunk_task, "apply_async", lambda args, kwargs=None, **options: ids.append(*args)
    )
    return ids


def ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def running(chunk: RunChunk, *, beat_seconds_ago: float, sent_seconds_ago: float = 60) -> None:
    """The chunk as a process left it that claimed it and beat last ``beat_seconds_ago``."""
    RunChunk.objects.filter(pk=chunk.pk).update(
        status=RunChunk.Status.RUNNING,
        started_at=ago(beat_seconds_ago + 5),
        heartbeat_at=ago(beat_seconds_ago),
        sent_at=ago(sent_seconds_ago),
        worker="dead-host:4242:abcd1234",
        attempts=1,
    )


def test_a_chunk_whose_heartbeat_stopped_is_sent_again(run, sent):
    first, second, third = run.chunks.order_by("first_subject_id")
    running(first, beat_seconds_ago=31)  # its process was killed half a minute ago
    running(second, beat_seconds_ago=2)  # alive, beating
    RunChunk.objects.filter(pk=third.pk).update(sent_at=ago(5))  # queued a moment ago

    assert run_recover(run=run) == 1
    assert sent == [first.pk]
    first.refresh_from_db()
    assert first.status == RunChunk.Status.PENDING and first.sent_at > ago(5)
    entry = AuditLog.objects.get(action="run.recover")
    assert entry.after["chunks"] == [first.pk] and entry.after["workers"] == ["dead-host:4242:abcd1234"]
    # Sent once: the next look a few seconds later does not send it again while it waits in the queue.
    assert run_recover(run=run) == 0 and sent == [first.pk]


def test_a_chunk_with_a_fresh_heartbeat_is_left_to_its_process(run, sent):
    chunk = run.chunks.first()
    running(chunk, beat_seconds_ago=2)
    assert run_recover(run=run) == 2 and run_dispatch(run=run) == 2  # the other two, never sent
    assert len(sent) == 4 and chunk.pk not in sent
    # A second delivery of its message (the broker giving it back) does not take it from its process.
    assert chunk_process(chunk_id=chunk.pk) == "running elsewhere"
    chunk.refresh_from_db()
    assert chunk.status == RunChunk.Status.RUNNING and chunk.attempts == 1
    assert chunk.worker == "dead-host:4242:abcd1234" and not run.grades.exists()


def test_a_stale_chunk_is_claimed_once_and_graded_once(run):
    chunk = run.chunks.first()
    running(chunk, beat_seconds_ago=31)
    assert chunk_process(chunk_id=chunk.pk) == "graded"
    chunk.refresh_from_db()
    assert chunk.status == RunChunk.Status.DONE and chunk.attempts == 2 and chunk.graded == 5
    assert chunk.worker != "dead-host:4242:abcd1234"
    assert run.grades.count() == 5


def test_a_late_delivery_of_a_done_chunk_does_nothing(run):
    chunk = run.chunks.first()
    assert chunk_process(chunk_id=chunk.pk) == "graded"
    chunk.refresh_from_db()
    before = (chunk.attempts, chunk.finished_at, chunk.worker, run.grades.count())
    assert chunk_process(chunk_id=chunk.pk) == "done already"
    chunk.refresh_from_db()
    assert (
        (chunk.attempts, chunk.finished_at, chunk.worker, run.grades.count())
        == before
        == (
            1,
            chunk.finished_at,
            chunk.worker,
            5,
        )
    )


def test_pending_chunks_never_sent_or_lost_with_the_broker_are_sent_again(run, sent):
    first, second, third = run.chunks.order_by("first_subject_id")
    RunChunk.objects.filter(pk=first.pk).update(sent_at=None)  # never sent (the sender died first)
    RunChunk.objects.filter(pk=second.pk).update(sent_at=ago(601))  # its message never came
    RunChunk.objects.filter(pk=third.pk).update(sent_at=ago(5))  # still in the queue
    assert run_recover(run=run) == 2
    assert sorted(sent) == sorted([first.pk, second.pk])


def test_a_stalled_run_sends_its_pending_chunks_again_without_waiting_out_the_resend_time(
    run, sent, monkeypatch
):
    """Redis restarted without its messages: the chunks stay pending and nobody works on the run."""
    first, second, third = run.chunks.order_by("first_subject_id")
    RunChunk.objects.filter(pk__in=[second.pk, third.pk]).update(sent_at=ago(60))
    running(first, beat_seconds_ago=2)  # a worker is on the run: the others may just be queued
    assert run_recover(run=run) == 0 and sent == []
    RunChunk.objects.filter(pk=first.pk).update(
        status=RunChunk.Status.DONE, heartbeat_at=ago(40), finished_at=ago(40)
    )  # then nothing beats and nothing finished for longer than the stale time …
    monkeypatch.setattr(runs, "queued_messages", lambda: 7)  # … but messages wait: workers are busy
    assert run_recover(run=run) == 0 and sent == []
    monkeypatch.setattr(runs, "queued_messages", lambda: 0)  # the queue is empty: they were lost
    assert run_recover(run=run) == 2 and sorted(sent) == sorted([second.pk, third.pk])


def test_a_run_whose_last_commit_was_lost_is_completed(run, sent):
    # The process died after the last chunk committed and before the run did.
    for chunk in run.chunks.all():
        chunk_process(chunk_id=chunk.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    type(run).objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, finished_at=None)
    assert runs_recover() == {"runs": 1, "sent": 0}
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.subjects_graded == 12 and not sent


def test_the_beat_entry_finishes_a_run_inline(run):
    """In the embedded mode sending is grading: recovery alone finishes the run."""
    first, *_rest = run.chunks.order_by("first_subject_id")
    running(first, beat_seconds_ago=31)
    RunChunk.objects.exclude(pk=first.pk).update(sent_at=None)
    assert tasks.recover_runs_task.delay().get() == {"runs": 1, "sent": 3}
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.grades.count() == 12
    assert run.grades.values("subject").distinct().count() == 12


def test_an_error_gives_the_claim_back(run, sent, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(runs, "_chunk_compute_engine", broken)
    monkeypatch.setattr(runs, "_chunk_write_compiled", broken)
    chunk = run.chunks.first()
    with pytest.raises(RuntimeError):
        chunk_process(chunk_id=chunk.pk)
    chunk.refresh_from_db()
    assert chunk.status == RunChunk.Status.PENDING and chunk.attempts == 1
    # Not in a tight loop: it is sent again only when its last sending is old.
    RunChunk.objects.filter(pk=chunk.pk).update(sent_at=ago(5))
    run_recover(run=run)
    assert chunk.pk not in sent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_chunk_beats_while_it_is_graded(settings):
    """A pause longer than the stale time does not make the chunk look lost: it beats meanwhile."""
    settings.GRADING_CHUNK_HEARTBEAT_SECONDS = 0.05
    settings.GRADING_CHUNK_PAUSE_SECONDS = 0.5
    for _ in range(3):
        make_company()
    run, _created = run_start(scheme=Scheme.objects.get(code="public"), as_of=AS_OF, chunk_subjects=5)
    chunk = run.chunks.get()
    assert chunk_process(chunk_id=chunk.pk) == "graded"
    chunk.refresh_from_db()
    assert chunk.heartbeat_at - chunk.started_at >= datetime.timedelta(seconds=0.4)
    assert chunk.status == RunChunk.Status.DONE
