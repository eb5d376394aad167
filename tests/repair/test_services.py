import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditLog
from exchange.models import OutboxItem, OutboxType
from grading.selectors import grades_in_force
from records.models import RecordStatus
from records.selectors import records_published
from records.services import record_revoke
from repair.eligibility import repair_eligibility, repair_eligible_from
from repair.models import (
    TRANSITIONS,
    RepairApplication,
    RepairChannel,
    RepairProof,
    RepairStatus,
    RepairTransition,
)
from repair.services import (
    repair_accept,
    repair_apply,
    repair_approve,
    repair_refuse,
    repair_withdraw,
)

from .conftest import commitment_proof, effective_record, pdf

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def _apply(actor, record, **extra):
    values = {"statement": "已全额缴纳罚款并完成整改。", "proofs": commitment_proof(), "today": TODAY}
    values.update(extra)
    return repair_apply(actor=actor, record=record, **values)


# --- eligibility (SPEC §3.4) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "decided", "first_day"),
    [
        # minor: as soon as the obligations are fulfilled, i.e. from the decision itself
        ("minor", datetime.date(2026, 3, 2), datetime.date(2026, 3, 2)),
        # general: the 3-month minimum ends on the corresponding day; repair from the day after
        ("general", datetime.date(2026, 3, 2), datetime.date(2026, 6, 3)),
        ("general", datetime.date(2025, 11, 30), datetime.date(2026, 3, 1)),  # Feb has no 30th
        # serious: one year
        ("serious", datetime.date(2025, 3, 2), datetime.date(2026, 3, 3)),
        ("serious", datetime.date(2024, 2, 29), datetime.date(2025, 3, 1)),
    ],
)
def test_repair_may_be_applied_for_after_the_minimum_period_of_its_severity(
    clerk, reviewer, firm, severity, decided, first_day
):
    record = effective_record(clerk, reviewer, firm, severity=severity, decision_date=decided)
    assert record.severity == severity
    assert repair_eligible_from(record=record) == first_day
    assert repair_eligibility(record=record, today=first_day).eligible
    if first_day > decided:
        day_before = first_day - datetime.timedelta(days=1)
        refused = repair_eligibility(record=record, today=day_before)
        assert not refused.eligible and refused.eligible_from == first_day
        assert first_day.isoformat() in refused.message


def test_records_that_cannot_be_repaired_say_why(clerk, reviewer, firm):
    from records.services import record_create
    from records.validation import RecordInput

    commendation = record_create(
        actor=clerk,
        subject=firm,
        data=RecordInput(
            kind="表彰奖励", document_number="表彰1号", decision_date="2026-01-05", matter="表彰"
        ),
    )
    assert repair_eligible_from(record=commendation) is None
    assert "只有失信信息" in repair_eligibility(record=commendation).message
    draft = record_create(
        actor=clerk,
        subject=firm,
        data=RecordInput(kind="警告", document_number="警告1号", decision_date="2026-01-05", matter="警告"),
    )
    assert "只有生效中的记录" in repair_eligibility(record=draft, today=TODAY).message
    record = effective_record(clerk, reviewer, firm, severity="minor")
    assert "正在办理" in repair_eligibility(record=record, has_open_application=True, today=TODAY).message


def test_a_record_is_refused_before_its_date_and_nothing_is_written(clerk, reviewer, firm, firm_user):
    record = effective_record(
        clerk, reviewer, firm, severity="serious", decision_date=datetime.date(2026, 3, 2)
    )
    with pytest.raises(ValidationError) as exc:
        _apply(firm_user, record)
    assert "2027-03-03" in str(exc.value)
    assert not RepairApplication.objects.exists() and not RepairProof.objects.exists()


# --- filing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        # two working days across the National Day week (Oct 1–7 off): Oct 8 and Oct 9
        (datetime.date(2026, 9, 30), datetime.date(2026, 10, 9)),
        # across the Spring Festival (Feb 15–23 off) after a make-up working Saturday (Feb 14)
        (datetime.date(2026, 2, 13), datetime.date(2026, 2, 24)),
    ],
)
def test_a_subject_user_applies_online_with_proof(clerk, reviewer, firm, firm_user, filed, due):
    record = effective_record(clerk, reviewer, firm, decision_date=datetime.date(2025, 10, 1))
    application = _apply(
        firm_user, record, proofs=[("commitment", pdf()), ("training", pdf("培训证明.pdf"))], today=filed
    )
    assert application.status == RepairStatus.SUBMITTED and application.channel == RepairChannel.ONLINE
    assert application.department_id == record.department_id and application.subject_id == firm.pk
    assert application.due_on == due
    assert sorted(application.proofs.values_list("kind", flat=True)) == ["commitment", "training"]
    assert application.transitions.get().to_status == RepairStatus.SUBMITTED
    assert AuditLog.objects.filter(action="repair.apply", target_id=str(application.pk)).exists()


