"""Publication ends at the maximum period of SPEC §3.4 (nightly), and at once on repair; the published
view of the records API follows."""

import datetime

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from audit.models import AuditLog
from records.models import CreditRecord, RecordStatus
from records.selectors import records_published
from records.services import record_approve, record_create, record_repair, record_submit, records_expire_due
from records.tasks import expire_due
from records.validation import RecordInput, SanctionInput

pytestmark = pytest.mark.django_db

SANCTIONS = {
    "minor": [SanctionInput("警告")],
    "general": [SanctionInput("罚款", "3000")],
    "serious": [SanctionInput("责令停产停业")],
}


def _effective(
    clerk, reviewer, subject, *, severity="general", decided=datetime.date(2024, 1, 31), kind="行政处罚"
):
    record = record_create(
        actor=clerk,
        subject=subject,
        data=RecordInput(
            kind=kind,
            document_number=f"罚{severity}{decided:%Y%m%d}{kind}",
            decision_date=decided,
            matter=f"事项{severity}{kind}",
            sanctions=SANCTIONS[severity] if kind == "行政处罚" else [],
        ),
    )
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


@pytest.mark.parametrize(
    ("severity", "decided", "last_day"),
    [
        ("minor", datetime.date(2024, 1, 31), datetime.date(2024, 4, 30)),  # at most 3 months
        ("general", datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)),  # at most 1 year
        ("serious", datetime.date(2023, 5, 10), datetime.date(2026, 5, 10)),  # at most 3 years
    ],
)
def test_publication_ends_after_the_maximum_period_of_the_severity(
    clerk, reviewer, firm, severity, decided, last_day
):
    record = _effective(clerk, reviewer, firm, severity=severity, decided=decided)
    assert record.severity == severity and record.publish_until == last_day
    # the last day of the period is still a day of publication (Civil Code Art. 202)
    assert records_published(on=last_day).filter(pk=record.pk).exists()
    assert records_expire_due(today=last_day) == 0
    next_day = last_day + datetime.timedelta(days=1)
    assert not records_published(on=next_day).filter(pk=record.pk).exists()  # even before the nightly run
    assert records_expire_due(today=next_day) == 1
    record.refresh_from_db()
    assert record.status == RecordStatus.EXPIRED
    assert record.transitions.last().reason == "公示期届满。"
    # the row history keeps the change (the update is set-based, the history row too)
    latest = record.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.status == RecordStatus.EXPIRED
    assert AuditLog.objects.filter(action="record.expire").exists()
    assert records_expire_due(today=next_day) == 0  # idempotent


def test_the_maximum_periods_are_the_spec_defaults():
    assert settings.RECORD_PUBLICATION_MONTHS == {"minor": 3, "general": 12, "serious": 36, "positive": 12}


def test_unpublished_kinds_are_never_published_nor_expired(clerk, reviewer, firm):
    record = record_create(
        actor=clerk,
        subject=firm,
        data=RecordInput(
            kind="投诉举报",
            document_number="投诉1号",
            decision_date="2024-01-05",
            matter="投诉",
            complainant_name="匿名",
        ),
    )
    record_submit(actor=clerk, record=record)
    record = record_approve(actor=reviewer, record=record)
    assert record.publish_until is None
    assert not records_published(on=datetime.date(2024, 1, 6)).filter(pk=record.pk).exists()
    assert records_expire_due(today=datetime.date(2030, 1, 1)) == 0


def test_a_repaired_record_stops_being_published_at_once_and_never_expires(clerk, reviewer, firm):
    record = _effective(clerk, reviewer, firm, decided=datetime.date(2026, 3, 2))
    on = datetime.date(2026, 7, 1)
    assert records_published(on=on).filter(pk=record.pk).exists()
    record_repair(actor=reviewer, record=record, reason="信用修复")
    assert not records_published(on=on).filter(pk=record.pk).exists()
    assert records_expire_due(today=datetime.date(2027, 3, 3)) == 0
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED


def test_the_nightly_task_runs_the_expiry_and_is_scheduled(clerk, reviewer, firm):
    schedule = settings.CELERY_BEAT_SCHEDULE["records-expire-due"]
    assert schedule["task"] == "records.expire_due" == expire_due.name
    record = _effective(clerk, reviewer, firm, severity="minor", decided=datetime.date(2024, 1, 31))
    assert expire_due.delay().get() == 1
    record.refresh_from_db()
    assert record.status == RecordStatus.EXPIRED


def test_repaired_and_expired_records_leave_the_published_view_of_the_api(
    clerk, reviewer, firm, django_assert_max_num_queries
):
    from django.utils import timezone

    today = timezone.localdate()
    recent = today - datetime.timedelta(days=20)
    published = _effective(clerk, reviewer, firm, decided=recent)
    repaired = _effective(clerk, reviewer, firm, decided=recent, kind="违反信用承诺")
    record_repair(actor=reviewer, record=repaired, reason="信用修复")
    expired = _effective(clerk, reviewer, firm, severity="minor", decided=datetime.date(2024, 1, 31))
    records_expire_due()
    lapsed = _effective(clerk, reviewer, firm, severity="general", decided=today.replace(year=today.year - 2))
    draft = record_create(
        actor=clerk,
        subject=firm,
        data=RecordInput(kind="警告", document_number="警告9号", decision_date=recent, matter="警告"),
    )
    api = APIClient()
    api.force_authenticate(reviewer)
    with django_assert_max_num_queries(8):
        body = api.get("/api/records/", {"published": "true"}).json()
    assert [r["id"] for r in body["results"]] == [published.pk]
    body = api.get("/api/records/", {"published": "false"}).json()
    assert {r["id"] for r in body["results"]} == {repaired.pk, expired.pk, lapsed.pk, draft.pk}
    assert CreditRecord.objects.get(pk=expired.pk).status == RecordStatus.EXPIRED
    assert CreditRecord.objects.get(pk=lapsed.pk).status == RecordStatus.EFFECTIVE  # not yet marked
