"""Delivery of the outbox: file drop (push_outbox), HTTP with retries and backoff, leases (items 1–2)."""

import datetime
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from exchange.delivery import backoff, outbox_claim, outbox_deliver, outbox_retry
from exchange.models import BatchStatus, DeliveryBatch, OutboxItem, OutboxStatus, OutboxType
from exchange.services import outbox_enqueue, outbox_enqueue_many
from exchange.tasks import outbox_deliver_task
from exchange.transports import FileTransport, HttpTransport, TransportError

pytestmark = pytest.mark.django_db


def penalty_payload(i: int, **extra) -> dict:
    return {
        "subject_code": f"91411323MA{i:07d}X",
        "subject_name": f"推送{i}有限公司",
        "subject_kind": "legal_person",
        "legal_representative_name": "张三",
        "legal_representative_code": "411323198001010011",
        "record_id": i,
        "kind": "administrative_penalty",
        "department_name": "西峡县发展和改革委员会",
        "document_number": f"西发改罚〔2026〕{i}号",
        "decision_date": "2026-03-02",
        "matter": "未按规定公示价格",
        "sanctions": [
            {"kind": "warning", "name": "警告", "fine_amount": None, "detail": ""},
            {"kind": "fine", "name": "罚款", "fine_amount": "25000.00", "detail": ""},
        ],
        "publish_until": "2027-03-02",
        **extra,
    }


def queue(n: int, type: str = OutboxType.RECORD_EFFECTIVE, start: int = 1) -> list[str]:
    with transaction.atomic():
        outbox_enqueue_many(type=type, items=[(str(i), penalty_payload(i)) for i in range(start, start + n)])
    return [f"{type}:{i}" for i in range(start, start + n)]


def lines(directory: Path) -> list[dict]:
    return [
        json.loads(line) for f in sorted(directory.glob("*.jsonl")) for line in f.read_text().splitlines()
    ]


