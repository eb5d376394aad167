"""Celery tasks of the exchange app; thin, they call the delivery service."""

from celery import shared_task
from django.conf import settings


@shared_task(name="exchange.deliver")
def outbox_deliver_task() -> dict:
    """The beat entry: deliver what is due through the configured transport, within a time budget.
    Several of these may run at once (skip-locked claims); a killed one's batch stops beating, and
    the next run claims its items again."""
    from .delivery import outbox_deliver
    from .transports import transport_from_settings

    report = outbox_deliver(
        transport=transport_from_settings(), budget_seconds=settings.EXCHANGE_DELIVERY_BUDGET_SECONDS
    )
    return report.as_dict()
