import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditLog
from commitments.models import COMMITMENT_TRANSITIONS, Channel, Commitment, CommitmentStatus
from commitments.services import (
    commitment_breach,
    commitment_fulfil,
    commitment_sign,
    commitment_template_create,
    commitment_template_update,
)
from creditreg.workdays import add_working_days
from records.models import CreditRecord, RecordStatus
from records.services import record_approve

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 28)


def _sign(actor, template, **extra):
    return commitment_sign(actor=actor, template=template, today=TODAY, **extra)


def _breach(actor, commitment, **extra):
    values = {
        "document_number": "西发改诺〔2026〕1号",
        "decision_date": "2026-10-20",
        "reason": "逾期未补交材料",
    }
    values.update(extra)
    return commitment_breach(actor=actor, commitment=commitment, **values)


# --- templates ----------------------------------------------------------------------------------


def test_departments_maintain_their_templates(clerk, template, other_clerk, firm_user, credit_office_user):
    assert template.department.code == "fgw" and template.is_active
    for actor in (firm_user, credit_office_user):
        with pytest.raises(PermissionDenied):
            commitment_template_create(actor=actor, matter="x", title="x", text="x")
    with pytest.raises(PermissionDenied):
        commitment_template_update(
            actor=other_clerk,
            template=template,
            matter="x",
            title="x",
            text="x",
            materials_working_days=5,
            is_active=True,
        )
    with pytest.raises(ValidationError) as exc:
        commitment_template_create(actor=clerk, matter=" 企业投资项目备案 ", title="重复", text="x")
    assert "已有该事项" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        commitment_template_create(
            actor=clerk, matter="另一事项", title="t", text="", materials_working_days=0
        )
    assert "请填写承诺内容" in str(exc.value)
    assert AuditLog.objects.filter(action="commitment.template_create").count() == 1


def test_a_changed_template_does_not_change_what_was_signed(clerk, template, firm_user):
    signed = _sign(firm_user, template)
    commitment_template_update(
        actor=clerk,
        template=template,
        matter=template.matter,
        title="新标题",
        text="新的承诺内容",
        materials_working_days=5,
        is_active=False,
    )
    signed.refresh_from_db()
    assert signed.text.startswith("本单位承诺") and signed.matter == "企业投资项目备案"
    with pytest.raises(ValidationError) as exc:
        _sign(firm_user, template)
    assert "已停用" in str(exc.value)


# --- signing ------------------------------------------------------------------------------------


def test_a_subject_signs_online_with_a_deadline_for_missing_materials(template, firm, firm_user):
    commitment = _sign(firm_user, template, missing_materials="环评批复")
    assert commitment.channel == Channel.ONLINE and commitment.subject == firm
    assert commitment.department_id == template.department_id and commitment.status == CommitmentStatus.SIGNED
    # the template's 10 working days: Sep 29–30, (Oct 1–7 off) Oct 8–9, the make-up Saturday Oct 10,
    # then Oct 12–16
    assert commitment.materials_due == add_working_days(TODAY, 10) == datetime.date(2026, 10, 16)
    assert commitment.transitions.get().to_status == "signed"
    explicit = _sign(firm_user, template, missing_materials="规划许可", materials_due="2026-12-01")
    assert explicit.materials_due == datetime.date(2026, 12, 1)
    assert _sign(firm_user, template).materials_due is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"missing_materials": "环评", "materials_due": "2026-09-28"}, "必须晚于今天"),
        ({"missing_materials": "环评", "materials_due": "明天"}, "不是有效日期"),
        ({"materials_due": "2026-12-01"}, "只有存在容缺材料"),
    ],
)
def test_bad_signing_input_is_refused(template, firm_user, extra, message):
    with pytest.raises(ValidationError) as exc:
        _sign(firm_user, template, **extra)
    assert message in str(exc.value)
    assert not Commitment.objects.exists()


