import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import Role
from audit.models import AuditLog
from subjects.identifiers import USCC_ALPHABET
from subjects.models import Subject, SubjectKind
from subjects.services import subject_register, subject_update
from tests.factories import make_company, make_person, make_resident_id, make_uscc, make_user

pytestmark = pytest.mark.django_db


def _messages(exc: ValidationError, field: str) -> list[str]:
    return [str(m) for m in exc.message_dict[field]]


def _wrong_last_char(code: str) -> tuple[str, str]:
    right = code[-1]
    wrong = next(c for c in USCC_ALPHABET if c != right)
    return code[:-1] + wrong, right


def test_register_organisation_with_new_legal_representative(clerk):
    person_id = make_resident_id("19750505")
    code = make_uscc()
    subject = subject_register(
        actor=clerk,
        kind=SubjectKind.LEGAL_PERSON,
        code=code.lower(),
        name="  西峡县 宏达建筑有限公司 ",
        legal_representative_id_number=person_id,
        legal_representative_name="李四",
    )
    assert subject.code == code  # normalised to upper case
    assert subject.name == "西峡县 宏达建筑有限公司"
    rep = subject.legal_representative
    assert (rep.kind, rep.code, rep.name) == (SubjectKind.NATURAL_PERSON, person_id, "李四")
    assert subject.created_by == clerk
    actions = list(AuditLog.objects.filter(actor=clerk).values_list("action", "target_id"))
    assert ("subject.create", str(subject.pk)) in actions and ("subject.create", str(rep.pk)) in actions
    assert subject.history.count() == 1


def test_existing_legal_representative_is_linked_not_duplicated(clerk):
    person = make_person("王五")
    first = make_company(rep=(person.code, "王五"))
    second = make_company(rep=(person.code, ""))  # the name may be left out once registered
    assert first.legal_representative == second.legal_representative == person
    assert Subject.objects.filter(code=person.code).count() == 1


def test_representative_registered_under_another_name_is_refused(clerk):
    person = make_person("王五")
    before = Subject.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        make_company(rep=(person.code, "王六"))
    assert "王五" in _messages(exc.value, "legal_representative_name")[0]
    assert Subject.objects.count() == before


def test_wrong_check_character_is_named_in_chinese(clerk):
    bad, right = _wrong_last_char(make_uscc())
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        subject_register(actor=clerk, kind=SubjectKind.LEGAL_PERSON, code=bad, name="某公司")
    assert f"第18位校验码应为 {right}" in _messages(exc.value, "code")[0]
    assert not Subject.objects.exists()
    assert not AuditLog.objects.filter(action="subject.create").exists()


def test_duplicate_code_is_refused_with_the_registered_name(clerk, other_clerk):
    existing = make_company("西峡县恒通物流有限公司")
    before = (Subject.objects.count(), AuditLog.objects.count())
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        subject_register(
            actor=other_clerk, kind=SubjectKind.LEGAL_PERSON, code=existing.code.lower(), name="另一家"
        )
    message = _messages(exc.value, "code")[0]
    assert existing.code in message and "西峡县恒通物流有限公司" in message and "已" in message
    assert (Subject.objects.count(), AuditLog.objects.count()) == before


@pytest.mark.parametrize(
    ("kind", "make_code", "field", "fragment"),
    [
        (SubjectKind.NATURAL_PERSON, lambda: make_uscc(), "code", "统一社会信用代码"),
        (SubjectKind.LEGAL_PERSON, lambda: make_resident_id(), "code", "身份证"),
        (SubjectKind.INDIVIDUAL_BUSINESS, lambda: make_uscc("91"), "code", "92"),
        (SubjectKind.LEGAL_PERSON, lambda: make_uscc("92"), "kind", "个体工商户"),
        ("company", lambda: make_uscc(), "kind", "主体类别"),
    ],
)
def test_code_that_does_not_fit_the_kind_is_refused(clerk, kind, make_code, field, fragment):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        subject_register(actor=clerk, kind=kind, code=make_code(), name="某主体")
    assert fragment in " ".join(_messages(exc.value, field))
    assert not Subject.objects.exists()


def test_empty_name_and_bad_code_are_reported_together(clerk):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        subject_register(actor=clerk, kind=SubjectKind.LEGAL_PERSON, code="123", name="  ")
    assert set(exc.value.message_dict) == {"code", "name"}
    assert "18" in _messages(exc.value, "code")[0]


def test_natural_person_has_no_legal_representative(clerk):
    with pytest.raises(ValidationError) as exc:
        subject_register(
            actor=clerk,
            kind=SubjectKind.NATURAL_PERSON,
            code=make_resident_id(),
            name="赵六",
            legal_representative_id_number=make_resident_id(),
            legal_representative_name="钱七",
        )
    assert "legal_representative_id_number" in exc.value.message_dict
    assert not Subject.objects.exists()


def test_subject_user_cannot_register(db):
    user = make_user(Role.SUBJECT, None)
    with pytest.raises(PermissionDenied):
        subject_register(actor=user, kind=SubjectKind.LEGAL_PERSON, code=make_uscc(), name="某公司")
    assert not Subject.objects.exists()


def test_update_by_credit_office_is_audited_with_before_and_after(credit_office_user):
    subject = make_company("旧名称有限公司")
    subject_update(actor=credit_office_user, subject=subject, reason="工商变更登记", name="新名称有限公司")
    subject.refresh_from_db()
    assert subject.name == "新名称有限公司"
    entry = AuditLog.objects.get(action="subject.update")
    assert entry.actor == credit_office_user and entry.reason == "工商变更登记"
    assert entry.before == {"name": "旧名称有限公司"} and entry.after == {"name": "新名称有限公司"}
    latest = subject.history.latest()
    assert latest.history_change_reason == "工商变更登记" and latest.name == "新名称有限公司"


def test_update_needs_a_reason_and_the_credit_office(clerk, credit_office_user):
    subject = make_company("某某有限公司")
    with pytest.raises(PermissionDenied):
        subject_update(actor=clerk, subject=subject, reason="改名", name="别的名字")
    with pytest.raises(ValidationError) as exc:
        subject_update(actor=credit_office_user, subject=subject, reason=" ", name="别的名字")
    assert "reason" in exc.value.message_dict
    subject.refresh_from_db()
    assert subject.name == "某某有限公司"
    assert not AuditLog.objects.filter(action="subject.update").exists()


def test_update_to_a_taken_code_is_refused(credit_office_user):
    first, second = make_company(), make_company()
    with pytest.raises(ValidationError) as exc:
        subject_update(actor=credit_office_user, subject=second, reason="纠错", code=first.code)
    assert "code" in exc.value.message_dict
    second.refresh_from_db()
    assert second.code != first.code


def test_person_who_represents_others_stays_a_person(credit_office_user):
    person = make_person("孙八")
    make_company(rep=(person.code, "孙八"))
    with pytest.raises(ValidationError):
        subject_update(
            actor=credit_office_user,
            subject=person,
            reason="错",
            kind=SubjectKind.LEGAL_PERSON,
            code=make_uscc(),
        )
    person.refresh_from_db()
    assert person.kind == SubjectKind.NATURAL_PERSON
