"""Objections that name what is wrong, and the clock (SPEC §5, §7): a field and its claimed value,
validated at filing; upheld and partly upheld corrections through the record correction service (a
new version in force at once, the old one kept); the one request for material that stops the clock
(across National Day 2026); the withdrawal after 10 working days without answer; the platform told
when an objection opens and closes."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from audit.models import AuditLog
from creditreg import workdays
from exchange.models import OutboxItem, OutboxType
from grading.models import Grade
from grading.services import regrade_subjects
from objections.models import (
    NoticeEvent,
    Notification,
    Objection,
    ObjectionStatus,
    RecordAction,
)
from objections.services import (
    objection_accept,
    objection_answer,
    objection_decide,
    objection_file,
    objection_material_request,
    objection_partly_uphold,
    objection_reject,
    objection_uphold,
    objections_withdraw_due,
)
from objections.tasks import withdraw_due
from records.models import CreditRecord, RecordStatus
from records.services import record_correction_start
from tests.records.conftest import penalty_input

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _file(user, record, field="", claimed_value="", **kwargs):
    return objection_file(
        actor=user,
        record=record,
        reasons="记录有误。",
        field=field,
        claimed_value=claimed_value,
        files=[pdf()],
        **kwargs,
    )


def _state(objection):
    """Everything a refused step must leave as it was."""
    objection.refresh_from_db()
    return (
        objection.status,
        objection.deadline,
        objection.material_requested_on,
        objection.decided_at,
        objection.corrected_value,
        objection.transitions.count(),
        CreditRecord.objects.count(),
        OutboxItem.objects.count(),
        Notification.objects.count(),
        AuditLog.objects.count(),
    )


# --- filing ------------------------------------------------------------------------------------------


def test_a_field_objection_gets_its_number_receipt_and_due_date_and_the_platform_hears_it_opened(
    subject_user, record
):
    objection = _file(subject_user, record, field="fine_total", claimed_value="3000")
    assert objection.field == "fine_total" and objection.claimed_value == "3000.00"
    year = objection.submitted_at.year
    assert objection.number == f"YY-{year}-{objection.pk:06d}"
    assert objection.receipt_number == f"YYHZ-{year}-{objection.pk:06d}"
    assert objection.decision_number == f"YYJD-{year}-{objection.pk:06d}"
    assert objection.deadline == workdays.add_working_days(timezone.localdate(objection.submitted_at), 5)
    item = OutboxItem.objects.get(type=OutboxType.OBJECTION_OPENED)
    assert item.idempotency_key == f"objection.opened:{objection.pk}"
    assert item.payload["number"] == objection.number and item.payload["field"] == "fine_total"
    assert item.payload["document_number"] == record.document_number and item.payload["status"] == "submitted"


@pytest.mark.parametrize(
    ("field", "claimed", "normal"),
    [
        ("decision_date", "2026-02-27", "2026-02-27"),
        ("document_number", " 西发改罚〔2026〕2号 ", "西发改罚〔2026〕2号"),
        ("fine_total", "2500.5", "2500.50"),
        ("sanctions", "警告；通报批评", "警告;通报批评"),
        ("severity", "轻微", "轻微"),
        ("severity", "serious", "严重"),
    ],
)
def test_claimed_values_are_kept_in_their_written_form(subject_user, record, field, claimed, normal):
    assert _file(subject_user, record, field=field, claimed_value=claimed).claimed_value == normal


@pytest.mark.parametrize(
    ("field", "claimed", "key", "text"),
    [
        ("amount", "3000", "field", "subject, decision_date"),
        ("decision_date", "2026/02/27", "claimed_value", "YYYY-MM-DD"),
        ("decision_date", "2026-02-30", "claimed_value", "YYYY-MM-DD"),
        ("decision_date", "2099-01-01", "claimed_value", "将来"),
        ("decision_date", "2026-03-02", "claimed_value", "记录已载明"),
        ("fine_total", "三千", "claimed_value", "元"),
        ("fine_total", "-5", "claimed_value", "元"),
        ("fine_total", "5000", "claimed_value", "记录已载明"),
        ("sanctions", "警告;鞭刑", "claimed_value", "鞭刑"),
        ("sanctions", " ; ", "claimed_value", "；"),
        ("sanctions", "罚款;警告", "claimed_value", "记录已载明"),
        ("severity", "很严重", "claimed_value", "轻微"),
        ("subject", "91411323MA00000000", "claimed_value", "校验"),
        ("subject", "", "claimed_value", "请填写"),
        ("document_number", "x" * 101, "claimed_value", "过长"),
        ("", "3000", "field", "字段"),
    ],
)
def test_a_malformed_claim_is_refused_in_chinese_and_nothing_is_filed(
    subject_user, record, field, claimed, key, text
):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        _file(subject_user, record, field=field, claimed_value=claimed)
    messages = exc.value.message_dict
    assert key in messages, messages
    assert text in " ".join(messages[key]), messages
    assert not Objection.objects.exists() and not OutboxItem.objects.filter(type="objection.opened").exists()
    record.refresh_from_db()
    assert not record.under_objection


def test_a_grade_objection_names_no_field(subject_user, firm, record):
    regrade_subjects(subject_ids=[firm.pk])
    grade = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    with pytest.raises(ValidationError) as exc:
        objection_file(
            actor=subject_user, grade=grade, reasons="理由", field="severity", claimed_value="轻微"
        )
    assert "field" in exc.value.message_dict


# --- decisions ---------------------------------------------------------------------------------------


def test_upheld_corrects_the_field_to_the_claimed_value_in_force_at_once_and_keeps_the_old_version(
    subject_user, record, reviewer, firm, django_capture_on_commit_callbacks
):
    objection = _file(subject_user, record, field="fine_total", claimed_value="3000")
    with django_capture_on_commit_callbacks(execute=True):
        objection = objection_uphold(actor=reviewer, objection=objection, reason="经核实，罚款为3000元。")
    # Deciding a submitted objection accepts it first (SPEC §7).
    assert list(objection.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "accepted",
        "upheld",
    ]
    assert objection.record_action == RecordAction.CORRECTED and objection.corrected_value == "3000.00"
    new = objection.correction
    old = CreditRecord.objects.get(pk=record.pk)
    assert (old.status, old.is_current, old.fine_total, old.under_objection) == (
        RecordStatus.CORRECTED,
        False,
        Decimal("5000.00"),
        False,
    )
    assert (new.status, new.is_current, new.version, new.replaces_id) == (
        RecordStatus.EFFECTIVE,
        True,
        2,
        record.pk,
    )
    assert new.fine_total == Decimal("3000.00") and new.reviewed_by == reviewer
    assert sorted(new.sanctions.values_list("kind__code", "fine_amount")) == [
        ("fine", Decimal("3000.00")),
        ("warning", None),
    ]
    assert new.document_number == record.document_number and new.matter == record.matter
    audit = AuditLog.objects.get(action="record.correct_by_decision", target_id=str(new.pk))
    assert objection.decision_number in audit.reason
    assert audit.before["fine_total"] == "5000.00" and audit.after["fine_total"] == "3000.00"
    types = set(OutboxItem.objects.values_list("type", flat=True))
    assert {"record.corrected", "record.effective", "objection.opened", "objection.decided"} <= types
    decided = OutboxItem.objects.get(type=OutboxType.OBJECTION_DECIDED).payload
    assert decided["corrected_value"] == "3000.00" and decided["correction_id"] == new.pk


@pytest.mark.parametrize(
    ("field", "claimed", "check"),
    [
        ("decision_date", "2026-02-27", lambda r: r.decision_date == date(2026, 2, 27)),
        ("document_number", "西发改罚〔2026〕2号", lambda r: r.document_number == "西发改罚〔2026〕2号"),
        (
            "sanctions",
            "警告",
            lambda r: (
                list(r.sanctions.values_list("kind__code", flat=True)) == ["warning"]
                and r.fine_total == 0
                and r.severity == "minor"
            ),
        ),
        ("severity", "严重", lambda r: r.severity == "serious" and r.severity_source == "manual"),
        ("fine_total", "0", lambda r: r.fine_total == 0 and r.sanctions.count() == 1),
    ],
)
def test_each_field_is_corrected_to_the_claimed_value(subject_user, record, reviewer, field, claimed, check):
    objection = objection_uphold(
        actor=reviewer,
        objection=_file(subject_user, record, field=field, claimed_value=claimed),
        reason="成立",
    )
    assert check(objection.correction)


def test_a_subject_objection_moves_the_record_to_the_subject_claimed(
    subject_user, record, reviewer, other_firm, firm
):
    objection = _file(subject_user, record, field="subject", claimed_value=other_firm.code)
    objection = objection_uphold(actor=reviewer, objection=objection, reason="处罚对象应为另一家公司。")
    assert objection.correction.subject == other_firm
    assert CreditRecord.objects.get(pk=record.pk).subject == firm  # the old version is kept as it was


def test_a_subject_claim_naming_an_unregistered_subject_is_refused_at_the_decision(
    subject_user, record, reviewer
):
    from tests.factories import make_uscc

    objection = _file(subject_user, record, field="subject", claimed_value=make_uscc())
    before = _state(objection)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        objection_uphold(actor=reviewer, objection=objection, reason="成立")
    assert "尚未登记" in exc.value.messages[0]
    assert _state(objection) == before


def test_partly_upheld_corrects_the_field_to_the_value_the_handler_sets(subject_user, record, reviewer):
    objection = objection_accept(
        actor=reviewer, objection=_file(subject_user, record, field="fine_total", claimed_value="1000")
    )
    before = _state(objection)
    for bad, text in (("", "请填写"), ("abc", "元"), ("5000", "记录已载明")):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
            objection_partly_uphold(
                actor=reviewer, objection=objection, reason="部分成立", corrected_value=bad
            )
        assert text in " ".join(exc.value.message_dict["corrected_value"])
        assert _state(objection) == before
    objection = objection_partly_uphold(
        actor=reviewer, objection=objection, reason="罚款应为3000元。", corrected_value="3000"
    )
    assert objection.status == ObjectionStatus.PARTLY_UPHELD and objection.corrected_value == "3000.00"
    assert objection.correction.fine_total == Decimal("3000.00")
    assert objection.correction.status == RecordStatus.EFFECTIVE


def test_a_correction_already_under_way_refuses_the_decision_and_changes_nothing(
    subject_user, record, reviewer
):
    objection = _file(subject_user, record, field="fine_total", claimed_value="3000")
    record_correction_start(
        actor=reviewer, record=record, data=penalty_input(content="更正"), reason="更正中"
    )
    before = _state(objection)
    with pytest.raises(ValidationError):
        objection_uphold(actor=reviewer, objection=objection, reason="成立")
    assert _state(objection) == before


def test_the_decide_entry_takes_the_outcome_and_refuses_an_unknown_one(subject_user, record, reviewer):
    objection = _file(subject_user, record, field="severity", claimed_value="轻微")
    before = _state(objection)
    with pytest.raises(ValidationError) as exc:
        objection_decide(actor=reviewer, objection=objection, outcome="maybe", reason="?")
    assert "outcome" in exc.value.message_dict and _state(objection) == before
    objection = objection_decide(
        actor=reviewer, objection=objection, outcome="rejected", reason="严重程度无误。"
    )
    assert objection.status == ObjectionStatus.REJECTED and objection.correction is None


def test_the_wrong_department_or_role_may_not_decide_and_nothing_changes(
    subject_user, record, clerk, credit_office_user, scjg_reviewer
):
    objection = _file(subject_user, record, field="fine_total", claimed_value="3000")
    before = _state(objection)
    for actor in (clerk, credit_office_user, scjg_reviewer, subject_user):
        with pytest.raises(PermissionDenied):
            objection_uphold(actor=actor, objection=objection, reason="成立")
        with pytest.raises(PermissionDenied):
            objection_material_request(actor=actor, objection=objection, reason="补充")
    assert _state(objection) == before


def test_a_grade_objection_upheld_needs_a_grade_of_the_scheme(subject_user, firm, record, credit_office_user):
    regrade_subjects(subject_ids=[firm.pk])
    grade = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    objection = objection_file(actor=subject_user, grade=grade, reasons="评价有误。")
    before = _state(objection)
    for bad in ("", "E", "a+"):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
            objection_uphold(
                actor=credit_office_user, objection=objection, reason="成立", corrected_grade=bad
            )
        assert "A+, A, B, C, C-, D, D-" in exc.value.message_dict["corrected_grade"][0]
        assert _state(objection) == before
    objection = objection_uphold(
        actor=credit_office_user, objection=objection, reason="成立", corrected_grade="B"
    )
    assert objection.corrected_grade == "B" and objection.record_action == RecordAction.REGRADED
    assert OutboxItem.objects.get(type=OutboxType.OBJECTION_DECIDED).payload["corrected_grade"] == "B"


# --- the clock ---------------------------------------------------------------------------------------


def _filed_on(user, record, day: date, **kwargs) -> Objection:
    return _file(user, record, today=day, **kwargs)


def test_a_request_for_material_on_the_eve_of_national_day_stops_the_clock_until_the_answer(
    subject_user, record, reviewer
):
    # The 2026 schedule (State Council notice; chinesecalendar 1.11.0): Mid-Autumn 09-25…09-27 off,
    # National Day 10-01…10-07 off, Thursday 10-08 and Friday 10-09 worked, Saturday 10-10 a make-up
    # working day, Sunday 10-11 off.
    # Filed Monday 2026-09-28: 5 working days = 09-29, 09-30, 10-08, 10-09, 10-10 → due 2026-10-10.
    objection = _filed_on(subject_user, record, date(2026, 9, 28), field="severity", claimed_value="轻微")
    assert objection.deadline == date(2026, 10, 10)
    # Material asked for on Wednesday 09-30, the working day before the holiday: the working days
    # after the request day up to the due date are 10-08, 10-09 and 10-10 — 3 are left.
    objection = objection_material_request(
        actor=reviewer, objection=objection, reason="请补充缴款凭证。", today=date(2026, 9, 30)
    )
    assert objection.status == ObjectionStatus.MATERIAL_REQUESTED and objection.paused
    assert objection.material_days_left == 3
    # The answer is due within 10 working days of 09-30: 10-08, 10-09, 10-10, 10-12 … 10-16, 10-19,
    # 10-20 → 2026-10-20.
    assert objection.material_due == date(2026, 10, 20)
    # The subject answers on Friday 10-09: 3 working days after it are 10-10 (make-up Saturday), 10-12
    # and 10-13 → the due date becomes 2026-10-13.
    objection = objection_answer(
        actor=subject_user,
        objection=objection,
        reason="补充缴款凭证。",
        files=[pdf("缴款凭证.pdf")],
        today=date(2026, 10, 9),
    )
    assert objection.status == ObjectionStatus.ACCEPTED and not objection.paused
    assert objection.deadline == date(2026, 10, 13)
    assert objection.material_answered_on == date(2026, 10, 9)
    assert objection.evidence.count() == 2
    assert list(objection.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "accepted",
        "material_requested",
        "accepted",
    ]
    events = set(Notification.objects.filter(objection=objection).values_list("event", flat=True))
    assert NoticeEvent.OBJECTION_MATERIAL_REQUESTED in events


def test_a_paused_objection_is_not_overdue(subject_user, record, reviewer):
    from objections.selectors import objections_visible_to

    objection = _filed_on(subject_user, record, date(2026, 9, 28))
    objection_material_request(actor=reviewer, objection=objection, reason="补充", today=date(2026, 9, 30))
    late = objections_visible_to(user=reviewer, today=date(2026, 10, 15)).get()
    assert late.paused and not late.overdue


def test_a_request_after_the_due_date_leaves_no_days_and_the_answer_makes_it_due_that_day(
    subject_user, record, reviewer
):
    objection = _filed_on(subject_user, record, date(2026, 6, 1))  # due Monday 06-08
    objection_material_request(actor=reviewer, objection=objection, reason="补充", today=date(2026, 6, 10))
    objection = objection_answer(
        actor=subject_user, objection=objection, reason="已补充", today=date(2026, 6, 11)
    )
    assert objection.material_days_left == 0 and objection.deadline == date(2026, 6, 11)


def test_material_is_asked_for_once_and_answered_only_by_the_subject_when_asked(
    subject_user, other_user, record, reviewer
):
    objection = _filed_on(subject_user, record, date(2026, 6, 1))
    with pytest.raises(ValidationError):  # nothing asked yet
        objection_answer(actor=subject_user, objection=objection, reason="材料")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        objection_material_request(actor=reviewer, objection=objection, reason=" ", today=date(2026, 6, 2))
    assert "reason" in exc.value.message_dict
    objection_material_request(actor=reviewer, objection=objection, reason="补充", today=date(2026, 6, 2))
    before = _state(objection)
    for actor in (other_user, reviewer):
        with pytest.raises(PermissionDenied):
            objection_answer(actor=actor, objection=objection, reason="材料", today=date(2026, 6, 3))
    assert _state(objection) == before
    objection_answer(actor=subject_user, objection=objection, reason="材料", today=date(2026, 6, 3))
    before = _state(objection)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        objection_material_request(
            actor=reviewer, objection=objection, reason="再补充", today=date(2026, 6, 4)
        )
    assert "只能" in exc.value.messages[0]
    assert _state(objection) == before
    with pytest.raises(ValidationError):  # the handler cannot decide while material is awaited …
        objection_answer(actor=subject_user, objection=objection, reason="再次", today=date(2026, 6, 4))


def test_no_decision_while_material_is_awaited(subject_user, record, reviewer):
    objection = _filed_on(subject_user, record, date(2026, 6, 1))
    objection_material_request(actor=reviewer, objection=objection, reason="补充", today=date(2026, 6, 2))
    before = _state(objection)
    with pytest.raises(ValidationError):
        objection_reject(actor=reviewer, objection=objection, reason="不成立")
    assert _state(objection) == before


def test_without_an_answer_for_10_working_days_the_objection_is_withdrawn_once(
    subject_user, record, reviewer
):
    objection = _filed_on(subject_user, record, date(2026, 9, 28), field="severity", claimed_value="轻微")
    objection_material_request(actor=reviewer, objection=objection, reason="补充", today=date(2026, 9, 30))
    # Answer due by 2026-10-20 (see above): on that day it still stands.
    assert objections_withdraw_due(today=date(2026, 10, 20)) == 0
    assert objections_withdraw_due(today=date(2026, 10, 21)) == 1
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.WITHDRAWN and not objection.is_open
    record.refresh_from_db()
    assert not record.under_objection and record.status == RecordStatus.EFFECTIVE
    item = OutboxItem.objects.get(type=OutboxType.OBJECTION_WITHDRAWN)
    assert (
        item.payload["status"] == "withdrawn"
        and item.idempotency_key == f"objection.withdrawn:{objection.pk}"
    )
    assert Notification.objects.filter(objection=objection, event=NoticeEvent.OBJECTION_WITHDRAWN).exists()
    assert AuditLog.objects.filter(action="objection.withdraw", target_id=str(objection.pk)).exists()
    # Idempotent: a second run (or the task by its name) withdraws nothing again.
    assert objections_withdraw_due(today=date(2026, 10, 22)) == 0
    assert withdraw_due.delay().get() == 0
    assert objection.transitions.count() == 4
    with pytest.raises(ValidationError):
        objection_answer(actor=subject_user, objection=objection, reason="迟到的材料")


def test_the_withdrawal_runs_daily_by_name():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["objections-withdraw-due"]
    assert entry["task"] == "objections.withdraw_due"
