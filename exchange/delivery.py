"""Delivering the outbox to the platform in batches, at least once (SPEC §5 "Platform exchange").

A batch is claimed in a short transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two
workers never claim the same items) and given a lease; it is sent outside any transaction, then its
items are marked delivered. Nothing is lost:

- the platform refuses or is unreachable → each item's attempt is counted, its error kept, and it is
  tried again after an exponential backoff; after ``EXCHANGE_MAX_ATTEMPTS`` it is marked failed and
  shown in the admin with the platform's error (an operator can queue it again);
- the worker dies mid-batch → its batch stops beating (``heartbeat_at``, written every
  ``EXCHANGE_HEARTBEAT_SECONDS`` by a thread while the batch is sent); the next claim finds it with no
  beat for ``EXCHANGE_STALE_SECONDS`` — or past its lease, the upper bound — marks it abandoned and
  claims its items again, seconds after the crash rather than at the end of the lease.

So an item may be sent more than once, and every item carries its idempotency key: the platform keeps
the first copy of each key and ignores the rest, so it never sees a duplicate result.
"""

import datetime
import logging
import os
import socket
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_credit_office
from audit.services import audit_log_write
from core.heartbeat import Heartbeat

from .models import BatchStatus, DeliveryBatch, OutboxItem, OutboxStatus
from .transports import Transport, TransportError

log = logging.getLogger(__name__)


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before the next try after ``attempts`` failed ones: base × 2^(attempts−1), capped."""
    seconds = settings.EXCHANGE_BACKOFF_SECONDS * (2 ** max(0, attempts - 1))
    return datetime.timedelta(seconds=min(seconds, settings.EXCHANGE_BACKOFF_MAX_SECONDS))


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def outbox_claim(
    *, transport: str, limit: int, now_due: bool = True, after_id: int = 0
) -> DeliveryBatch | None:
    """Claim up to ``limit`` pending items not leased by another batch (and, with ``now_due``, whose
    backoff has passed) for a new delivery batch; ``None`` when there is nothing to deliver.

    ``after_id``: a run delivering batch after batch starts each claim after the last item it claimed,
    so the index scan does not walk again over the rows it has just delivered (their old versions stay
    in the pending index until vacuum)."""
    lease = datetime.timedelta(seconds=settings.EXCHANGE_LEASE_SECONDS)
    with transaction.atomic():
        _claim_in_id_order()
        now = timezone.now()
        batches_abandon_lost(now=now)
        # The items are read with their lock: one query for the claim and the content to send.
        items = list(
            _claimable(now=now, now_due=now_due, after_id=after_id)
            .select_for_update(skip_locked=True)
            .values("id", "idempotency_key", "type", "payload", "attempts")[:limit]
        )
        if not items:
            return None
        ids = [item["id"] for item in items]
        batch = DeliveryBatch.objects.create(
            transport=transport,
            items=len(ids),
            worker=_worker_name(),
            lease_until=now + lease,
            heartbeat_at=now,
            first_item_id=ids[0],
            last_item_id=ids[-1],
        )
        OutboxItem.objects.filter(pk__in=ids).update(
            batch=batch, lease_until=batch.lease_until, attempts=F("attempts") + 1
        )
    for item in items:
        item["attempts"] += 1
    batch.item_ids, batch.claimed = ids, items
    return batch


def _claimable(*, now: datetime.datetime, now_due: bool, after_id: int):
    """The pending items a claim may take, in id order: not leased by a live batch, and with
    ``now_due`` past their backoff."""
    due = Q(status=OutboxStatus.PENDING) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    if now_due:
        due &= Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    if after_id:
        due &= Q(id__gt=after_id)
    return OutboxItem.objects.filter(due).order_by("id")


def _claim_in_id_order() -> None:
    """PostgreSQL: read the claim's items in the order of the pending index, for the rest of the
    claim's transaction, whatever the table's statistics say.

    The claim wants the first ``limit`` due items by id: walking ``outbox_pending_idx`` in order and
    stopping after ``limit`` rows is the plan whatever the backlog. But a backlog is queued in one
    transaction (a published run queues 100,000 grades) and autovacuum analyzes the table only later,
    if at all before the push: with no statistics, or ones taken when nothing was pending, the planner
    expects a few hundred pending rows and prefers a bitmap scan that reads every pending row and sorts
    them all — 100,000 rows and a 56 MB sort on disk for each batch of 500 (45 ms a claim, 9 s of a
    100,000-item push; 2.5 ms a claim, its 500 payloads read, with the index walk). Without a sort, the
    index walk is the only plan that gives the id order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")