def test_push_outbox_file_drop_delivers_everything_once(tmp_path):
    keys = queue(7)
    with transaction.atomic():
        outbox_enqueue(
            type=OutboxType.GRADE_PUBLISHED,
            key="1",
            payload={
                "subject_code": "X",
                "subject_name": "甲",
                "subject_kind": "natural_person",
                "grade": "A",
            },
        )
        outbox_enqueue(
            type=OutboxType.INTERVIEW,
            key="1",
            payload={
                "subject_code": "Y",
                "subject_name": "乙",
                "subject_kind": "legal_person",
                "content": "约谈",
            },
        )
    out = io.StringIO()
    call_command("push_outbox", transport="file", directory=str(tmp_path), batch_size=4, stdout=out)
    assert "delivered 9 items in 3 batches" in out.getvalue()
    delivered = lines(tmp_path)
    assert sorted(d["idempotency_key"] for d in delivered) == sorted(
        keys + ["grade.published:1", "interview:1"]
    )
    assert all(set(d) >= {"idempotency_key", "type", "payload"} for d in delivered)
    assert not OutboxItem.objects.exclude(status=OutboxStatus.DELIVERED).exists()
    # Every batch has a manifest whose checksums match its files; no temporary file is left.
    manifests = sorted(tmp_path.glob("*.manifest.json"))
    assert len(manifests) == 3
    for manifest in manifests:
        for entry in json.loads(manifest.read_text())["files"]:
            assert hashlib.sha256((tmp_path / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert not list(tmp_path.glob(".*"))
    # Running it again delivers nothing already delivered.
    files = sorted(p.name for p in tmp_path.iterdir())
    out = io.StringIO()
    call_command("push_outbox", transport="file", directory=str(tmp_path), stdout=out)
    assert "delivered 0 items in 0 batches" in out.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == files


def test_file_drop_writes_the_platform_spreadsheets(tmp_path):
    queue(3)
    with transaction.atomic():
        outbox_enqueue(
            type=OutboxType.RECORD_REVOKED,
            key="2",
            payload=penalty_payload(2, reason="异议成立", status="revoked"),
        )
        outbox_enqueue(
            type=OutboxType.GRADE_PUBLISHED,
            key="9",
            payload={
                "subject_code": "91411323MA0000009X",
                "subject_name": "评级有限公司",
                "subject_kind": "legal_person",
                "scheme": "public",
                "scheme_name": "公共信用综合评价",
                "scheme_version": 1,
                "as_of": "2026-12-15",
                "grade": "A+",
                "score": "1050.00",
            },
        )
    call_command("push_outbox", transport="file", directory=str(tmp_path), stdout=io.StringIO())
    penalty = load_workbook(next(tmp_path.glob("*-行政处罚.xlsx")), read_only=True).active
    rows = list(penalty.values)
    header = list(rows[0])
    assert header[:3] == ["行政相对人名称", "行政相对人类别", "统一社会信用代码"]
    assert "罚款金额（万元）" in header and "行政处罚决定书文号" in header
    row = dict(zip(header, rows[1], strict=True))
    assert row["罚款金额（万元）"] == 2.5  # 25,000 yuan
    assert row["处罚类别"] == "警告;罚款" and row["法定代表人"] == "张三"
    assert row["行政相对人类别"] == "法人及非法人组织" and row["处罚机关"] == "西峡县发展和改革委员会"
    notes = [dict(zip(header, r, strict=True))["备注"] for r in rows[1:]]
    assert "已撤销：异议成立" in notes and len(rows) == 5
    grades = list(load_workbook(next(tmp_path.glob("*-信用等级.xlsx")), read_only=True).active.values)
    assert grades[0][:3] == ("主体名称", "主体类别", "主体代码")
    assert grades[1][0] == "评级有限公司" and "A+" in grades[1]


def test_a_crash_while_writing_leaves_nothing_that_counts(tmp_path, monkeypatch):
    keys = queue(3)
    real_replace = __import__("os").replace

    def crash_on_manifest(src, dst):
        if str(dst).endswith(".manifest.json"):
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr("exchange.transports.os.replace", crash_on_manifest)
    with pytest.raises(CommandError, match="disk full"):
        call_command("push_outbox", transport="file", directory=str(tmp_path), stdout=io.StringIO())
    assert not list(tmp_path.glob("*.manifest.json"))
    assert OutboxItem.objects.filter(status=OutboxStatus.PENDING).count() == 3
    assert "disk full" in OutboxItem.objects.first().last_error
    monkeypatch.undo()
    call_command("push_outbox", transport="file", directory=str(tmp_path), stdout=io.StringIO())
    manifest = json.loads(next(tmp_path.glob("*.manifest.json")).read_text())
    jsonl = next(e["name"] for e in manifest["files"] if e["name"].endswith(".jsonl"))
    assert [json.loads(x)["idempotency_key"] for x in (tmp_path / jsonl).read_text().splitlines()] == keys


def test_push_outbox_refuses_bad_options(tmp_path, settings):
    with pytest.raises(CommandError, match="batch-size"):
        call_command("push_outbox", transport="file", directory=str(tmp_path), batch_size=0)
    settings.EXCHANGE_HTTP_URL = ""
    with pytest.raises(CommandError, match="CREDITREG_PLATFORM_URL"):
        call_command("push_outbox", transport="http")


def test_http_delivery_is_signed_and_deduplicated_by_the_platform(platform):
    keys = queue(5)
    report = outbox_deliver_task.delay().get()
    assert report["delivered"] == 5 and report["failed_batches"] == 0
    assert set(platform.delivered) == set(keys) and platform.bad_signatures == 0
    assert platform.delivered[keys[0]]["payload"]["subject_name"] == "推送1有限公司"
    batch = DeliveryBatch.objects.get()
    assert batch.status == BatchStatus.DELIVERED and "HTTP 200" in batch.location


def test_a_wrong_secret_is_refused_by_the_platform(platform, settings):
    queue(1)
    settings.EXCHANGE_HTTP_SECRET = "not-the-secret"
    outbox_deliver_task.delay().get()
    assert platform.bad_signatures == 1 and not platform.delivered
    assert "HTTP 401" in OutboxItem.objects.get().last_error


def test_platform_errors_back_off_then_fail_and_surface_with_the_platforms_message(platform, settings):
    settings.EXCHANGE_MAX_ATTEMPTS = 3
    settings.EXCHANGE_BACKOFF_SECONDS = 60
    queue(2)
    platform.fail_for(3600)
    report = outbox_deliver_task.delay().get()
    assert report["failed_batches"] == 1 and "平台维护中" in report["errors"][0]
    item = OutboxItem.objects.first()
    assert item.status == OutboxStatus.PENDING and item.attempts == 1 and "HTTP 503" in item.last_error
    assert item.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    # Not due yet: the next scheduled run leaves it alone.
    assert outbox_deliver_task.delay().get()["batches"] == 0
    for _attempt in range(2):
        OutboxItem.objects.update(next_attempt_at=timezone.now())
        outbox_deliver_task.delay().get()
    item.refresh_from_db()
    assert item.status == OutboxStatus.FAILED and item.attempts == 3
    assert "平台维护中" in item.last_error
    assert backoff(1) == datetime.timedelta(seconds=60) and backoff(3) == datetime.timedelta(seconds=240)


def test_a_timeout_is_an_error_and_the_items_are_sent_again(platform):
    keys = queue(3)
    platform.modes = ["timeout"]
    report = outbox_deliver_task.delay().get()
    assert report["failed_batches"] == 1 and "did not answer" in report["errors"][0]
    OutboxItem.objects.update(next_attempt_at=None)
    assert outbox_deliver_task.delay().get()["delivered"] == 3
    # The platform got every item twice and kept one copy of each.
    assert set(platform.delivered) == set(keys) and set(platform.copies.values()) == {2}


def test_a_batch_answered_twice_is_kept_once(platform):
    keys = queue(2)
    platform.modes = ["twice"]
    outbox_deliver_task.delay().get()
    OutboxItem.objects.update(next_attempt_at=None)
    outbox_deliver_task.delay().get()
    assert OutboxItem.objects.filter(status=OutboxStatus.DELIVERED).count() == 2
    assert len(platform.delivered) == 2 == len(keys) and platform.failed_answers == 1


def test_a_dead_workers_batch_is_claimed_again_after_its_lease(tmp_path, settings):
    settings.EXCHANGE_LEASE_SECONDS = 60
    keys = queue(4)
    dead = outbox_claim(transport="file", limit=10)  # claimed, then the worker died
    assert dead.items == 4
    assert outbox_claim(transport="file", limit=10) is None  # leased: nobody else takes them
    OutboxItem.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    DeliveryBatch.objects.filter(pk=dead.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    report = outbox_deliver(transport=FileTransport(tmp_path))
    assert report.delivered == 4
    assert sorted(d["idempotency_key"] for d in lines(tmp_path)) == sorted(keys)
    dead.refresh_from_db()
    assert dead.status == BatchStatus.ABANDONED and "worker stopped" in dead.error
    assert set(OutboxItem.objects.values_list("attempts", flat=True)) == {2}


def test_failed_items_are_queued_again_only_by_the_credit_office(
    credit_office_user, clerk, platform, settings
):
    from django.core.exceptions import PermissionDenied

    settings.EXCHANGE_MAX_ATTEMPTS = 1
    queue(2)
    platform.fail_for(3600)
    outbox_deliver_task.delay().get()
    ids = list(OutboxItem.objects.filter(status=OutboxStatus.FAILED).values_list("pk", flat=True))
    assert len(ids) == 2
    with pytest.raises(PermissionDenied):
        outbox_retry(actor=clerk, item_ids=ids)
    assert outbox_retry(actor=credit_office_user, item_ids=ids) == 2
    platform.fail_until = 0
    assert outbox_deliver_task.delay().get()["delivered"] == 2


def test_http_transport_refuses_an_unreachable_platform():
    transport = HttpTransport(url="http://127.0.0.1:9/push", secret="s", timeout=0.5)
    batch = DeliveryBatch(pk=1, transport="http", lease_until=timezone.now())
    with pytest.raises(TransportError, match="did not answer"):
        transport.send(batch=batch, items=[])


def test_spreadsheet_writer_keeps_text_numbers_and_dates_and_drops_illegal_characters(tmp_path):
    import datetime as dt
    from decimal import Decimal

    from core.xlsx import xlsx_bytes

    path = tmp_path / "t.xlsx"
    path.write_bytes(
        xlsx_bytes(
            title="信用等级",
            headers=["名称", "金额", "日期", "空"],
            rows=[
                ['A&B <公司> "引号"\x07', Decimal("2.5"), dt.date(2026, 12, 15), None],
                ["  前后空格 ", 3, "", ""],
            ],
        )
    )
    book = load_workbook(path)
    sheet = book["信用等级"]
    rows = list(sheet.values)
    assert rows[0] == ("名称", "金额", "日期", "空")
    assert rows[1] == ('A&B <公司> "引号"', 2.5, "2026-12-15", None)
    assert rows[2][:2] == ("  前后空格 ", 3)


def test_a_batch_whose_heartbeat_stopped_is_claimed_again_long_before_its_lease(tmp_path, settings):
    """Issue 20: a worker killed mid-batch is found by its silence in seconds, not at the lease's end."""
    settings.EXCHANGE_LEASE_SECONDS = 300
    settings.EXCHANGE_STALE_SECONDS = 30
    keys = queue(4)
    queue(2, start=10)  # claimed by nobody: a claim takes them as well
    dead = outbox_claim(transport="file", limit=4)  # claimed, then its process was killed
    assert (dead.first_item_id, dead.last_item_id) == tuple(
        OutboxItem.objects.order_by("id").values_list("id", flat=True)[i] for i in (0, 3)
    )
    DeliveryBatch.objects.filter(pk=dead.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=31)
    )
    report = outbox_deliver(transport=FileTransport(tmp_path))
    assert report.delivered == 6
    delivered = [d["idempotency_key"] for d in lines(tmp_path)]
    assert len(delivered) == 6 and set(keys) <= set(delivered)
    dead.refresh_from_db()
    assert dead.status == BatchStatus.ABANDONED and "worker stopped" in dead.error
    assert dead.lease_until > timezone.now() + datetime.timedelta(seconds=200)  # its lease had not run out
    assert OutboxItem.objects.filter(status=OutboxStatus.DELIVERED).count() == 6


def test_a_batch_with_a_fresh_heartbeat_keeps_its_items(settings):
    settings.EXCHANGE_STALE_SECONDS = 30
    queue(3)
    alive = outbox_claim(transport="file", limit=10)
    DeliveryBatch.objects.filter(pk=alive.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=20)
    )
    assert outbox_claim(transport="file", limit=10) is None
    alive.refresh_from_db()
    assert alive.status == BatchStatus.SENDING
    assert set(OutboxItem.objects.values_list("batch_id", flat=True)) == {alive.pk}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_beats_while_it_is_sent(settings):
    """The beat comes from a thread, so it goes on while the send waits on the platform."""
    import time

    settings.EXCHANGE_HEARTBEAT_SECONDS = 0.05
    queue(2)

    class SlowTransport:
        name = "file"

        def send(self, *, batch, items):
            time.sleep(0.5)
            return "slow://drop"

    report = outbox_deliver(transport=SlowTransport())
    assert report.delivered == 2
    batch = DeliveryBatch.objects.get()
    assert batch.status == BatchStatus.DELIVERED
    assert batch.heartbeat_at - batch.started_at >= datetime.timedelta(seconds=0.4)


def test_a_batch_taken_for_lost_that_fails_later_leaves_its_successors_items_alone(settings):
    """A process only thought dead (its beats were late) comes back and its send fails: the items now
    belong to the batch that took them over, and stay leased to it — nobody claims them a third time."""
    from exchange.delivery import batch_fail

    settings.EXCHANGE_STALE_SECONDS = 30
    queue(2)
    old = outbox_claim(transport="file", limit=10)
    DeliveryBatch.objects.filter(pk=old.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=31)
    )
    new = outbox_claim(transport="file", limit=10)
    assert new.items == 2
    batch_fail(batch=old, items=old.claimed, error="the platform did not answer")
    assert set(OutboxItem.objects.values_list("batch_id", "lease_until", "next_attempt_at")) == {
        (new.pk, new.lease_until, None)
    }
    assert outbox_claim(transport="file", limit=10) is None


