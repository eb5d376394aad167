"""Subject accounts (SPEC §6, issue 13 finding 2): knowing a subject's data never links an account; the
registration page answers the same for right and wrong guesses and for free and taken user names;
attempts are limited per real client address and per subject; an account is linked only by the
credit office, by an account already linked to the subject, or by a one-time code sent to the
subject's contact on record; nothing of the subject is seen before."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.models import AuditLog
from objections.models import (
    AccountRequestStatus,
    AccountVerification,
    LinkCode,
    Notification,
    SubjectAccountRequest,
)
from objections.services import (
    link_code_check,
    link_code_send,
    objection_file,
    subject_account_activate,
    subject_account_activation_token,
    subject_account_holder_approve,
    subject_account_holder_decline,
    subject_account_reject,
    subject_account_verify,
)
from subjects.models import Subject, SubjectKind
from subjects.services import subject_update
from tests.factories import make_resident_id, make_uscc

from .conftest import PASSWORD, pdf, register

pytestmark = pytest.mark.django_db


def _form(subject, username: str, **extra) -> dict:
    data = {
        "kind": subject.kind,
        "code": subject.code,
        "name": subject.name,
        "contact_name": "赵联系",
        "phone": "13800000000",
        "email": f"{username}@example.cn",
        "username": username,
        "password": PASSWORD,
    }
    data.update(extra)
    return data


def _post(data: dict, address: str = "10.0.0.1", **headers):
    """A registration from a fresh browser at ``address``, followed to its answer."""
    return Client(REMOTE_ADDR=address).post(reverse("portal:register"), data, follow=True, **headers)


def _answer(response) -> str:
    """The page's main content, without the per-request CSRF token."""
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _activate(account) -> None:
    uidb64, token = subject_account_activation_token(user=account.user)
    subject_account_activate(uidb64=uidb64, token=token)
    account.user.refresh_from_db()


# --- finding 2: no takeover by knowledge ---------------------------------------------------------


def test_knowing_the_legal_representative_no_longer_links_nor_reads_anything(
    client, firm, rep_number, subject_user, record
):
    objection = objection_file(
        actor=subject_user, record=record, reasons="HOLDER-SECRET", files=[pdf("持有人证据.pdf")]
    )
    evidence = objection.evidence.get()
    guess = _form(firm, "attacker", representative_name="李法人", representative_id_number=rep_number)
    _post(guess)
    attacker = User.objects.get(username="attacker")
    assert attacker.subject_id is None
    account = SubjectAccountRequest.objects.get(user=attacker)
    assert account.status == AccountRequestStatus.PENDING
    _activate(account)  # the attacker controls its own mailbox
    client.force_login(attacker)
    assert client.get(reverse("objections:evidence", args=[objection.pk, evidence.pk])).status_code == 404
    assert client.get(reverse("objections:detail", args=[objection.pk])).status_code == 404
    assert client.get("/api/objections/").json()["results"] == []
    portal = client.get(reverse("portal:home")).content.decode()
    assert "HOLDER-SECRET" not in portal and record.document_number not in portal
    assert "尚未关联" in portal or "未关联" in portal
    repair = client.get(reverse("repair:home")).content.decode()
    assert record.document_number not in repair


def test_one_answer_for_right_and_wrong_guesses(firm, rep_number):
    right = _post(_form(firm, "guess1", representative_name="李法人", representative_id_number=rep_number))
    wrong = _post(
        _form(
            firm,
            "guess2",
            representative_name="张冒名",
            representative_id_number=make_resident_id("19900101"),
        )
    )
    unknown = _post(
        _form(Subject(kind=SubjectKind.LEGAL_PERSON, code=make_uscc(), name="不存在公司"), "guess3")
    )
    assert right.status_code == wrong.status_code == unknown.status_code == 200
    assert right.redirect_chain == wrong.redirect_chain == unknown.redirect_chain
    assert _answer(right) == _answer(wrong) == _answer(unknown)
    assert "申请已收到" in _answer(right)
    assert not User.objects.filter(role=Role.SUBJECT, subject__isnull=False).exists()