def test_a_clerk_of_the_determining_department_registers_a_paper_application(clerk, reviewer, firm):
    record = effective_record(clerk, reviewer, firm)
    application = _apply(clerk, record)
    assert application.channel == RepairChannel.PAPER and application.submitted_by == clerk


@pytest.mark.parametrize("who", ["other_firm_user", "other_clerk", "credit_office_user"])
def test_nobody_else_files_an_application(request, clerk, reviewer, firm, who):
    record = effective_record(clerk, reviewer, firm)
    with pytest.raises(PermissionDenied):
        _apply(request.getfixturevalue(who), record)
    assert not RepairApplication.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"statement": "  "}, "请说明"),
        ({"proofs": []}, "至少上传一份"),
        ({"proofs": [("training", pdf())]}, "信用承诺书"),
        ({"proofs": [("commitment", SimpleUploadedFile("a.exe", b"MZ..."))]}, "只能是以下类型"),
        ({"proofs": [("commitment", SimpleUploadedFile("a.pdf", b"not a pdf"))]}, "不是真正的"),
        ({"proofs": [("bribe", pdf())]}, "未知的证明材料类别"),
    ],
)
def test_bad_applications_are_refused_with_a_message(clerk, reviewer, firm, firm_user, extra, message):
    record = effective_record(clerk, reviewer, firm)
    with pytest.raises(ValidationError) as exc:
        _apply(firm_user, record, **extra)
    assert message in " ".join(exc.value.messages)
    assert not RepairApplication.objects.exists() and not RepairProof.objects.exists()


def test_one_open_application_per_record(clerk, reviewer, firm, firm_user):
    record = effective_record(clerk, reviewer, firm)
    first = _apply(firm_user, record)
    with pytest.raises(ValidationError) as exc:
        _apply(firm_user, record)
    assert "正在办理" in str(exc.value)
    repair_withdraw(actor=firm_user, application=first)
    assert _apply(firm_user, record).pk != first.pk


# --- deciding -----------------------------------------------------------------------------------