def test_paper_commitments_are_registered_by_the_templates_department(
    template, clerk, other_clerk, firm, other_firm, firm_user
):
    paper = _sign(clerk, template, subject=firm)
    assert paper.channel == Channel.PAPER and paper.signed_by == clerk
    with pytest.raises(ValidationError):
        _sign(clerk, template)
    with pytest.raises(PermissionDenied):
        _sign(other_clerk, template, subject=firm)
    with pytest.raises(PermissionDenied):
        _sign(firm_user, template, subject=other_firm)
    assert Commitment.objects.count() == 1


# --- outcome ------------------------------------------------------------------------------------


def test_the_department_records_fulfilment(template, clerk, firm_user):
    commitment = commitment_fulfil(actor=clerk, commitment=_sign(firm_user, template), note="材料已补齐")
    assert commitment.status == CommitmentStatus.FULFILLED and commitment.decided_by == clerk
    assert [t.to_status for t in commitment.transitions.all()] == ["signed", "fulfilled"]
    assert AuditLog.objects.filter(action="commitment.fulfil", target_id=str(commitment.pk)).exists()


def test_a_breach_becomes_a_record_through_intake_and_four_eyes(template, clerk, reviewer, firm, firm_user):
    commitment = _breach(clerk, _sign(firm_user, template))
    record = commitment.breach_record
    assert commitment.status == CommitmentStatus.BREACHED
    assert record.kind.code == "commitment_breach" and record.kind.name == "违反信用承诺"
    assert record.subject == firm and record.department_id == template.department_id
    assert record.status == RecordStatus.SUBMITTED and record.severity == "general"
    assert record.matter == "违反信用承诺：企业投资项目备案" and record.content == "逾期未补交材料"
    with pytest.raises(PermissionDenied):
        record_approve(actor=clerk, record=record)  # nobody approves their own entry
    assert record_approve(actor=reviewer, record=record).status == RecordStatus.EFFECTIVE


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"document_number": " "}, "请填写决定文书号"),
        ({"decision_date": "2099-01-01"}, "在将来"),
        ({"reason": ""}, "请填写违诺事实"),
    ],
)
def test_a_bad_breach_changes_nothing(template, clerk, firm_user, extra, message):
    commitment = _sign(firm_user, template)
    with pytest.raises(ValidationError) as exc:
        _breach(clerk, commitment, **extra)
    assert message in " ".join(exc.value.messages)
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.SIGNED and commitment.breach_record is None
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize("who", ["other_clerk", "firm_user", "credit_office_user"])
def test_only_the_department_records_the_outcome(request, template, firm_user, who):
    commitment = _sign(firm_user, template)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        commitment_fulfil(actor=actor, commitment=commitment)
    with pytest.raises(PermissionDenied):
        _breach(actor, commitment)
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.SIGNED


def test_the_commitment_transition_map():
    assert COMMITMENT_TRANSITIONS == {"signed": ("fulfilled", "breached"), "fulfilled": (), "breached": ()}


@pytest.mark.parametrize("start", ["fulfilled", "breached"])
@pytest.mark.parametrize("target", ["fulfilled", "breached"])
def test_illegal_commitment_transitions_are_refused_and_change_nothing(
    template, clerk, firm_user, start, target
):
    commitment = _sign(firm_user, template)
    commitment = (
        commitment_fulfil(actor=clerk, commitment=commitment)
        if start == "fulfilled"
        else _breach(clerk, commitment)
    )
    rows, records, audits = (
        commitment.transitions.count(),
        CreditRecord.objects.count(),
        AuditLog.objects.count(),
    )
    with pytest.raises(ValidationError) as exc:
        if target == "fulfilled":
            commitment_fulfil(actor=clerk, commitment=commitment)
        else:
            _breach(clerk, commitment, document_number="另一文书号")
    assert "的承诺不能" in str(exc.value)
    commitment.refresh_from_db()
    assert commitment.status == start and commitment.transitions.count() == rows
    assert CreditRecord.objects.count() == records and AuditLog.objects.count() == audits
