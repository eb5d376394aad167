"""Scheduled work of the measures app. Tasks stay thin and call services."""

from celery import shared_task

from .department_lists import department_listings_settle


@shared_task(name="measures.department_listings_settle")
def department_listings_settle_task() -> dict:
    """Just after midnight: department black listings whose statement period ended take effect, and
    department listings past their period end (SPEC §3.6). Every read does the same first."""
    return department_listings_settle()
