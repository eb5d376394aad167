"""Celery tasks of reminders; thin, they call the services."""

from celery import shared_task

from .services import reminders_escalate, reminders_sync

SYNC_CHUNK = 1000


@shared_task(name="reminders.sync_subjects", acks_late=True)
def reminders_sync_task(subject_ids: list[int]) -> dict:
    return reminders_sync(subject_ids=subject_ids)


@shared_task(name="reminders.daily")
def reminders_daily_task() -> dict:
    """Nightly: interviews fall due for missed rectification deadlines; reminders catch up with
    records changed by any path."""
    return {"escalated": reminders_escalate(), **reminders_sync()}


def reminders_after_records_changed(subject_ids: list[int]) -> None:
    """The intake hook (records.hooks), after commit: records that took effect (or left force) bring
    reminders due (or cancel them). Inline in the embedded mode, on a worker otherwise."""
    ids = sorted(set(subject_ids))
    for start in range(0, len(ids), SYNC_CHUNK):
        reminders_sync_task.delay(ids[start : start + SYNC_CHUNK])
