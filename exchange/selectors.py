"""Reads for the exchange dashboard (issue item 6): every number is one bounded query — counts over
indexed columns and per-day groupings over a fixed window — whatever the size of the outbox."""

import datetime
from typing import Any

from django.db.models import Count, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import BatchStatus, DeliveryBatch, OutboxItem, OutboxStatus


def _per_day(queryset, field: str, since: datetime.datetime) -> dict[datetime.date, int]:
    tz = timezone.get_current_timezone()
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(day=TruncDate(field, tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    return dict(rows)


def exchange_dashboard(*, days: int = 14, failures: int = 20) -> dict:
    """Backlog, last delivery, failures and per-day volumes of the last ``days`` days."""
    now = timezone.now()
    today = timezone.localdate()
    start_day = today - datetime.timedelta(days=days - 1)
    since = timezone.make_aware(datetime.datetime.combine(start_day, datetime.time.min))
    pending = OutboxItem.objects.filter(status=OutboxStatus.PENDING)
    backlog = pending.aggregate(total=Count("id"), oldest=Min("created_at"))
    waiting = pending.filter(next_attempt_at__gt=now).count()
    queued = _per_day(OutboxItem.objects.all(), "created_at", since)
    delivered = _per_day(OutboxItem.objects.filter(status=OutboxStatus.DELIVERED), "delivered_at", since)
    volumes: list[dict[str, Any]] = []
    for offset in range(days):
        day = start_day + datetime.timedelta(days=offset)
        volumes.append({"day": day, "queued": queued.get(day, 0), "delivered": delivered.get(day, 0)})
    peak = max([1] + [max(v["queued"], v["delivered"]) for v in volumes])
    for v in volumes:
        v["queued_pct"] = round(100 * v["queued"] / peak)
        v["delivered_pct"] = round(100 * v["delivered"] / peak)
    return {
        "backlog": backlog["total"],
        "oldest_pending": backlog["oldest"],
        "waiting_retry": waiting,
        "in_flight": DeliveryBatch.objects.filter(status=BatchStatus.SENDING).count(),
        "last_delivery": DeliveryBatch.objects.filter(status=BatchStatus.DELIVERED).order_by("-id").first(),
        "last_failure": DeliveryBatch.objects.filter(status=BatchStatus.FAILED).order_by("-id").first(),
        "failed_total": OutboxItem.objects.filter(status=OutboxStatus.FAILED).count(),
        "failed_items": list(
            OutboxItem.objects.filter(status=OutboxStatus.FAILED)
            .order_by("-id")
            .only("id", "idempotency_key", "type", "attempts", "last_error", "created_at")[:failures]
        ),
        "volumes": volumes,
        "days": days,
    }
