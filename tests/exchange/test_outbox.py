import pytest
from django.db import transaction

from exchange.models import OutboxItem, OutboxStatus
from exchange.services import outbox_enqueue

pytestmark = pytest.mark.django_db


def test_enqueue_twice_keeps_one_item_with_plain_json():
    import datetime
    from decimal import Decimal

    with transaction.atomic():
        first = outbox_enqueue(
            type="record.effective",
            key="17",
            payload={"day": datetime.date(2026, 1, 5), "fine": Decimal("1.50")},
        )
        second = outbox_enqueue(type="record.effective", key="17", payload={"other": 1})
    assert first.pk == second.pk
    assert OutboxItem.objects.count() == 1
    item = OutboxItem.objects.get()
    assert item.idempotency_key == "record.effective:17"
    assert item.payload == {"day": "2026-01-05", "fine": "1.50"}
    assert item.status == OutboxStatus.PENDING


def test_rolled_back_result_leaves_no_item():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox_enqueue(type="record.revoked", key="3", payload={})
        raise ZeroDivisionError
    assert not OutboxItem.objects.exists()
