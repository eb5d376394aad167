import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import translation

from accounts.models import Role
from audit.models import AuditLog
from records.hooks import regrade_listener_add, regrade_listener_remove
from records.models import CreditRecord, RecordStatus, Severity, SeveritySource
from records.services import (
    record_approve,
    record_correction_start,
    record_create,
    record_repair,
    record_return,
    record_revoke,
    record_submit,
    record_update,
    records_expire_due,
)
from records.validation import RecordInput, SanctionInput
from tests.factories import make_company, make_user

from .conftest import penalty_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def regrades():
    calls: list[list[int]] = []
    regrade_listener_add(calls.append)
    yield calls
    regrade_listener_remove(calls.append)


def _errors(exc) -> dict:
    return {k: " ".join(v) for k, v in exc.value.message_dict.items()}


def test_penalty_takes_the_severity_of_its_heaviest_sanction(clerk, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    assert (record.status, record.severity, record.severity_source) == ("draft", "general", "sanctions")
    assert record.fine_total == Decimal("5000") and record.sanctions.count() == 2
    assert record.department.code == "fgw" and record.created_by == clerk
    # SPEC §3.4: general → published one year from the decision date; 004 §4(3): 7 working days.
    assert record.publish_until == datetime.date(2027, 3, 2)
    assert record.publish_due == datetime.date(2026, 3, 11)
    serious = record_create(
        actor=clerk,
        subject=firm,
        data=penalty_input(
            matter="无证经营", sanctions=[SanctionInput("罚款", "1000"), SanctionInput("吊销许可证件")]
        ),
    )
    assert serious.severity == Severity.SERIOUS and serious.publish_until == datetime.date(2029, 3, 2)


def test_severity_set_by_hand_needs_a_reason(clerk, firm):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        record_create(actor=clerk, subject=firm, data=penalty_input(severity="serious"))
    assert "理由" in _errors(exc)["severity_reason"]
    record = record_create(
        actor=clerk, subject=firm, data=penalty_input(severity="严重", severity_reason="情节恶劣")
    )
    assert (record.severity, record.severity_source, record.severity_reason) == (
        "serious",
        SeveritySource.MANUAL,
        "情节恶劣",
    )


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"kind": "表扬"}, "kind", "行政处罚"),
        ({"sanctions": []}, "sanctions", "至少"),
        ({"sanctions": [SanctionInput("罚款")]}, "sanctions", "金额"),
        ({"sanctions": [SanctionInput("罚款", "五千")]}, "sanctions", "不是数字"),
        ({"sanctions": [SanctionInput("警告", "100")]}, "sanctions", "没有金额"),
        ({"sanctions": [SanctionInput("罚没")]}, "sanctions", "罚款"),
        ({"kind": "警告", "sanctions": [SanctionInput("通报批评")]}, "sanctions", "警告"),
        ({"decision_date": datetime.date(2099, 1, 1)}, "decision_date", "将来"),
        ({"decision_date": "2026-02-30"}, "decision_date", "YYYY-MM-DD"),
        ({"document_number": " "}, "document_number", "文书号"),
        ({"matter": ""}, "matter", "违法行为"),
        (
            {"kind": "表彰奖励", "sanctions": [], "severity": "minor", "severity_reason": "x"},
            "severity",
            "失信",
        ),
        ({"kind": "其他部门评定良好", "sanctions": []}, "external_grade", "等级"),
        ({"complainant_name": "匿名"}, "complainant_name", "投诉"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_is_written(
    clerk, firm, overrides, field, fragment
):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        record_create(actor=clerk, subject=firm, data=penalty_input(**overrides))
    assert fragment in _errors(exc)[field]
    assert not CreditRecord.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="record.").exists()


def test_the_same_violation_cannot_be_entered_twice(clerk, other_clerk, firm):
    first = record_create(actor=clerk, subject=firm, data=penalty_input())
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        record_create(actor=clerk, subject=firm, data=penalty_input(matter=" 未按规定公示价格 "))
    assert str(first.pk) in _errors(exc)["document_number"] and "已录入" in _errors(exc)["document_number"]
    # Another violation of the same decision counts on its own (001 Art. 10) ...
    record_create(actor=clerk, subject=firm, data=penalty_input(matter="价格欺诈"))
    # ... and another department's decision is its own record.
    record_create(actor=other_clerk, subject=firm, data=penalty_input())
    assert CreditRecord.objects.count() == 3


