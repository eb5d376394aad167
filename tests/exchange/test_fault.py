"""Done means (issue 7): with the platform failing for a while and a real worker killed mid-batch,
every outbox item reaches the platform exactly once by the time it recovers — counted on the fake
platform's side, which keeps the first copy of each idempotency key as the real one does."""

import time

import pytest
from django.conf import settings

from accounts.models import Department
from exchange.models import BatchStatus, DeliveryBatch, OutboxItem, OutboxStatus
from exchange.tasks import outbox_deliver_task
from records.importing import records_import
from records.spreadsheets import GENERAL_COLUMNS
from tests.factories import make_uscc

from .conftest import SECRET
from .fake_platform import FakePlatform

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ITEMS = 300


def _csv(rows: int) -> bytes:
    codes = [make_uscc() for _ in range(60)]
    lines = [",".join(GENERAL_COLUMNS)]
    for i in range(rows):
        lines.append(
            f"故障测试{i % 60}有限公司,法人,{codes[i % 60]},行政处罚,西发改罚〔2026〕{i}号,"
            f"2026-0{1 + i % 9}-1{i % 9},警告;罚款,{2000 + i},,事项{i}"
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_every_item_is_delivered_exactly_once_through_outages_and_a_killed_worker(worker_env):
    from creditreg.celery import app
    from tests.conftest import WorkerProcess

    # The producer: an approved import queues one item per record, in its own transaction.
    fgw = Department.objects.get(code="fgw")
    records_import(content=_csv(ITEMS), file_name="fault.csv", department=fgw, approve=True)
    keys = set(OutboxItem.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == ITEMS

    platform = FakePlatform(SECRET).start()
    platform.timeout_seconds = 3.0
    env = {
        **worker_env,
        "CREDITREG_EXCHANGE_TRANSPORT": "http",
        "CREDITREG_PLATFORM_URL": platform.url,
        "CREDITREG_PLATFORM_SECRET": SECRET,
        "CREDITREG_PLATFORM_TIMEOUT_SECONDS": "2",
        "CREDITREG_EXCHANGE_BATCH_SIZE": "20",
        "CREDITREG_EXCHANGE_BACKOFF_SECONDS": "0.2",
        "CREDITREG_EXCHANGE_BACKOFF_MAX_SECONDS": "1",
        "CREDITREG_EXCHANGE_MAX_ATTEMPTS": "1000",
        # The lease stays at its default (300 s): the killed worker's batch is found by its silence.
        "CREDITREG_EXCHANGE_HEARTBEAT_SECONDS": "0.3",
        "CREDITREG_EXCHANGE_STALE_SECONDS": "2",
        "CREDITREG_EXCHANGE_BUDGET_SECONDS": "30",
    }
    worker = WorkerProcess(env)
    app.conf.task_always_eager = False
    try:
        worker.start()
        platform.fail_for(4)  # down for a while
        # Once it is back: a lost answer (timeout), an error after keeping the batch, then a batch it
        # holds while the test kills the worker.
        platform.modes = ["ok", "timeout", "ok", "twice", "ok", "hold"]

        def tick() -> None:  # what celery beat does every EXCHANGE_DELIVERY_INTERVAL_SECONDS
            outbox_deliver_task.delay()

        deadline = time.monotonic() + 120
        while not platform.holding.is_set():
            assert time.monotonic() < deadline, (
                f"the platform never got the batch to hold:\n{worker.log_tail()}"
            )
            tick()
            platform.holding.wait(0.5)
        worker.kill()  # SIGKILL mid-batch: the platform has the batch, the worker never learns it
        platform.release.set()
        # In flight: the held batch and, when the kill came before the previous batch's "delivered" was
        # committed (it is written on a thread while the next batch is sent), that one too.
        in_flight = sorted(
            DeliveryBatch.objects.filter(status=BatchStatus.SENDING).values_list("pk", flat=True)
        )
        assert 1 <= len(in_flight) <= 2, f"the killed worker's batches in flight: {in_flight}"
        assert OutboxItem.objects.filter(status=OutboxStatus.PENDING).exists()
        restarted = time.monotonic()
        worker.start()
        deadline = time.monotonic() + 180
        while OutboxItem.objects.filter(status=OutboxStatus.PENDING).exists():
            assert time.monotonic() < deadline, f"items left undelivered:\n{worker.log_tail()}"
            tick()
            time.sleep(0.5)
        took = time.monotonic() - restarted
    finally:
        app.conf.task_always_eager = True
        worker.close()
        platform.stop()

    # Counted on the platform's side: every key exactly once, none missing, none extra …
    assert set(platform.delivered) == keys and len(platform.delivered) == ITEMS
    # … although the outage, the lost answers and the killed worker made it receive some twice.
    repeated = sum(1 for n in platform.copies.values() if n > 1)
    assert repeated >= 20 and platform.refused >= 2 and platform.failed_answers >= 1
    assert platform.bad_signatures == 0
    assert OutboxItem.objects.filter(status=OutboxStatus.DELIVERED).count() == ITEMS
    # Every batch the kill left in flight was found by its silence and its items sent again.
    assert set(DeliveryBatch.objects.filter(pk__in=in_flight).values_list("status", flat=True)) == {
        BatchStatus.ABANDONED
    }
    assert DeliveryBatch.objects.filter(status=BatchStatus.FAILED).exists()
    sample = next(iter(platform.delivered.values()))
    assert sample["type"] == "record.effective" and sample["payload"]["subject_code"]
    print(
        f"\nfault test: {ITEMS} items, platform received {sum(platform.copies.values())} copies "
        f"({repeated} items more than once, {platform.refused} refused while down, "
        f"{platform.failed_answers} answers failed after keeping the batch, "
        f"{platform.requests} requests), kept {len(platform.delivered)}; "
        f"{DeliveryBatch.objects.count()} delivery batches, {len(in_flight)} in flight at the kill; "
        f"the rest delivered {took:.1f} s after the worker was started again "
        f"(lease {settings.EXCHANGE_LEASE_SECONDS:.0f} s, stale after 2 s)"
    )
