"""Scheduled work of intake. Tasks stay thin and call services."""

from celery import shared_task

from .services import records_expire_due


@shared_task(name="records.expire_due")
def expire_due() -> int:
    """Nightly: records whose publication period is over become expired (SPEC §3.4)."""
    return records_expire_due()
