"""Celery tasks of the yearly summary; thin, they call the services."""

from celery import shared_task

from accounts.models import User

from .services import reports_generate_all


@shared_task(name="reports.generate_yearly")
def generate_yearly_task(year: int | None = None, actor_id: int | None = None) -> list[int]:
    """December 20 (003 §6(1)): the county's and every department's summary of the year, stored.
    ``actor_id``: the credit office user who asked for it from the page (None: the schedule)."""
    actor = User.objects.get(pk=actor_id) if actor_id is not None else None
    return [report.pk for report in reports_generate_all(actor=actor, year=year)]