def batches_abandon_lost(*, now: datetime.datetime) -> int:
    """Mark abandoned every batch still "sending" whose process stopped — no beat for
    ``EXCHANGE_STALE_SECONDS``, or past its lease — and release its pending items at once (by the id
    range the batch claimed: the items' ``batch`` column is deliberately not indexed). Runs inside the
    claim's transaction. Skip-locked: a batch whose beat is being written right now is alive."""
    stale_before = now - datetime.timedelta(seconds=settings.EXCHANGE_STALE_SECONDS)
    lost = list(
        DeliveryBatch.objects.select_for_update(skip_locked=True)
        .filter(status=BatchStatus.SENDING)
        .filter(Q(lease_until__lt=now) | Q(heartbeat_at__lt=stale_before))
        .values_list("pk", "first_item_id", "last_item_id")
    )
    if not lost:
        return 0
    DeliveryBatch.objects.filter(
        pk__in=[pk for pk, _first, _last in lost], status=BatchStatus.SENDING
    ).update(
        status=BatchStatus.ABANDONED,
        finished_at=now,
        error="the worker stopped before the batch was delivered; its items were claimed again",
    )
    for pk, first, last in lost:
        if first is not None:
            OutboxItem.objects.filter(
                pk__gte=first, pk__lte=last, batch_id=pk, status=OutboxStatus.PENDING
            ).update(lease_until=None)
    log.warning("outbox: %s batch(es) lost with their process, their items claimable again", len(lost))
    return len(lost)


def batch_items(*, batch: DeliveryBatch) -> list[dict]:
    """The items of a batch just claimed by this process, or else those still pending and still its own
    (a lease that ran out may have passed them on)."""
    if getattr(batch, "claimed", None) is not None:
        return batch.claimed
    if batch.first_item_id is None:
        return []
    items = _own_pending(batch).order_by("id")
    return list(items.values("id", "idempotency_key", "type", "payload", "attempts"))


def batch_send(
    *, batch: DeliveryBatch, transport: Transport, done_aside: "_DoneAside | None" = None
) -> int | None:
    """Send one claimed batch and record the outcome: the number of items the platform took, or
    ``None`` when it did not take the batch. With ``done_aside`` the items are marked delivered on its
    thread, after the send as always."""
    items = batch_items(batch=batch)

    def touch() -> bool:
        return bool(
            DeliveryBatch.objects.filter(pk=batch.pk, status=BatchStatus.SENDING).update(
                heartbeat_at=timezone.now()
            )
        )

    try:
        # The beat comes from a thread: the send holds no transaction, and may wait on the platform.
        with Heartbeat(
            touch=touch, interval=settings.EXCHANGE_HEARTBEAT_SECONDS, name=f"outbox-batch-{batch.pk}"
        ):
            location = transport.send(batch=batch, items=items)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the items must be retried
        error = str(exc) if isinstance(exc, TransportError) else f"{type(exc).__name__}: {exc}"
        batch_fail(batch=batch, items=items, error=error)
        return None
    batch.location = location[:2000]
    if done_aside is not None:
        done_aside.submit(batch=batch, items=items, location=location)
    else:
        batch_done(batch=batch, items=items, location=location)
    return len(items)


