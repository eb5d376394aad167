"""The exchange in the admin: failed items with the platform's error, queue again, the dashboard."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from exchange.models import BatchStatus, DeliveryBatch, OutboxItem, OutboxStatus, OutboxType
from exchange.services import outbox_enqueue_many
from exchange.tasks import outbox_deliver_task

pytestmark = pytest.mark.django_db


def queue(n: int, start: int = 1) -> None:
    with transaction.atomic():
        outbox_enqueue_many(
            type=OutboxType.RECORD_EFFECTIVE,
            items=[
                (
                    str(i),
                    {"subject_code": f"C{i}", "subject_name": f"主体{i}", "subject_kind": "legal_person"},
                )
                for i in range(start, start + n)
            ],
        )


@pytest.fixture
def failed_and_delivered(platform, settings):
    settings.EXCHANGE_MAX_ATTEMPTS = 1
    queue(3)
    outbox_deliver_task.delay().get()  # delivered
    queue(2, start=10)
    platform.fail_for(3600)
    outbox_deliver_task.delay().get()  # failed after the only attempt
    assert OutboxItem.objects.filter(status=OutboxStatus.FAILED).count() == 2


def test_failed_items_show_the_platforms_error_and_can_be_queued_again(
    client, credit_office_user, failed_and_delivered, platform, django_assert_max_num_queries
):
    client.force_login(credit_office_user)
    url = reverse("admin:exchange_outboxitem_changelist")
    with django_assert_max_num_queries(20):
        page = client.get(url, {"status__exact": "failed"}).content.decode()
    assert "平台维护中" in page and "record.effective:10" in page
    ids = list(OutboxItem.objects.filter(status=OutboxStatus.FAILED).values_list("pk", flat=True))
    response = client.post(url, {"action": "queue_again", "_selected_action": ids}, follow=True)
    assert response.status_code == 200
    assert OutboxItem.objects.filter(status=OutboxStatus.PENDING, attempts=0).count() == 2
    platform.fail_until = 0
    outbox_deliver_task.delay().get()
    assert OutboxItem.objects.filter(status=OutboxStatus.DELIVERED).count() == 5


def test_dashboard_shows_backlog_last_delivery_failures_and_volumes(
    client, credit_office_user, failed_and_delivered, django_assert_max_num_queries
):
    queue(4, start=20)
    client.force_login(credit_office_user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("admin:exchange_outboxitem_dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    data = response.context["data"]
    assert data["backlog"] == 4 and data["failed_total"] == 2
    assert data["last_delivery"].items == 3 and data["last_failure"].status == BatchStatus.FAILED
    today = data["volumes"][-1]
    assert today["day"] == timezone.localdate() and (today["queued"], today["delivered"]) == (9, 3)
    assert len(data["volumes"]) == 14 and "平台维护中" in page
    # Bounded: ten times the items, the same number of queries.
    queue(40, start=100)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("admin:exchange_outboxitem_dashboard")).status_code == 200


def test_dashboard_and_outbox_are_closed_to_department_staff(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("admin:exchange_outboxitem_dashboard"))
    assert response.status_code in (302, 403)


def test_delivery_log_lists_batches(client, credit_office_user, failed_and_delivered):
    DeliveryBatch.objects.create(
        transport="http", status=BatchStatus.SENDING, lease_until=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(credit_office_user)
    page = client.get(reverse("admin:exchange_deliverybatch_changelist")).content.decode()
    assert page.count("平台维护中") >= 1
