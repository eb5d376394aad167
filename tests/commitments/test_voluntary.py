import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Department
from audit.models import AuditLog
from commitments.models import VOLUNTARY_TRANSITIONS, VoluntaryEntry, VoluntaryStatus
from commitments.services import (
    voluntary_register,
    voluntary_reject,
    voluntary_verify,
    voluntary_withdraw,
)
from records.models import CreditRecord, Polarity, RecordKind, RecordStatus
from records.services import record_approve

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _register(actor, **extra):
    values = {
        "department": Department.objects.get(code="fgw"),
        "category": "public_interest",
        "title": "2026年抗洪救灾捐赠",
        "issuer": "西峡县慈善总会",
        "reference": "捐赠证书2026-018",
        "truthful": True,
        "files": [SimpleUploadedFile("捐赠证书.pdf", PDF)],
    }
    values.update(extra)
    return voluntary_register(actor=actor, **values)


def test_a_subject_registers_with_a_truthfulness_commitment(firm, firm_user):
    entry = _register(firm_user)
    assert entry.subject == firm and entry.status == VoluntaryStatus.SUBMITTED
    assert "真实" in entry.truthfulness_commitment
    assert entry.files.get().original_name == "捐赠证书.pdf"
    assert AuditLog.objects.filter(action="voluntary.register", target_id=str(entry.pk)).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"truthful": False}, "真实性承诺"),
        ({"category": "bribe"}, "请选择信息类别"),
        ({"department": None}, "请选择核实信息的部门"),
        ({"title": "  "}, "请填写名称"),
        ({"valid_from": "2026-05-01", "valid_until": "2026-01-01"}, "早于起始日"),
        ({"files": [SimpleUploadedFile("x.exe", b"MZ")]}, "只能是以下类型"),
    ],
)
def test_bad_registrations_are_refused(firm_user, extra, message):
    with pytest.raises(ValidationError) as exc:
        _register(firm_user, **extra)
    assert message in " ".join(exc.value.messages)
    assert not VoluntaryEntry.objects.exists()


def test_only_verified_subject_users_register(clerk, credit_office_user):
    from accounts.models import Role
    from tests.factories import make_user

    unlinked = make_user(Role.SUBJECT, None, username="not-yet-verified")
    for actor in (clerk, credit_office_user, unlinked):
        with pytest.raises(PermissionDenied):
            _register(actor)


def test_verification_creates_a_positive_record_through_intake(firm, firm_user, reviewer, other_reviewer):
    entry = voluntary_verify(actor=reviewer, entry=_register(firm_user), note="与原件一致")
    assert entry.status == VoluntaryStatus.VERIFIED and entry.decided_by == reviewer
    record = entry.positive_record
    assert record.kind.code == "voluntary_registration" and record.kind.polarity == Polarity.POSITIVE
    assert (
        record.status == RecordStatus.SUBMITTED and record.subject == firm and record.department.code == "fgw"
    )
    assert record.matter == "社会公益：2026年抗洪救灾捐赠"
    assert record_approve(actor=other_reviewer, record=record).status == RecordStatus.EFFECTIVE


def test_the_positive_kind_is_configurable_and_can_be_switched_off(settings, firm_user, reviewer):
    settings.VOLUNTARY_POSITIVE_RECORD_KINDS = {"public_interest": "commendation", "certificate": ""}
    entry = voluntary_verify(actor=reviewer, entry=_register(firm_user))
    assert entry.positive_record.kind.code == "commendation"
    entry = voluntary_verify(
        actor=reviewer, entry=_register(firm_user, category="certificate", title="ISO9001")
    )
    assert entry.positive_record is None and entry.status == VoluntaryStatus.VERIFIED


def test_the_kind_is_reference_data_that_no_default_scheme_weighs():
    from grading.models import Scheme

    kind = RecordKind.objects.get(code="voluntary_registration")
    assert kind.name == "自愿注册信息" and kind.polarity == Polarity.POSITIVE
    for scheme in Scheme.objects.filter(code__in=["public", "abc"]):
        for version in scheme.versions.all():  # the county's and every department's own
            assert "voluntary_registration" not in str(version.rules)


def test_rejection_needs_reasons(firm_user, reviewer):
    entry = _register(firm_user)
    with pytest.raises(ValidationError) as exc:
        voluntary_reject(actor=reviewer, entry=entry, reason="")
    assert "请填写理由" in " ".join(exc.value.messages)
    entry = voluntary_reject(actor=reviewer, entry=entry, reason="证书编号查无此证")
    assert entry.status == VoluntaryStatus.REJECTED and entry.decision_reason == "证书编号查无此证"
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "scjg_reviewer", "credit_office_user", "firm_user"])
def test_only_a_reviewer_of_the_named_department_verifies(request, firm_user, who):
    entry = _register(firm_user)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        voluntary_verify(actor=actor, entry=entry)
    with pytest.raises(PermissionDenied):
        voluntary_reject(actor=actor, entry=entry, reason="x")
    entry.refresh_from_db()
    assert entry.status == VoluntaryStatus.SUBMITTED


def test_only_the_subject_withdraws(firm_user, other_firm_user, reviewer):
    entry = _register(firm_user)
    for actor in (other_firm_user, reviewer):
        with pytest.raises(PermissionDenied):
            voluntary_withdraw(actor=actor, entry=entry)
    assert voluntary_withdraw(actor=firm_user, entry=entry).status == VoluntaryStatus.WITHDRAWN


def test_the_voluntary_transition_map():
    assert VOLUNTARY_TRANSITIONS == {
        "submitted": ("verified", "rejected", "withdrawn"),
        "verified": (),
        "rejected": (),
        "withdrawn": (),
    }


CALLS = {
    "verified": lambda entry, reviewer, subject_user: voluntary_verify(actor=reviewer, entry=entry),
    "rejected": lambda entry, reviewer, subject_user: voluntary_reject(
        actor=reviewer, entry=entry, reason="理由"
    ),
    "withdrawn": lambda entry, reviewer, subject_user: voluntary_withdraw(actor=subject_user, entry=entry),
}


@pytest.mark.parametrize("start", ["verified", "rejected", "withdrawn"])
@pytest.mark.parametrize("target", ["verified", "rejected", "withdrawn"])
def test_illegal_voluntary_transitions_are_refused_and_change_nothing(firm_user, reviewer, start, target):
    entry = CALLS[start](_register(firm_user), reviewer, firm_user)
    rows, records, audits = entry.transitions.count(), CreditRecord.objects.count(), AuditLog.objects.count()
    with pytest.raises(ValidationError) as exc:
        CALLS[target](entry, reviewer, firm_user)
    assert "的注册信息不能" in str(exc.value)
    entry.refresh_from_db()
    assert entry.status == start and entry.transitions.count() == rows
    assert CreditRecord.objects.count() == records and AuditLog.objects.count() == audits
