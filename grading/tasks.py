"""Celery tasks of grading; thin, they call the services."""

from celery import shared_task

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
    from .runs import chunk_process

    return chunk_process(chunk_id=chunk_id)
