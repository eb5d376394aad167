"""Celery tasks of the yearly summary; thin, they call the services."""

from celery import shared_task

from .services import reports_generate_all


@shared_task(name="reports.generate_yearly")
def generate_yearly_task(year: int | None = None) -> list[int]:
    """December 20 (003 §6(1)): the county's and every department's summary of the year, stored."""
    return [report.pk for report in reports_generate_all(actor=None, year=year)]
