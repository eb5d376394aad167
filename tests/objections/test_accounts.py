"""Subject accounts: registration with a validated code, automatic linking through the legal
representative's identity number, the credit office's verification, and nothing seen before it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditLog
from objections.models import AccountRequestStatus, AccountVerification, Notification, SubjectAccountRequest
from objections.services import subject_account_register, subject_account_reject, subject_account_verify
from subjects.models import Subject, SubjectKind
from tests.factories import make_resident_id, make_uscc

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _register(**overrides):
    values = dict(
        username="newfirm",
        password=PASSWORD,
        kind=SubjectKind.LEGAL_PERSON,
        code=make_uscc(),
        name="西峡县新开有限公司",
        contact_name="赵联系",
        phone="13800000000",
    )
    values.update(overrides)
    return subject_account_register(**values)


def test_matching_legal_representative_links_the_account_at_once(firm, rep_number):
    account = _register(
        code=firm.code.lower(), representative_name="李法人", representative_id_number=rep_number
    )
    user = User.objects.get(username="newfirm")
    assert user.role == Role.SUBJECT and user.subject == firm
    assert account.status == AccountRequestStatus.VERIFIED
    assert account.verified_by_method == AccountVerification.REPRESENTATIVE
    assert AuditLog.objects.filter(action="subject_account.verify", actor=None).exists()
    assert Notification.objects.get(user=user).event == "account_verified"


@pytest.mark.parametrize(
    ("name", "number"),
    [("李法人", None), ("张冒名", "same"), ("", "")],
)
def test_without_a_match_the_account_waits_for_the_credit_office(firm, rep_number, name, number):
    number = make_resident_id("19900101") if number is None else (rep_number if number == "same" else "")
    account = _register(code=firm.code, representative_name=name, representative_id_number=number)
    user = User.objects.get(username="newfirm")
    assert user.subject is None and account.status == AccountRequestStatus.PENDING


def test_registration_refuses_bad_input_and_creates_nothing(firm):
    bad_code = firm.code[:17] + ("0" if firm.code[17] != "0" else "1")
    cases = [
        (dict(code=bad_code), "code", "第18位校验码应为"),
        (dict(name=" "), "name", "请填写名称"),
        (dict(phone=""), "phone", "请填写联系电话"),
        (dict(password="123"), "password", "密码"),
        (
            dict(representative_id_number="41132319750505123", representative_name="李法人"),
            "representative_id_number",
            "",
        ),
        (
            dict(
                kind=SubjectKind.NATURAL_PERSON,
                code=make_resident_id(),
                representative_id_number=make_resident_id(),
            ),
            "representative_id_number",
            "自然人",
        ),
    ]
    for overrides, field, text in cases:
        with pytest.raises(ValidationError) as exc:
            _register(**overrides)
        assert field in exc.value.message_dict, (overrides, exc.value.message_dict)
        assert text in " ".join(exc.value.message_dict[field])
    _register(username="taken")
    with pytest.raises(ValidationError) as exc:
        _register(username="taken", code=make_uscc())
    assert (
        "已被使用" in exc.value.message_dict["username"][0]
        or "taken" in exc.value.message_dict["username"][0]
    )
    assert User.objects.filter(role=Role.SUBJECT).count() == 1


def test_credit_office_verifies_and_registers_an_unknown_subject(credit_office_user, clerk):
    code = make_uscc()
    account = _register(code=code)
    with pytest.raises(PermissionDenied):
        subject_account_verify(actor=clerk, request=account)
    assert not Subject.objects.filter(code=code).exists()
    subject_account_verify(actor=credit_office_user, request=account, reason="营业执照已核对")
    subject = Subject.objects.get(code=code)
    account.refresh_from_db()
    assert account.user.subject == subject and account.verified_by_method == "credit_office"
    assert account.decided_by == credit_office_user
    with pytest.raises(ValidationError) as exc:
        subject_account_verify(actor=credit_office_user, request=account)
    assert "已处理" in exc.value.messages[0]


def test_credit_office_rejects_with_a_reason(credit_office_user):
    account = _register()
    with pytest.raises(ValidationError):
        subject_account_reject(actor=credit_office_user, request=account, reason="")
    subject_account_reject(actor=credit_office_user, request=account, reason="材料不符")
    account.refresh_from_db()
    assert account.status == AccountRequestStatus.REJECTED and account.user.subject is None
    assert Notification.objects.get(user=account.user).detail == "材料不符"


def test_registration_page_logs_in_and_shows_the_pending_state(client, firm):
    response = client.get(reverse("portal:register"))
    assert response.status_code == 200 and "注册信用主体账号" in response.content.decode()
    response = client.post(
        reverse("portal:register"),
        {
            "kind": "legal_person",
            "code": firm.code,
            "name": firm.name,
            "contact_name": "赵联系",
            "phone": "13800000000",
            "username": "webfirm",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("portal:home")).content.decode()
    assert "信用办核验" in page and firm.name in page and "待核验" in page
    bad = client.post(reverse("portal:register"), {"kind": "legal_person", "code": "123", "name": "x"})
    assert bad.status_code == 302  # a logged-in user is sent to the portal


def test_registration_page_shows_errors_in_chinese(client):
    response = client.post(
        reverse("portal:register"),
        {
            "kind": "legal_person",
            "code": "91411323ABCDEFGH1X",
            "name": "某公司",
            "contact_name": "赵",
            "phone": "1",
            "username": "u1",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    assert not SubjectAccountRequest.objects.exists()


def test_verification_page_for_the_credit_office(client, credit_office_user, clerk):
    account = _register()
    client.force_login(clerk)
    assert client.get(reverse("objections:account_requests")).status_code == 403
    client.force_login(credit_office_user)
    page = client.get(reverse("objections:account_requests")).content.decode()
    assert account.name in page
    client.post(
        reverse("objections:account_request_decide", args=[account.pk, "verify"]), {"reason": "已核对"}
    )
    account.refresh_from_db()
    assert account.status == "verified"
    response = client.post(
        reverse("objections:account_request_decide", args=[account.pk, "reject"]), {"reason": "x"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == "verified"


def test_admin_action_verifies(client, credit_office_user):
    account = _register()
    client.force_login(credit_office_user)
    response = client.post(
        reverse("admin:objections_subjectaccountrequest_changelist"),
        {"action": "verify_selected", "_selected_action": [account.pk]},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == "verified" and account.user.subject.code == account.code
