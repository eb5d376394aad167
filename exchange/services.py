"""Writing to the outbox. Every service whose result the platform must get calls ``outbox_enqueue``
inside its own transaction (SPEC §5 "Platform exchange": never lost, never duplicated)."""

import json
from collections.abc import Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import OutboxItem, OutboxStatus


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


def outbox_enqueue_many(*, type: str, items: list[tuple[str, dict[str, Any]]]) -> int:
    """Queue many results of one type at once: multi-row INSERTs of JSON serialised once, keys already
    queued skipped (ON CONFLICT DO NOTHING). Returns the number of items written."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("outbox_enqueue_many must run inside the transaction that produced the results")
    table = connection.ops.quote_name(OutboxItem._meta.db_table)
    now = timezone.now()
    # SQLite builds may allow only 999 parameters per statement: 5 per row.
    chunk = 190
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(items), chunk):
            rows = items[start : start + chunk]
            params: list[Any] = []
            for key, payload in rows:
                params += [
                    f"{type}:{key}",
                    type,
                    json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False),
                    OutboxStatus.PENDING,
                    now,
                ]
            values = ", ".join(["(%s, %s, %s, %s, %s, 0, '')"] * len(rows))
            cursor.execute(
                f"INSERT INTO {table} "
                "(idempotency_key, type, payload, status, created_at, attempts, last_error) "
                f"VALUES {values} ON CONFLICT (idempotency_key) DO NOTHING",
                params,
            )
            written += max(cursor.rowcount, 0)
    return written


def outbox_enqueue_select(
    *,
    type: str,
    key: str,
    fields: list[tuple[str, str]],
    json_fields: Sequence[tuple[str, str]] = (),
    field_params: Sequence[Any] = (),
    source: str,
    source_params: Sequence[Any] = (),
) -> int:
    """Queue one item per row of a query, in one ``INSERT … SELECT``: for a producer whose items are
    too many to pass through Python (a published run's grades, up to a million).

    The producer gives the SQL of its own tables: ``source`` is the ``FROM … WHERE …`` part, ``key`` the
    expression naming a row within ``type`` (as ``outbox_enqueue``'s ``key``), ``fields`` the payload's
    plain values and ``json_fields`` those that are JSON already (name → SQL expression). The payload
    is built in the database; ``field_params`` fill the placeholders of ``fields`` and ``json_fields``,
    ``source_params`` those of ``source``. Keys already queued are skipped. Returns the number of items
    written."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("outbox_enqueue_select must run inside the transaction that produced the results")
    if connection.vendor == "postgresql":
        build, as_json = "jsonb_build_object", "{}"
    else:
        build, as_json = "json_object", "json({})"
    pairs = ", ".join(
        [f"'{name}', {expr}" for name, expr in fields]
        + [f"'{name}', {as_json.format(expr)}" for name, expr in json_fields]
    )
    sql = (
        f"INSERT INTO {connection.ops.quote_name(OutboxItem._meta.db_table)} "
        "(idempotency_key, type, payload, status, created_at, attempts, last_error) "
        f"SELECT %s || {key}, %s, {build}({pairs}), %s, %s, 0, '' {source} "
        "ON CONFLICT (idempotency_key) DO NOTHING"
    )
    params = [f"{type}:", type, *field_params, OutboxStatus.PENDING, timezone.now(), *source_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
