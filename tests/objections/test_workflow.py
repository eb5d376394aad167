"""The objection workflow through the real services: every transition, the illegal ones refused with a
clear message and nothing changed, routing, the record mark, regrading, the outbox and the notices."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from audit.models import AuditLog
from exchange.models import OutboxItem, OutboxType
from grading.models import Grade
from grading.services import regrade_subjects
from objections.models import (
    TRANSITIONS,
    NoticeEvent,
    Notification,
    Objection,
    ObjectionStatus,
    ObjectionTarget,
    ObjectionTransition,
    RecordAction,
)
from objections.services import (
    objection_accept,
    objection_file,
    objection_partly_uphold,
    objection_reject,
    objection_uphold,
)
from records.models import CreditRecord, RecordStatus
from records.services import record_correction_start, record_submit
from tests.records.conftest import penalty_input

from .conftest import pdf

pytestmark = pytest.mark.django_db


def _file(user, record, **kwargs):
    return objection_file(actor=user, record=record, reasons="处罚对象认定错误。", files=[pdf()], **kwargs)


def _snapshot(objection):
    objection.refresh_from_db()
    return (
        objection.status,
        objection.decided_at,
        objection.decision_reason,
        objection.record_action,
        objection.transitions.count(),
        OutboxItem.objects.count(),
        Notification.objects.count(),
        AuditLog.objects.count(),
    )


def test_filing_routes_a_record_objection_to_the_entering_department(subject_user, record):
    objection = _file(subject_user, record)
    assert objection.status == ObjectionStatus.SUBMITTED and objection.target == ObjectionTarget.RECORD
    assert objection.department.code == "fgw" and objection.subject == record.subject
    assert objection.evidence.get().original_name == "证明材料.pdf"
    record.refresh_from_db()
    assert record.under_objection
    assert list(objection.transitions.values_list("from_status", "to_status")) == [("", "submitted")]
    assert AuditLog.objects.filter(action="objection.submit", target_id=str(objection.pk)).exists()
    notice = Notification.objects.get(user=subject_user, objection=objection)
    assert notice.event == NoticeEvent.OBJECTION_SUBMITTED and notice.emailed
    assert mail.outbox == []  # sent only once the transaction commits


def test_the_notice_is_e_mailed_after_commit(subject_user, record, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        objection = _file(subject_user, record)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hongda@example.cn"] and message.subject == "您的异议已收到"
    assert objection.deadline.isoformat() in message.body


def test_a_grade_objection_goes_to_the_credit_office(subject_user, firm, record):
    regrade_subjects(subject_ids=[firm.pk])
    grade = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    objection = objection_file(actor=subject_user, grade=grade, reasons="评价结果有误。")
    assert objection.target == ObjectionTarget.GRADE and objection.department.code == "xyb"
    record.refresh_from_db()
    assert not record.under_objection


def test_filing_refuses_bad_input_and_changes_nothing(subject_user, other_user, record, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cases = [
        (dict(actor=subject_user, record=record, reasons="  "), "请说明"),
        (
            dict(
                actor=subject_user,
                record=record,
                reasons="理由",
                files=[SimpleUploadedFile("x.exe", b"MZ...", content_type="application/octet-stream")],
            ),
            "证据材料只能是",
        ),
        (
            dict(
                actor=subject_user,
                record=record,
                reasons="理由",
                files=[SimpleUploadedFile("fake.pdf", b"not a pdf", content_type="application/pdf")],
            ),
            "不是真正的",
        ),
    ]
    for kwargs, text in cases:
        with pytest.raises(ValidationError) as exc:
            objection_file(**kwargs)
        assert text in " ".join(exc.value.messages), exc.value.messages
    for actor in (other_user, clerk):
        with pytest.raises(PermissionDenied):
            objection_file(actor=actor, record=record, reasons="理由")
    assert not Objection.objects.exists()
    record.refresh_from_db()
    assert not record.under_objection


def test_only_one_open_objection_per_record_and_only_records_in_force(subject_user, record, clerk, firm):
    _file(subject_user, record)
    with pytest.raises(ValidationError) as exc:
        _file(subject_user, record)
    assert "已在处理中" in exc.value.messages[0]
    from records.services import record_create

    draft = record_create(actor=clerk, subject=firm, data=penalty_input(document_number="草稿1号"))
    with pytest.raises(ValidationError) as exc:
        _file(subject_user, draft)
    assert "只能对有效的记录提出异议" in exc.value.messages[0]
    assert Objection.objects.count() == 1


def test_the_transition_map_is_the_documented_workflow():
    assert TRANSITIONS == {
        "submitted": ("accepted",),
        "accepted": ("material_requested", "upheld", "partly_upheld", "rejected"),
        "material_requested": ("accepted", "withdrawn"),
        "upheld": (),
        "partly_upheld": (),
        "rejected": (),
        "withdrawn": (),
    }


def test_accept_then_uphold_revokes_the_record_regrades_and_tells_the_platform(
    subject_user, record, reviewer, firm, django_capture_on_commit_callbacks
):
    regrade_subjects(subject_ids=[firm.pk])
    before = Grade.objects.get(subject=firm, scheme__code="public", is_current=True).grade
    objection = _file(subject_user, record)
    objection = objection_accept(actor=reviewer, objection=objection)
    assert objection.status == ObjectionStatus.ACCEPTED and objection.accepted_by == reviewer
    with django_capture_on_commit_callbacks(execute=True):
        objection = objection_uphold(actor=reviewer, objection=objection, reason="经核实，处罚对象有误。")
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED and not record.under_objection
    assert "异议" in record.transitions.last().reason
    assert objection.status == ObjectionStatus.UPHELD and objection.record_action == RecordAction.REVOKED
    after = Grade.objects.get(subject=firm, scheme__code="public", is_current=True).grade
    assert (before, after) == ("C", "A")
    item = OutboxItem.objects.get(type=OutboxType.OBJECTION_DECIDED)
    assert item.idempotency_key == f"objection.decided:{objection.pk}"
    assert item.payload["subject_code"] == firm.code and item.payload["status"] == "upheld"
    assert (
        item.payload["record_action"] == "revoked"
        and item.payload["document_number"] == record.document_number
    )
    assert item.payload["decision_reason"] == "经核实，处罚对象有误。"
    events = list(
        Notification.objects.filter(user=subject_user, objection=objection)
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert events == ["objection_submitted", "objection_accepted", "objection_upheld"]
    assert list(objection.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "accepted",
        "upheld",
    ]
    assert AuditLog.objects.filter(action="objection.uphold", target_id=str(objection.pk)).exists()


def test_reject_gives_the_reasons_and_keeps_the_record(subject_user, record, reviewer):
    objection = objection_accept(actor=reviewer, objection=_file(subject_user, record))
    with pytest.raises(ValidationError) as exc:
        objection_reject(actor=reviewer, objection=objection, reason=" ")
    assert exc.value.message_dict == {"reason": ["请填写原因。"]}
    objection = objection_reject(actor=reviewer, objection=objection, reason="处罚决定书载明事实清楚。")
    record.refresh_from_db()
    assert record.status == RecordStatus.EFFECTIVE and not record.under_objection
    assert objection.status == ObjectionStatus.REJECTED and objection.record_action == ""
    notice = Notification.objects.filter(user=subject_user).latest("id")
    assert notice.event == NoticeEvent.OBJECTION_REJECTED and notice.detail == "处罚决定书载明事实清楚。"
    assert OutboxItem.objects.get(type=OutboxType.OBJECTION_DECIDED).payload["status"] == "rejected"


def test_partly_upheld_needs_the_correction_started_and_links_it(subject_user, record, reviewer, clerk):
    objection = objection_accept(actor=reviewer, objection=_file(subject_user, record))
    before = _snapshot(objection)
    with pytest.raises(ValidationError) as exc:
        objection_partly_uphold(actor=reviewer, objection=objection, reason="罚款金额有误。")
    assert "请先" in exc.value.messages[0]
    assert _snapshot(objection) == before
    correction = record_correction_start(
        actor=reviewer, record=record, data=penalty_input(content="更正：罚款3000元。"), reason="异议部分成立"
    )
    objection = objection_partly_uphold(actor=reviewer, objection=objection, reason="罚款金额有误。")
    assert objection.status == ObjectionStatus.PARTLY_UPHELD and objection.correction == correction
    assert objection.record_action == RecordAction.CORRECTED
    record.refresh_from_db()
    assert not record.under_objection and record.status == RecordStatus.EFFECTIVE
    # The corrected version goes through four-eyes approval as every correction does.
    record_submit(actor=reviewer, record=correction)
    assert CreditRecord.objects.get(pk=correction.pk).status == RecordStatus.SUBMITTED


def test_a_grade_objection_upheld_regrades_the_subject(
    subject_user, firm, credit_office_user, record, django_capture_on_commit_callbacks
):
    regrade_subjects(subject_ids=[firm.pk])
    grade = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    objection = objection_file(actor=subject_user, grade=grade, reasons="评价结果有误。")
    objection_accept(actor=credit_office_user, objection=objection)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        objection = objection_uphold(
            actor=credit_office_user, objection=objection, reason="重新评价。", corrected_grade="B"
        )
    assert callbacks  # the regrade hook ran after commit
    assert objection.record_action == RecordAction.REGRADED and objection.corrected_grade == "B"
    payload = OutboxItem.objects.get(type=OutboxType.OBJECTION_DECIDED).payload
    assert payload["target"] == "grade" and payload["grade_scheme"] == "public"


@pytest.mark.parametrize(
    ("status", "call"),
    [
        ("accepted", "accept"),
        ("upheld", "accept"),
        ("upheld", "uphold"),
        ("upheld", "reject"),
        ("upheld", "partly_uphold"),
        ("partly_upheld", "accept"),
        ("partly_upheld", "uphold"),
        ("partly_upheld", "reject"),
        ("rejected", "accept"),
        ("rejected", "uphold"),
        ("rejected", "partly_uphold"),
        ("rejected", "reject"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message_and_change_nothing(
    subject_user, record, reviewer, status, call
):
    objection = _file(subject_user, record)
    if status != "submitted":
        objection_accept(actor=reviewer, objection=objection)
    if status == "upheld":
        objection_uphold(actor=reviewer, objection=objection, reason="成立")
    elif status == "rejected":
        objection_reject(actor=reviewer, objection=objection, reason="不成立")
    elif status == "partly_upheld":
        record_correction_start(
            actor=reviewer, record=record, data=penalty_input(content="更正"), reason="部分成立"
        )
        objection_partly_uphold(actor=reviewer, objection=objection, reason="部分成立")
    record.refresh_from_db()
    record_state = (record.status, record.under_objection)
    before = _snapshot(objection)
    services = {
        "accept": objection_accept,
        "uphold": objection_uphold,
        "partly_uphold": objection_partly_uphold,
        "reject": objection_reject,
    }
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services[call](actor=reviewer, objection=objection, reason="理由")
    message = exc.value.messages[0]
    assert message.startswith("状态为“") and "的异议不能变为" in message, message
    assert _snapshot(objection) == before
    record.refresh_from_db()
    assert (record.status, record.under_objection) == record_state


def test_only_the_routed_handler_decides(
    subject_user, record, reviewer, clerk, credit_office_user, scjg_reviewer, firm
):
    objection = _file(subject_user, record)
    before = _snapshot(objection)
    for actor in (clerk, credit_office_user, scjg_reviewer, subject_user):
        with pytest.raises(PermissionDenied) as exc:
            objection_accept(actor=actor, objection=objection)
        assert "审核员" in str(exc.value)
    assert _snapshot(objection) == before
    regrade_subjects(subject_ids=[firm.pk])
    grade = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    on_grade = objection_file(actor=subject_user, grade=grade, reasons="评价有误")
    with pytest.raises(PermissionDenied):
        objection_accept(actor=reviewer, objection=on_grade)
    assert objection_accept(actor=credit_office_user, objection=on_grade).status == "accepted"


def test_uphold_fails_whole_when_the_record_cannot_be_revoked(subject_user, record, reviewer):
    from records.services import record_repair

    objection = objection_accept(actor=reviewer, objection=_file(subject_user, record))
    record_repair(actor=reviewer, record=record, reason="已修复")
    before = _snapshot(objection)
    with pytest.raises(ValidationError) as exc:
        objection_uphold(actor=reviewer, objection=objection, reason="成立")
    assert "不能撤销" in exc.value.messages[0]
    assert _snapshot(objection) == before


def test_a_second_objection_keeps_the_mark_until_both_are_decided(subject_user, record, reviewer, firm):
    from objections.services import subject_account_verify  # noqa: F401 (import check only)

    first = objection_accept(actor=reviewer, objection=_file(subject_user, record))
    objection_reject(actor=reviewer, objection=first, reason="不成立")
    second = _file(subject_user, record)
    record.refresh_from_db()
    assert record.under_objection
    objection_reject(
        actor=reviewer, objection=objection_accept(actor=reviewer, objection=second), reason="不成立"
    )
    record.refresh_from_db()
    assert not record.under_objection
    assert ObjectionTransition.objects.filter(objection__in=[first, second]).count() == 6