def test_approval_repairs_the_record_regrades_and_tells_the_platform(
    clerk, reviewer, firm, firm_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = effective_record(clerk, reviewer, firm, decision_date=datetime.date(2026, 6, 1))
    before = {g.scheme.code: g.grade for g in grades_in_force(subject_ids=[firm.pk])}
    assert before["public"].startswith("C")
    application = _apply(firm_user, record)
    application = repair_accept(actor=reviewer, application=application, today=datetime.date(2026, 2, 13))
    # the decision is due five working days after acceptance: Feb 14 (a make-up Saturday), then after
    # the Spring Festival holiday Feb 24–27
    assert application.status == RepairStatus.ACCEPTED and application.due_on == datetime.date(2026, 2, 27)
    with django_capture_on_commit_callbacks(execute=True):
        application = repair_approve(actor=reviewer, application=application, reason="整改到位")
    record.refresh_from_db()
    assert application.status == RepairStatus.APPROVED and application.decided_by == reviewer
    assert record.status == RecordStatus.REPAIRED
    assert record.transitions.last().reason == "整改到位"
    after = {g.scheme.code: g.grade for g in grades_in_force(subject_ids=[firm.pk])}
    assert after["public"] == "A"
    item = OutboxItem.objects.get(type=OutboxType.REPAIR_DECIDED)
    assert item.idempotency_key == f"repair.decided:{application.pk}"
    assert item.payload["subject_code"] == firm.code and item.payload["status"] == "approved"
    assert item.payload["document_number"] == record.document_number
    assert [t.to_status for t in application.transitions.all()] == ["submitted", "accepted", "approved"]
    assert AuditLog.objects.filter(action="repair.approve", target_id=str(application.pk)).exists()


@pytest.mark.parametrize("accepted_first", [False, True])
def test_refusal_needs_reasons_which_the_subject_gets(clerk, reviewer, firm, firm_user, accepted_first):
    record = effective_record(clerk, reviewer, firm)
    application = _apply(firm_user, record)
    if accepted_first:
        application = repair_accept(actor=reviewer, application=application)
    with pytest.raises(ValidationError) as exc:
        repair_refuse(actor=reviewer, application=application, reason=" ")
    assert "请说明理由" in str(exc.value)
    application.refresh_from_db()
    assert application.status in (RepairStatus.SUBMITTED, RepairStatus.ACCEPTED)
    application = repair_refuse(actor=reviewer, application=application, reason="未提交整改报告")
    record.refresh_from_db()
    assert application.status == RepairStatus.REFUSED and application.decision_reason == "未提交整改报告"
    assert record.status == RecordStatus.EFFECTIVE
    assert OutboxItem.objects.get(type=OutboxType.REPAIR_DECIDED).payload["reason"] == "未提交整改报告"


@pytest.mark.parametrize("who", ["clerk", "scjg_reviewer", "credit_office_user", "firm_user"])
def test_only_a_reviewer_of_the_determining_department_decides(
    request, clerk, reviewer, firm, firm_user, who
):
    record = effective_record(clerk, reviewer, firm)
    application = _apply(firm_user, record)
    actor = request.getfixturevalue(who)
    for call in (
        lambda: repair_accept(actor=actor, application=application),
        lambda: repair_refuse(actor=actor, application=application, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    application.refresh_from_db()
    assert application.status == RepairStatus.SUBMITTED and application.transitions.count() == 1


def test_only_the_applicant_withdraws(clerk, reviewer, firm, firm_user, other_firm_user):
    record = effective_record(clerk, reviewer, firm)
    application = _apply(firm_user, record)
    for actor in (other_firm_user, reviewer):
        with pytest.raises(PermissionDenied):
            repair_withdraw(actor=actor, application=application)
    assert repair_withdraw(actor=firm_user, application=application).status == RepairStatus.WITHDRAWN


def test_a_paper_application_is_withdrawn_by_its_department(clerk, reviewer, firm):
    record = effective_record(clerk, reviewer, firm)
    application = _apply(clerk, record)
    assert repair_withdraw(actor=clerk, application=application, reason="申请人撤回").status == "withdrawn"


def _to_status(status, *, firm_user, reviewer, record):
    application = _apply(firm_user, record)
    if status == RepairStatus.SUBMITTED:
        return application
    if status == RepairStatus.WITHDRAWN:
        return repair_withdraw(actor=firm_user, application=application)
    if status == RepairStatus.REFUSED:
        return repair_refuse(actor=reviewer, application=application, reason="材料不全")
    application = repair_accept(actor=reviewer, application=application)
    if status == RepairStatus.APPROVED:
        return repair_approve(actor=reviewer, application=application)
    return application


ACTIONS = {
    RepairStatus.ACCEPTED: lambda app, reviewer, subject_user: repair_accept(actor=reviewer, application=app),
    RepairStatus.APPROVED: lambda app, reviewer, subject_user: repair_approve(
        actor=reviewer, application=app
    ),
    RepairStatus.REFUSED: lambda app, reviewer, subject_user: repair_refuse(
        actor=reviewer, application=app, reason="理由"
    ),
    RepairStatus.WITHDRAWN: lambda app, reviewer, subject_user: repair_withdraw(
        actor=subject_user, application=app
    ),
}
ILLEGAL = [
    (start, target) for start in RepairStatus.values for target in ACTIONS if target not in TRANSITIONS[start]
]


def test_the_transition_map_is_what_the_workflow_says():
    assert TRANSITIONS == {
        "submitted": ("accepted", "refused", "withdrawn"),
        "accepted": ("approved", "refused", "withdrawn"),
        "approved": (),
        "refused": (),
        "withdrawn": (),
    }
    assert len(ILLEGAL) == 14


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_illegal_transitions_are_refused_clearly_and_change_nothing(
    clerk, reviewer, firm, firm_user, start, target
):
    record = effective_record(clerk, reviewer, firm)
    application = _to_status(start, firm_user=firm_user, reviewer=reviewer, record=record)
    rows, audits, outbox = (
        application.transitions.count(),
        AuditLog.objects.count(),
        OutboxItem.objects.count(),
    )
    record_status = type(record).objects.get(pk=record.pk).status
    with pytest.raises(ValidationError) as exc:
        ACTIONS[target](application, reviewer, firm_user)
    assert "的申请不能" in str(exc.value)
    fresh = RepairApplication.objects.get(pk=application.pk)
    assert fresh.status == start and fresh.transitions.count() == rows
    assert AuditLog.objects.count() == audits and OutboxItem.objects.count() == outbox
    assert type(record).objects.get(pk=record.pk).status == record_status


def test_approval_is_refused_when_the_record_left_force_meanwhile(clerk, reviewer, firm, firm_user):
    record = effective_record(clerk, reviewer, firm)
    application = repair_accept(actor=reviewer, application=_apply(firm_user, record))
    record_revoke(actor=reviewer, record=record, reason="异议成立")
    with pytest.raises(ValidationError) as exc:
        repair_approve(actor=reviewer, application=application)
    assert "已撤销" in str(exc.value)
    application.refresh_from_db()
    assert application.status == RepairStatus.ACCEPTED
    assert not OutboxItem.objects.filter(type=OutboxType.REPAIR_DECIDED).exists()
    assert RepairTransition.objects.filter(application=application).count() == 2


def test_repairing_a_listing_record_ends_the_list_membership(
    credit_office_user, firm, firm_user, django_capture_on_commit_callbacks
):
    from accounts.models import Role
    from measures.models import ListType
    from measures.selectors import list_entries_in_force
    from measures.services import list_entry_add
    from tests.factories import make_user

    listed_on = datetime.date(2025, 6, 3)
    with django_capture_on_commit_callbacks(execute=True):
        entry = list_entry_add(
            actor=credit_office_user,
            list_type=ListType.BLACK,
            subject=firm,
            reason="拒不履行法院判决",
            authority="西峡县人民法院",
            listed_on=listed_on,
        )
    record = entry.record
    assert record.kind.code == "joint_punishment_list" and record.department.code == "xyb"
    # whoever determines, repairs: a reviewer of the department the listing record belongs to
    office_reviewer = make_user(Role.REVIEWER, "xyb", username="xyb-reviewer")
    application = repair_accept(actor=office_reviewer, application=_apply(firm_user, record))
    with django_capture_on_commit_callbacks(execute=True):
        application = repair_approve(actor=office_reviewer, application=application, reason="已履行判决")
    assert application.status == RepairStatus.APPROVED
    entry.refresh_from_db()
    assert entry.removed_on == timezone.localdate() and "已履行判决" in entry.removal_reason
    assert not list_entries_in_force(subject_ids=[firm.pk]).exists()
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED and record.transitions.last().reason == "已履行判决"
    assert not records_published().filter(pk=record.pk).exists()
    types = set(OutboxItem.objects.values_list("type", flat=True))
    assert {OutboxType.LIST_ENTRY, OutboxType.REPAIR_DECIDED} <= types
    assert AuditLog.objects.filter(action="repair.list_entries_end", target_id=str(application.pk)).exists()


def test_an_ordinary_record_leaves_other_listings_alone(clerk, reviewer, credit_office_user, firm, firm_user):
    from measures.models import ListType
    from measures.selectors import list_entries_in_force
    from measures.services import list_entry_add

    list_entry_add(
        actor=credit_office_user,
        list_type=ListType.BLACK,
        subject=firm,
        reason="另案",
        authority="县法院",
        listed_on=datetime.date(2026, 1, 5),
    )
    record = effective_record(clerk, reviewer, firm)
    application = repair_accept(actor=reviewer, application=_apply(firm_user, record))
    repair_approve(actor=reviewer, application=application)
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED
    assert list_entries_in_force(subject_ids=[firm.pk]).count() == 1


def test_an_accepted_application_can_still_be_withdrawn(clerk, reviewer, firm, firm_user):
    application = repair_accept(
        actor=reviewer, application=_apply(firm_user, effective_record(clerk, reviewer, firm))
    )
    application = repair_withdraw(actor=firm_user, application=application, reason="暂不申请")
    assert application.status == RepairStatus.WITHDRAWN
    assert [t.to_status for t in application.transitions.all()] == ["submitted", "accepted", "withdrawn"]
    assert application.record.status == RecordStatus.EFFECTIVE
