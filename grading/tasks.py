"""Celery tasks of grading; thin, they call the services. Services send a task by its name (the yearly
run's chunks: ``grading.run_chunk``), so this module imports them and never the other way round."""

import datetime

from celery import shared_task
from django.utils import timezone

from .runs import chunk_process, runs_recover, yearly_runs_start
from .services import nightly_blocks, regrade_all, regrade_block, regrade_subjects


@shared_task(name="grading.regrade_subjects", acks_late=True)
def regrade_subjects_task(subject_ids: list[int]) -> dict:
    return regrade_subjects(subject_ids=subject_ids)


@shared_task(name="grading.regrade_all")
def regrade_all_task(as_of: str | None = None) -> dict:
    """Nightly (SPEC §3.5). Tasks inline (the embedded mode: one process) grade the county in one
    statement per scheme, the fastest there; with workers the night is split into blocks of subject
    ids, one task each, so every worker process on every machine takes a share. Each block's task is
    acknowledged after it ran: a worker lost mid-block gives its block back to the broker; and
    whatever a lost block missed, the next night grades."""
    day = as_of or timezone.localdate().isoformat()
    if regrade_all_task.app.conf.task_always_eager:
        return regrade_all(as_of=datetime.date.fromisoformat(day))
    tasks = [regrade_block_task.delay(first, last, day).id for first, last in nightly_blocks()]
    return {"as_of": day, "blocks": len(tasks), "tasks": tasks}


@shared_task(name="grading.regrade_block", acks_late=True)
def regrade_block_task(first_id: int, last_id: int, as_of: str) -> dict:
    return regrade_block(id_range=(first_id, last_id), as_of=datetime.date.fromisoformat(as_of))


REGRADE_CHUNK = 1000


def regrade_subjects_after_records_changed(subject_ids: list[int]) -> None:
    """The intake hook (records.hooks): runs after commit; inline in the embedded mode, on a worker
    otherwise. A large set (an approved import) goes as several tasks of bounded size."""
    ids = sorted(set(subject_ids))
    for start in range(0, len(ids), REGRADE_CHUNK):
        regrade_subjects_task.delay(ids[start : start + REGRADE_CHUNK])


@shared_task(name="grading.run_chunk", acks_late=True)
def run_chunk_task(chunk_id: int) -> str:
    return chunk_process(chunk_id=chunk_id)


@shared_task(name="grading.recover_runs")
def recover_runs_task() -> dict:
    """Beat, every few minutes: send again the chunks of running yearly runs whose process was lost
    (no heartbeat) or whose message never reached a worker, so a run finishes after any crash."""
    return runs_recover()


@shared_task(name="grading.yearly_run")
def yearly_run_task(as_of: str | None = None) -> list[dict]:
    """December 15 (003 §3(2)): start the yearly evaluation of every scheme as of the day; the credit
    office reviews and publishes it in the admin, and publication queues the grades for the platform."""
    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return [
        {
            "scheme": run.scheme.code,
            "department": getattr(run.department, "code", None),
            "run": run.pk,
            "created": created,
            "sent": sent,
        }
        for run, created, sent in yearly_runs_start(as_of=day)
    ]
