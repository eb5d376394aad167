"""Scheduled work of objections. Tasks stay thin and call services."""

from celery import shared_task

from .services import objections_withdraw_due


@shared_task(name="objections.withdraw_due")
def withdraw_due() -> int:
    """Daily: objections left without the material asked for 10 working days are withdrawn (SPEC §5)."""
    return objections_withdraw_due()
