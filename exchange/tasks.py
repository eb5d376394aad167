"""Celery tasks of the exchange app; thin, they call the delivery service and the audit head."""

from celery import shared_task
from django.conf import settings

from .audit_head import audit_head_send
from .delivery import outbox_deliver
from .transports import transport_from_settings


@shared_task(name="exchange.deliver")
def outbox_deliver_task() -> dict:
    """The beat entry: deliver what is due through the configured transport, within a time budget.
    Several of these may run at once (skip-locked claims); a killed one's batch stops beating, and
    the next run claims its items again."""
    report = outbox_deliver(
        transport=transport_from_settings(), budget_seconds=settings.EXCHANGE_DELIVERY_BUDGET_SECONDS
    )
    return report.as_dict()


# The task keeps its name, which the beat schedule and operators know, from when it lived in audit.
@shared_task(name="audit.send_head")
def audit_head_send_task() -> dict:
    """The daily beat entry: the day's chain head to the platform through the outbox."""
    sent = audit_head_send()
    head = sent.head
    return {"created": sent.created, "seq": head.seq if head else 0, "hash": head.chain_hash if head else ""}