def test_the_file_transport_sends_batches_of_its_own_size_and_http_one_request_each(
    tmp_path, settings, platform
):
    """A file batch has no request size to keep under (EXCHANGE_FILE_BATCH_SIZE); an HTTP batch is one
    request, bounded by EXCHANGE_BATCH_SIZE."""
    settings.EXCHANGE_FILE_BATCH_SIZE, settings.EXCHANGE_BATCH_SIZE = 3, 2
    queue(7)
    out = io.StringIO()
    call_command("push_outbox", transport="file", directory=str(tmp_path), stdout=out)
    assert "delivered 7 items in 3 batches" in out.getvalue()
    assert len(list(tmp_path.glob("*.manifest.json"))) == 3
    keys = queue(5, start=100)
    report = outbox_deliver_task.delay().get()
    assert report["delivered"] == 5 and report["batches"] == 3 and platform.requests == 3
    assert set(platform.delivered) == set(keys)


def test_a_batch_marks_delivered_only_its_own_items_inside_its_id_range(tmp_path):
    """The done update finds the batch's items by the id range it claimed and its own batch: an item in
    that range the batch did not claim (in backoff here) stays pending, untouched."""
    keys = queue(5)
    waiting = OutboxItem.objects.order_by("id")[2]
    OutboxItem.objects.filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1), attempts=1, last_error="HTTP 503"
    )
    report = outbox_deliver(transport=FileTransport(tmp_path))
    assert report.delivered == 4 and report.batches == 1
    batch = DeliveryBatch.objects.get()
    assert (batch.first_item_id, batch.last_item_id, batch.items) == (
        OutboxItem.objects.order_by("id").first().pk,
        OutboxItem.objects.order_by("id").last().pk,
        4,
    )
    assert sorted(d["idempotency_key"] for d in lines(tmp_path)) == sorted(
        k for k in keys if k != waiting.idempotency_key
    )
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts, waiting.last_error, waiting.batch_id) == (
        OutboxStatus.PENDING,
        1,
        "HTTP 503",
        None,
    )
    assert OutboxItem.objects.filter(status=OutboxStatus.DELIVERED, batch=batch).count() == 4


