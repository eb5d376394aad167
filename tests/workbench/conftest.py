"""A subject whose credit file holds something of every section, entered by two departments through
the real services: records in every status, a complaint with its complainant, a correction, grades in
force of the county and a department scheme, list memberships in force and past, commitments kept and
broken, a refused repair application, a registered reminder and an interview."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from commitments.services import (
    commitment_breach,
    commitment_fulfil,
    commitment_sign,
    commitment_template_create,
)
from grading.services import regrade_subjects
from measures.services import list_entry_add, list_entry_remove
from records.models import RecordStatus
from records.services import (
    record_approve,
    record_correct_by_decision,
    record_create,
    record_return,
    record_revoke,
    record_submit,
)
from reminders.models import Reminder, ReminderStatus
from reminders.services import PersonInput, reminder_register
from repair.services import repair_accept, repair_apply, repair_refuse
from tests.factories import make_company, make_resident_id, make_user
from tests.records.conftest import penalty_input
from tests.records.test_api import complaint_input

COMPLAINANT = ("举报人保密乙", "13712345679")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def scjg_reviewer(db):
    return make_user(Role.REVIEWER, "scjg", username="scjg-reviewer")


@pytest.fixture
def make_effective(django_capture_on_commit_callbacks):
    """An effective record through the four-eyes intake; the after-commit hooks run (regrade,
    reminders falling due)."""

    def make(clerk, reviewer, subject, data):
        with django_capture_on_commit_callbacks(execute=True):
            record = record_create(actor=clerk, subject=subject, data=data)
            record_submit(actor=clerk, record=record)
            return record_approve(actor=reviewer, record=record)

    return make


@pytest.fixture
def file_world(
    clerk,
    reviewer,
    other_clerk,
    scjg_reviewer,
    credit_office_user,
    make_effective,
    django_capture_on_commit_callbacks,
):
    rep_number = make_resident_id("19740505")
    firm = make_company("西峡县档案测试有限公司", rep=(rep_number, "郑法人"))
    recent = days_ago(20)

    def penalty(number, **overrides):
        return penalty_input(document_number=number, decision_date=recent, **overrides)

    effective = make_effective(clerk, reviewer, firm, penalty("西发改罚〔2026〕11号"))
    serious = make_effective(
        clerk,
        reviewer,
        firm,
        penalty("西发改罚〔2026〕12号", kind="严重失信认定", sanctions=[], matter="拒不履行法定义务"),
    )
    minor = make_effective(
        clerk,
        reviewer,
        firm,
        penalty("西发改罚〔2026〕13号", kind="警告", sanctions=[], matter="未按规定备案"),
    )
    scjg = make_effective(other_clerk, scjg_reviewer, firm, penalty("西市监罚〔2026〕1号", matter="虚假宣传"))
    complaint = make_effective(
        clerk,
        reviewer,
        firm,
        complaint_input(
            document_number="西发改投〔2026〕21号",
            decision_date=recent,
            complainant_name=COMPLAINANT[0],
            complainant_contact=COMPLAINANT[1],
        ),
    )
    revoked = make_effective(clerk, reviewer, firm, penalty("西发改罚〔2026〕14号", matter="撤销的事项"))
    with django_capture_on_commit_callbacks(execute=True):
        record_revoke(actor=reviewer, record=revoked, reason="异议成立")
    corrected = make_effective(clerk, reviewer, firm, penalty("西发改罚〔2026〕15号", matter="更正前事项"))
    with django_capture_on_commit_callbacks(execute=True):
        correction = record_correct_by_decision(
            actor=reviewer,
            record=corrected,
            data=penalty("西发改罚〔2026〕15号", matter="更正后事项"),
            reason="事项有误",
            decision="异议 YY-2026-000001",
        )

    # Another department's work in progress, never in the file.
    draft = record_create(actor=clerk, subject=firm, data=penalty("西发改罚〔2026〕91号", matter="草稿事项"))
    submitted = record_create(actor=clerk, subject=firm, data=penalty("西发改罚〔2026〕92号"))
    record_submit(actor=clerk, record=submitted)
    returned = record_create(actor=clerk, subject=firm, data=penalty("西发改罚〔2026〕93号"))
    record_submit(actor=clerk, record=returned)
    record_return(actor=reviewer, record=returned, reason="材料不全")
    draft_complaint = record_create(
        actor=clerk,
        subject=firm,
        data=complaint_input(
            document_number="西发改投〔2026〕94号",
            complainant_name="草稿举报人丙",
            complainant_contact="13700000001",
        ),
    )

    # Lists: one listing past, one in force (each enters its record, effective).
    with django_capture_on_commit_callbacks(execute=True):
        past = list_entry_add(
            actor=credit_office_user,
            list_type="black",
            subject=firm,
            reason="拖欠农民工工资",
            authority="西峡县人力资源和社会保障局",
            listed_on=days_ago(60),
        )
        list_entry_remove(actor=credit_office_user, entry=past, removed_on=days_ago(30), reason="已整改")
        in_force = list_entry_add(
            actor=credit_office_user,
            list_type="black",
            subject=firm,
            reason="拒不履行法院判决",
            authority="西峡县人民法院",
            listed_on=days_ago(5),
        )

    # Commitments: one kept, one broken (its breach record awaits the department's review).
    template = commitment_template_create(
        actor=clerk, matter="建筑工程施工许可", title="信用承诺书", text="本单位承诺……"
    )
    kept = commitment_sign(actor=clerk, template=template, subject=firm)
    commitment_fulfil(actor=clerk, commitment=kept, note="材料已按期补齐")
    broken = commitment_sign(actor=clerk, template=template, subject=firm, missing_materials="安全生产许可证")
    commitment_breach(
        actor=clerk,
        commitment=broken,
        document_number="西发改承〔2026〕31号",
        decision_date=recent,
        reason="未按期补齐材料",
    )

    # A repair application, refused.
    application = repair_apply(
        actor=clerk,
        record=minor,
        statement="已整改。",
        proofs=[("commitment", SimpleUploadedFile("承诺.pdf", PDF, content_type="application/pdf"))],
    )
    repair_accept(actor=reviewer, application=application)
    repair_refuse(actor=reviewer, application=application, reason="整改材料不足以证明已纠正")

    # Reminders and interviews of the department that determined the records (004 §6(2)).
    held = timezone.now() - datetime.timedelta(hours=3)
    reminder = Reminder.objects.get(record=effective, status=ReminderStatus.DUE)
    reminder_register(
        actor=reviewer,
        reminder=reminder,
        method="written",
        held_at=held,
        content="书面提醒其依法明码标价。",
        persons=[PersonInput("赵经理", "principal", "总经理")],
    )
    interview = reminder_register(
        actor=reviewer,
        reminder=Reminder.objects.get(record=serious, status=ReminderStatus.DUE),
        method="interview",
        interview_type="warning",
        held_at=held,
        place="县发改委三楼会议室",
        content="指出失信行为，督促其限期整改。",
        persons=[PersonInput("孙总", "principal", "董事长"), PersonInput("李工", "responsible", "项目经理")],
        rectification_deadline=timezone.localdate() + datetime.timedelta(days=30),
    )

    regrade_subjects(subject_ids=[firm.pk])
    for obj in (draft, submitted, returned, draft_complaint, broken, corrected):
        obj.refresh_from_db()
    assert (draft.status, submitted.status, returned.status, corrected.status) == (
        RecordStatus.DRAFT,
        RecordStatus.SUBMITTED,
        RecordStatus.RETURNED,
        RecordStatus.CORRECTED,
    )
    return {
        "firm": firm,
        "rep_number": rep_number,
        "effective": effective,
        "serious": serious,
        "minor": minor,
        "scjg": scjg,
        "complaint": complaint,
        "revoked": revoked,
        "corrected": corrected,
        "correction": correction,
        "draft": draft,
        "submitted": submitted,
        "returned": returned,
        "draft_complaint": draft_complaint,
        "past_listing": past,
        "listing": in_force,
        "kept": kept,
        "broken": broken,
        "application": application,
        "interview": interview,
    }