class _DoneAside:
    """Marks sent batches delivered on a thread of its own, with its own connection, while the main
    thread claims and writes the next batch: the database updates a batch's rows on one core while
    Python encodes the next batch on the other. One batch at a time: ``submit`` first waits for the
    previous one, and ``close`` for the last, re-raising what failed there (a batch whose done was not
    written stays "sending", stops beating and is sent again: at least once).

    Only on PostgreSQL outside a transaction of the caller's: the rows the main connection claimed must
    be committed for another connection to update them, and SQLite takes one writer at a time."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-done")
        self._last: Future | None = None

    @staticmethod
    def usable() -> bool:
        return connection.vendor == "postgresql" and not connection.in_atomic_block

    def submit(self, **kwargs) -> None:
        self.wait()
        self._last = self._pool.submit(batch_done, **kwargs)

    def wait(self) -> None:
        last, self._last = self._last, None
        if last is not None:
            last.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.submit(connections.close_all).result()  # the thread's own connection
            self._pool.shutdown()


def _own_pending(batch: DeliveryBatch):
    """The batch's items still pending and still its own, found by the id range it claimed (the
    ``batch`` column is deliberately not indexed): no list of ids to send, whatever the batch size."""
    return OutboxItem.objects.filter(
        pk__gte=batch.first_item_id,
        pk__lte=batch.last_item_id,
        batch_id=batch.pk,
        status=OutboxStatus.PENDING,
    )


@transaction.atomic
def batch_done(*, batch: DeliveryBatch, items: list[dict], location: str) -> None:
    """The platform took the batch: its items still its own are delivered. An item a successor took
    over (this batch was taken for lost while it was still sending) is left to the successor, which
    sends it again and marks it: one copy more, which the platform drops by its idempotency key."""
    now = timezone.now()
    if batch.first_item_id is not None:
        _own_pending(batch).update(
            status=OutboxStatus.DELIVERED, delivered_at=now, lease_until=None, last_error=""
        )
    batch.location = location[:2000]
    DeliveryBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DELIVERED, finished_at=now, location=batch.location
    )


@transaction.atomic
def batch_fail(*, batch: DeliveryBatch, items: list[dict], error: str) -> None:
    """The platform did not take the batch: back off each item, or mark it failed after the last try."""
    now = timezone.now()
    error = batch.error = error[:4000]
    by_attempts: dict[int, list[int]] = {}
    for item in items:
        by_attempts.setdefault(item["attempts"], []).append(item["id"])
    failed = 0
    for attempts, ids in by_attempts.items():
        # Only items still this batch's own: a batch taken for lost may have passed them on.
        pending = OutboxItem.objects.filter(pk__in=ids, status=OutboxStatus.PENDING, batch_id=batch.pk)
        if attempts >= settings.EXCHANGE_MAX_ATTEMPTS:
            failed += pending.update(status=OutboxStatus.FAILED, lease_until=None, last_error=error)
        else:
            pending.update(next_attempt_at=now + backoff(attempts), lease_until=None, last_error=error)
    DeliveryBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, finished_at=now, error=error)
    if failed:
        audit_log_write(
            actor=None,
            action="outbox.failed",
            target=batch,
            after={"items": failed, "attempts": settings.EXCHANGE_MAX_ATTEMPTS},
            reason=error[:500],
        )
    log.warning("outbox batch %s failed (%s items): %s", batch.pk, len(items), error[:300])


@dataclass
class DeliveryReport:
    batches: int = 0
    delivered: int = 0
    failed_batches: int = 0
    errors: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "batches": self.batches,
            "delivered": self.delivered,
            "failed_batches": self.failed_batches,
            "errors": self.errors[-5:],
        }


def outbox_deliver(
    *,
    transport: Transport,
    batch_size: int | None = None,
    budget_seconds: float | None = None,
    now_due: bool = True,
) -> DeliveryReport:
    """Deliver pending items batch after batch until none is left, the time budget is spent, or a batch
    fails (the platform is down: the next scheduled run tries again, after the backoff)."""
    batch_size = batch_size or getattr(transport, "batch_size", None) or settings.EXCHANGE_BATCH_SIZE
    started = time.monotonic()
    report = DeliveryReport()
    after_id = 0
    done_aside = _DoneAside() if _DoneAside.usable() else None
    try:
        while budget_seconds is None or time.monotonic() - started < budget_seconds:
            batch = outbox_claim(
                transport=transport.name, limit=batch_size, now_due=now_due, after_id=after_id
            )
            if batch is None:
                break
            after_id = max(batch.item_ids)
            report.batches += 1
            sent = batch_send(batch=batch, transport=transport, done_aside=done_aside)
            if sent is not None:
                report.delivered += sent
                report.locations.append(batch.location)
            else:
                report.failed_batches += 1
                report.errors.append(batch.error)
                break
    finally:
        if done_aside is not None:
            done_aside.close()
    return report


@transaction.atomic
def outbox_retry(*, actor, item_ids: list[int]) -> int:
    """Queue failed items again (the credit office, after the platform's problem is solved)."""
    if not is_credit_office(actor) and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only the credit office queues failed items again."))
    items = OutboxItem.objects.select_for_update().filter(pk__in=item_ids, status=OutboxStatus.FAILED)
    ids = list(items.values_list("pk", flat=True))
    OutboxItem.objects.filter(pk__in=ids).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=None, lease_until=None
    )
    if ids:
        audit_log_write(actor=actor, action="outbox.retry", after={"items": ids[:1000], "count": len(ids)})
    return len(ids)
