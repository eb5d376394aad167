"""Writing to the outbox. Every service whose result the platform must get calls ``outbox_enqueue``
inside its own transaction (SPEC §5 "Platform exchange": never lost, never duplicated)."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from .models import OutboxItem


def _plain(payload: dict[str, Any]) -> dict[str, Any]:
    # Dates and decimals become strings once, here, so every transport sees the same JSON.
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def outbox_enqueue(*, type: str, key: str, payload: dict[str, Any]) -> OutboxItem:
    """Queue one result for the platform. ``key`` names the result within its type (for example the
    record version id); the same (type, key) queued twice stays one item."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_enqueue must run inside the transaction that produced the result")
    item, _created = OutboxItem.objects.get_or_create(
        idempotency_key=f"{type}:{key}", defaults={"type": type, "payload": _plain(payload)}
    )
    return item