def test_a_batch_taken_for_lost_that_delivers_later_leaves_its_successors_items_to_it(tmp_path, settings):
    """A process only thought dead comes back and delivers: the items now belong to the batch that took
    them over, which sends them again and marks them — the platform gets two copies of each key."""
    from exchange.delivery import batch_send

    settings.EXCHANGE_STALE_SECONDS = 30
    keys = queue(2)
    old = outbox_claim(transport="file", limit=10)
    DeliveryBatch.objects.filter(pk=old.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=31)
    )
    new = outbox_claim(transport="file", limit=10)
    assert batch_send(batch=old, transport=FileTransport(tmp_path)) == 2
    assert set(OutboxItem.objects.values_list("status", "batch_id")) == {(OutboxStatus.PENDING, new.pk)}
    assert batch_send(batch=new, transport=FileTransport(tmp_path)) == 2
    assert set(OutboxItem.objects.values_list("status", "batch_id")) == {(OutboxStatus.DELIVERED, new.pk)}
    assert sorted(d["idempotency_key"] for d in lines(tmp_path)) == sorted(keys * 2)
    assert set(DeliveryBatch.objects.values_list("status", flat=True)) == {BatchStatus.DELIVERED}


def test_a_claim_walks_the_pending_items_in_id_order_whatever_the_statistics_say():
    """Issue 20: a backlog queued after the table's statistics were taken (here: when nothing was
    pending) made PostgreSQL read and sort every pending row for each claim. The claim's query reads
    the items in id order and stops after a batch, with no sort, on either database."""
    from django.db import connection

    from exchange.delivery import _claim_in_id_order, _claimable

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE exchange_outboxitem")
    queue(3000)
    with transaction.atomic(), connection.cursor() as cursor:
        _claim_in_id_order()
        claim = _claimable(now=timezone.now(), now_due=True, after_id=0).select_for_update(skip_locked=True)
        sql, params = claim.values("id", "payload")[:500].query.sql_with_params()
        explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
        cursor.execute(f"{explain} {sql}", params)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batches_marked_delivered_beside_the_next_send_are_all_marked_when_the_run_ends(tmp_path, settings):
    """On PostgreSQL a run marks each batch delivered on a thread of its own while it writes the next
    one (elsewhere in turn): when the run returns, every batch and item is marked, none twice."""
    settings.EXCHANGE_FILE_BATCH_SIZE = 3
    keys = queue(8)
    report = outbox_deliver(transport=FileTransport(tmp_path))
    assert (report.delivered, report.batches, report.failed_batches) == (8, 3, 0)
    assert set(DeliveryBatch.objects.values_list("status", flat=True)) == {BatchStatus.DELIVERED}
    assert OutboxItem.objects.filter(status=OutboxStatus.DELIVERED, attempts=1).count() == 8
    assert sorted(d["idempotency_key"] for d in lines(tmp_path)) == sorted(keys)
    assert report.locations == sorted(str(p) for p in tmp_path.glob("*.manifest.json"))
