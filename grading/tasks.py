"""Celery tasks of grading; thin, they call the services. Services send a task by its name (the yearly
run's chunks: ``grading.run_chunk``), so this module imports them and never the other way round."""

import datetime

from celery import shared_task
from django.utils import timezone

from .runs import chunk_process, runs_recover, yearly_runs_start
from .services import regrade_all, regrade_subjects


@shared_task(name="grading.regrade_subjects", acks_late=True)
def regrade_subjects_task(subject_ids: list[int]) -> dict:
    return regrade_subjects(subject_ids=subject_ids)


@shared_task(name="grading.regrade_all")
def regrade_all_task() -> dict:
    return regrade_all()


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