def test_a_taken_user_name_answers_the_same_and_is_told_by_mail(
    firm, subject_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        taken = _post(_form(firm, subject_user.username, email="someone@example.cn"))
        free = _post(_form(firm, "freshname", email="fresh@example.cn"))
    assert taken.status_code == free.status_code == 200
    assert taken.redirect_chain == free.redirect_chain
    assert _answer(taken) == _answer(free)
    assert User.objects.filter(username=subject_user.username).count() == 1
    assert User.objects.get(username=subject_user.username).pk == subject_user.pk
    mails = {m.to[0]: m for m in mailoutbox}
    assert "已被使用" in mails["someone@example.cn"].body
    assert "/portal/register/activate/" in mails["fresh@example.cn"].body


def test_bad_input_is_refused_with_messages_and_creates_nothing(firm):
    bad_code = firm.code[:17] + ("0" if firm.code[17] != "0" else "1")
    cases = [
        (dict(code=bad_code), "code", "第18位校验码应为"),
        (dict(name=" "), "name", "请填写名称"),
        (dict(phone=""), "phone", "请填写联系电话"),
        (dict(email="not-an-address"), "email", "电子邮箱"),
        (dict(email=""), "email", "电子邮箱"),
        (dict(password="123"), "password", "密码"),
        (dict(username="bad name!"), "username", "用户名"),
    ]
    for overrides, field, text in cases:
        username = overrides.pop("username", "newfirm")
        with pytest.raises(ValidationError) as exc:
            register(firm, username, **overrides)
        assert field in exc.value.message_dict, (overrides, exc.value.message_dict)
        assert text in " ".join(exc.value.message_dict[field])
    assert not User.objects.filter(role=Role.SUBJECT).exists()
    page = _post(_form(firm, "u1", code="91411323ABCDEFGH1X"))
    assert page.status_code == 200 and "统一社会信用代码" in page.content.decode()
    assert not SubjectAccountRequest.objects.exists()


def test_registration_is_limited_per_real_client_address(firm):
    for i in range(10):
        other = Subject(kind=SubjectKind.LEGAL_PERSON, code=make_uscc(), name=f"公司{i}")
        response = _post(_form(other, f"burst{i}"), HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
        assert response.redirect_chain, i
    refused = Client(REMOTE_ADDR="10.0.0.1").post(
        reverse("portal:register"), _form(firm, "burst-last"), HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert refused.status_code == 429 and "尝试次数过多" in refused.content.decode()
    assert not User.objects.filter(username="burst-last").exists()
    assert _post(_form(firm, "elsewhere"), address="10.0.0.2").redirect_chain
    assert User.objects.filter(username="elsewhere").exists()


def test_registration_is_limited_per_subject(firm):
    for i in range(5):
        assert _post(_form(firm, f"many{i}"), address=f"10.1.0.{i}").redirect_chain
    refused = Client(REMOTE_ADDR="10.1.0.99").post(reverse("portal:register"), _form(firm, "many-last"))
    assert refused.status_code == 429
    assert SubjectAccountRequest.objects.filter(code=firm.code).count() == 5


# --- the address link, and the pending state ---------------------------------------------------------


def test_the_mailed_link_activates_once_and_the_portal_shows_the_pending_state(
    firm, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(_form(firm, "webfirm"))
    user = User.objects.get(username="webfirm")
    assert not user.is_active
    browser = Client()
    credentials = {"username": "webfirm", "password": PASSWORD}
    assert browser.post(reverse("login"), credentials).status_code == 200  # refused: the form again
    link = re.search(r"http://testserver(/portal/register/activate/\S+/)", mailoutbox[0].body).group(1)
    assert "邮箱已确认" in browser.get(link, follow=True).content.decode()
    assert "激活链接无效或已过期" in browser.get(link, follow=True).content.decode()  # once only
    assert (
        "激活链接无效或已过期"
        in browser.get("/portal/register/activate/xx/yy/", follow=True).content.decode()
    )
    assert User.objects.get(username="webfirm").is_active
    assert browser.post(reverse("login"), credentials).status_code == 302
    page = browser.get(reverse("portal:home")).content.decode()
    assert firm.name in page and "待核验" in page and "发送验证码" in page
    assert browser.get(reverse("portal:register")).status_code == 302  # logged in: to the portal


# --- proofs the holder of the subject controls --------------------------------------------------


@pytest.fixture
def firm_with_contact(firm, credit_office_user):
    return subject_update(
        actor=credit_office_user, subject=firm, reason="登记联系邮箱", email="office@hongda.example.cn"
    )


@pytest.fixture
def applicant(firm):
    account = register(firm, "applicant")
    _activate(account)
    return account


def _mailed_code(mailoutbox) -> str:
    return re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)


def test_a_code_sent_to_the_contact_on_record_links_the_account(
    client, firm_with_contact, applicant, subject_user, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(applicant.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:link_code_send"), follow=True)
    assert "验证码" in response.content.decode()
    assert mailoutbox[-1].to == ["office@hongda.example.cn"]
    code = _mailed_code(mailoutbox)
    stored = LinkCode.objects.get()
    assert code not in (stored.code_hash, stored.salt, stored.sent_to) and stored.sent_to.startswith("o***@")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("portal:link_code_enter"), {"code": wrong}, follow=True)
    assert "验证码错误或已过期" in response.content.decode()
    stored.refresh_from_db()
    assert stored.attempts == 1 and stored.used_at is None
    client.post(reverse("portal:link_code_enter"), {"code": code})
    applicant.refresh_from_db()
    applicant.user.refresh_from_db()
    assert applicant.user.subject == firm_with_contact
    assert applicant.verified_by_method == AccountVerification.CONTACT_CODE
    assert applicant.decided_by is None  # the contact consented; the applicant decided nothing
    assert Notification.objects.filter(user=subject_user, event="account_added").exists()
    assert client.get(reverse("portal:home")).content.decode().count(firm_with_contact.name) >= 1


def test_codes_expire_and_allow_few_attempts(
    firm_with_contact, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    user = applicant.user
    with django_capture_on_commit_callbacks(execute=True):
        link_code_send(user=user)
    code = _mailed_code(mailoutbox)
    LinkCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        link_code_check(user=user, code=code)
    with django_capture_on_commit_callbacks(execute=True):
        link_code_send(user=user)
    code = _mailed_code(mailoutbox)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        with pytest.raises(ValidationError):
            link_code_check(user=user, code=wrong)
    with pytest.raises(ValidationError) as exc:
        link_code_check(user=user, code=code)  # the right code, too late
    assert "验证码错误或已过期" in exc.value.messages[0]
    user.refresh_from_db()
    assert user.subject_id is None


def test_code_attempts_are_limited_per_address(
    client, firm_with_contact, applicant, django_capture_on_commit_callbacks
):
    client.force_login(applicant.user)
    statuses = []
    for _i in range(21):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("portal:link_code_send"), REMOTE_ADDR="10.9.9.9")
        response = client.post(reverse("portal:link_code_enter"), {"code": "123456"}, follow=True)
        statuses.append("尝试次数过多" in response.content.decode())
    assert statuses[-1] and not statuses[0]


def test_without_a_contact_on_record_the_answer_is_the_same_and_nothing_is_sent(
    client, firm, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(applicant.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:link_code_send"), follow=True)
    assert "如登记库中有该主体的联系方式" in response.content.decode()
    assert mailoutbox == [] and not LinkCode.objects.exists()


def test_an_account_of_the_subject_approves_or_declines_a_new_one(
    client, firm, subject_user, other_user, applicant
):
    assert Notification.objects.filter(user=subject_user, event="link_requested").exists()
    client.force_login(other_user)
    url = reverse("portal:link_request_decide", args=[applicant.pk, "approve"])
    assert client.post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        subject_account_holder_approve(actor=other_user, request=applicant)
    client.force_login(subject_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "applicant" in page and "请求关联" in page
    client.post(url)
    applicant.refresh_from_db()
    assert applicant.status == AccountRequestStatus.VERIFIED
    assert applicant.verified_by_method == AccountVerification.HOLDER
    assert applicant.decided_by == subject_user and applicant.user.subject == firm
    second = register(firm, "second")
    _activate(second)
    subject_account_holder_decline(actor=subject_user, request=second, reason="不认识此人")
    second.refresh_from_db()
    assert second.status == AccountRequestStatus.REJECTED and second.user.subject is None


def test_an_unconfirmed_account_is_not_shown_to_the_holder(client, firm, subject_user):
    register(firm, "unconfirmed")
    client.force_login(subject_user)
    assert "unconfirmed" not in client.get(reverse("portal:home")).content.decode()


# --- the credit office ------------------------------------------------------------------------------


def test_credit_office_verifies_and_registers_an_unknown_subject(credit_office_user, clerk):
    unknown = Subject(kind=SubjectKind.LEGAL_PERSON, code=make_uscc(), name="西峡县新开有限公司")
    account = register(unknown, "newfirm")
    with pytest.raises(PermissionDenied):
        subject_account_verify(actor=clerk, request=account)
    assert not Subject.objects.filter(code=unknown.code).exists()
    subject_account_verify(actor=credit_office_user, request=account, reason="营业执照已核对")
    subject = Subject.objects.get(code=unknown.code)
    account.refresh_from_db()
    assert account.user.subject == subject and account.verified_by_method == "credit_office"
    assert account.decided_by == credit_office_user and account.user.is_active
    assert AuditLog.objects.filter(action="subject_account.verify", actor=credit_office_user).exists()
    with pytest.raises(ValidationError) as exc:
        subject_account_verify(actor=credit_office_user, request=account)
    assert "已处理" in exc.value.messages[0]


def test_credit_office_rejects_with_a_reason(credit_office_user, firm):
    account = register(firm, "rejected")
    with pytest.raises(ValidationError):
        subject_account_reject(actor=credit_office_user, request=account, reason="")
    subject_account_reject(actor=credit_office_user, request=account, reason="材料不符")
    account.refresh_from_db()
    assert account.status == AccountRequestStatus.REJECTED and account.user.subject is None
    assert Notification.objects.get(user=account.user).detail == "材料不符"


def test_verification_page_for_the_credit_office(client, credit_office_user, clerk, firm):
    account = register(firm, "topage")
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


def test_admin_action_verifies(client, credit_office_user, firm):
    account = register(firm, "byadmin")
    client.force_login(credit_office_user)
    response = client.post(
        reverse("admin:objections_subjectaccountrequest_changelist"),
        {"action": "verify_selected", "_selected_action": [account.pk]},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == "verified" and account.user.subject.code == account.code