def test_four_eyes_lifecycle_with_regrade_after_commit(
    clerk, reviewer, firm, regrades, django_capture_on_commit_callbacks
):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    record_submit(actor=clerk, record=record)
    with django_capture_on_commit_callbacks(execute=True):
        record = record_approve(actor=reviewer, record=record)
    assert record.status == RecordStatus.EFFECTIVE and record.reviewed_by == reviewer and record.effective_at
    assert regrades == [[firm.pk]]
    assert [t.to_status for t in record.transitions.all()] == ["draft", "submitted", "effective"]
    assert AuditLog.objects.filter(action="record.approve", actor=reviewer, target_id=str(record.pk)).exists()


def test_nobody_approves_their_own_entry(reviewer, other_reviewer, clerk, scjg_reviewer, firm):
    own = record_create(actor=reviewer, subject=firm, data=penalty_input())
    record_submit(actor=reviewer, record=own)
    for actor in (reviewer, clerk, scjg_reviewer):
        with pytest.raises(PermissionDenied):
            record_approve(actor=actor, record=own)
    own.refresh_from_db()
    assert own.status == RecordStatus.SUBMITTED
    assert record_approve(actor=other_reviewer, record=own).status == RecordStatus.EFFECTIVE


def test_illegal_transitions_are_refused_clearly(clerk, reviewer, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        record_approve(actor=reviewer, record=record)
    assert "草稿" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        record_revoke(actor=reviewer, record=record, reason="异议成立")
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT


def test_returned_record_is_fixed_and_resubmitted(clerk, reviewer, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    record_submit(actor=clerk, record=record)
    with pytest.raises(ValidationError):
        record_return(actor=reviewer, record=record, reason="  ")
    record = record_return(actor=reviewer, record=record, reason="罚款金额有误")
    assert record.status == RecordStatus.RETURNED and record.return_reason == "罚款金额有误"
    record = record_update(
        actor=clerk, record=record, data=penalty_input(sanctions=[SanctionInput("罚款", "8000")])
    )
    assert record.fine_total == Decimal("8000") and record.sanctions.count() == 1
    assert record_submit(actor=clerk, record=record).status == RecordStatus.SUBMITTED


def test_effective_record_cannot_be_edited(clerk, reviewer, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    record_submit(actor=clerk, record=record)
    record_approve(actor=reviewer, record=record)
    with pytest.raises(ValidationError):
        record_update(actor=clerk, record=record, data=penalty_input(matter="别的"))


def _effective(clerk, reviewer, subject, **overrides):
    record = record_create(actor=clerk, subject=subject, data=penalty_input(**overrides))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


def test_revoke_and_repair_need_a_reason_and_regrade(
    clerk, reviewer, credit_office_user, firm, regrades, django_capture_on_commit_callbacks
):
    first = _effective(clerk, reviewer, firm)
    second = _effective(clerk, reviewer, firm, matter="价格欺诈")
    with pytest.raises(PermissionDenied):
        record_revoke(actor=clerk, record=first, reason="异议成立")
    with django_capture_on_commit_callbacks(execute=True):
        record_revoke(actor=reviewer, record=first, reason="异议成立")
        record_repair(actor=credit_office_user, record=second, reason="已整改，信用修复")
    assert CreditRecord.objects.get(pk=first.pk).status == RecordStatus.REVOKED
    assert CreditRecord.objects.get(pk=second.pk).status == RecordStatus.REPAIRED
    assert regrades == [[firm.pk], [firm.pk]]


def test_correction_replaces_the_old_version_which_is_kept(clerk, reviewer, firm):
    old = _effective(clerk, reviewer, firm)
    new = record_correction_start(
        actor=reviewer,
        record=old,
        reason="金额更正",
        data=penalty_input(sanctions=[SanctionInput("罚款", "3000")]),
    )
    old.refresh_from_db()
    assert (old.status, old.is_current) == (RecordStatus.EFFECTIVE, True)  # still in force meanwhile
    assert (new.version, new.replaces, new.is_current) == (2, old, False)
    with pytest.raises(ValidationError):
        record_correction_start(actor=reviewer, record=old, reason="again", data=penalty_input())
    record_submit(actor=reviewer, record=new)
    with pytest.raises(PermissionDenied):
        record_approve(actor=reviewer, record=new)  # the reviewer entered the correction
    new = record_approve(actor=make_user(Role.REVIEWER, "fgw"), record=new)
    old.refresh_from_db()
    assert (old.status, old.is_current) == (RecordStatus.CORRECTED, False)
    assert (new.status, new.is_current, new.fine_total) == (RecordStatus.EFFECTIVE, True, Decimal("3000"))
    assert CreditRecord.objects.count() == 2


@pytest.mark.parametrize("settle", ["revoke", "repair"])
def test_a_correction_does_not_bring_back_a_version_revoked_or_repaired_meanwhile(
    clerk, reviewer, credit_office_user, firm, settle
):
    """An objection upheld revokes the record (003 §5(2)); a correction that was waiting must not put it
    back into force when it is approved: the approval is refused in Chinese and nothing changes."""
    old = _effective(clerk, reviewer, firm)
    new = record_correction_start(
        actor=reviewer,
        record=old,
        reason="金额更正",
        data=penalty_input(sanctions=[SanctionInput("罚款", "3000")]),
    )
    record_submit(actor=reviewer, record=new)
    if settle == "revoke":
        record_revoke(actor=reviewer, record=old, reason="异议成立")
    else:
        record_repair(actor=credit_office_user, record=old, reason="已整改，信用修复")
    settled = CreditRecord.objects.get(pk=old.pk).status
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="更正不能使其重新生效"):
        record_approve(actor=make_user(Role.REVIEWER, "fgw"), record=new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.is_current) == (settled, True)
    assert (new.status, new.is_current) == (RecordStatus.SUBMITTED, False)


def test_regrade_is_not_announced_when_the_transaction_rolls_back(
    clerk, reviewer, firm, regrades, django_capture_on_commit_callbacks
):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    record_submit(actor=clerk, record=record)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            record_approve(actor=reviewer, record=record)
            raise RuntimeError("boom")
    assert regrades == []
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED


def test_complainant_is_encrypted_at_rest_and_kept_out_of_logs(clerk, firm):
    record = record_create(
        actor=clerk,
        subject=firm,
        data=RecordInput(
            kind="投诉举报",
            document_number="投诉〔2026〕18号",
            decision_date=datetime.date(2026, 5, 6),
            matter="销售过期食品",
            complainant_name="李秘密",
            complainant_contact="13800001234",
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT complainant_name, complainant_contact FROM records_creditrecord WHERE id = %s",
            [record.pk],
        )
        stored = cursor.fetchone()
    assert "李秘密" not in stored[0] and "13800001234" not in stored[1]
    assert CreditRecord.objects.get(pk=record.pk).complainant_name == "李秘密"
    assert "李秘密" not in str(list(AuditLog.objects.values("before", "after")))
    assert not hasattr(record.history.first(), "complainant_name")
    assert record.publish_until is None  # complaints are not published


def test_effective_records_expire_at_the_end_of_publication(clerk, reviewer, firm):
    record = _effective(
        clerk, reviewer, firm, kind="警告", sanctions=[], decision_date=datetime.date(2026, 1, 5)
    )
    assert record.publish_until == datetime.date(2026, 4, 5)  # minor: at most 3 months
    assert records_expire_due(today=datetime.date(2026, 4, 5)) == 0
    assert records_expire_due(today=datetime.date(2026, 4, 6)) == 1
    record.refresh_from_db()
    assert record.status == RecordStatus.EXPIRED
    assert record.transitions.last().to_status == RecordStatus.EXPIRED


def test_subject_users_and_other_roles_cannot_enter(firm):
    with pytest.raises(PermissionDenied):
        record_create(actor=make_user(Role.SUBJECT, None), subject=firm, data=penalty_input())
    with pytest.raises(PermissionDenied):
        record_create(
            actor=make_user(Role.CREDIT_OFFICE, "xyb"), subject=make_company(), data=penalty_input()
        )
