"""Scheduled and background work of intake. Tasks stay thin and call services."""

from celery import shared_task

from .importing import import_job_run
from .services import records_expire_due


@shared_task(name="records.expire_due")
def expire_due() -> int:
    """Nightly: records whose publication period is over become expired (SPEC §3.4)."""
    return records_expire_due()


@shared_task(name="records.import_run")
def import_run(batch_id: int, language: str = "") -> None:
    """An uploaded spreadsheet imported outside the web request (records/jobs.py)."""
    import_job_run(batch_id=batch_id, language=language)
