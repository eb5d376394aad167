import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
from objections.services import subject_account_register, subject_account_verify
from records.services import record_approve, record_create, record_submit
from tests.factories import make_company, make_resident_id, make_user
from tests.records.conftest import penalty_input

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "Portal-pass-2026!"


@pytest.fixture(autouse=True)
def attempt_counters():
    """Attempt counters live in the cache; every test starts with a full budget."""
    cache.clear()
    yield
    cache.clear()


def pdf(name: str = "证明材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def effective_record(clerk, reviewer, subject, **overrides):
    record = record_create(actor=clerk, subject=subject, data=penalty_input(**overrides))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


def register(subject, username: str, **overrides):
    """An application for a portal account of ``subject``, as the registration page makes it."""
    values = dict(
        username=username,
        password=PASSWORD,
        kind=subject.kind,
        code=subject.code,
        name=subject.name,
        contact_name="联系人",
        phone="0377-6000000",
        email=f"{username}@example.cn",
    )
    values.update(overrides)
    return subject_account_register(**values)


def register_linked(subject, username: str, email: str = ""):
    """A subject account that applied and was verified by the credit office (主体账号审核) — one of
    the legitimate ways to link; knowing the subject's data is not one."""
    account = register(subject, username, **({"email": email} if email else {}))
    officer = User.objects.filter(username="xyb-linker").first() or make_user(
        Role.CREDIT_OFFICE, "xyb", username="xyb-linker"
    )
    subject_account_verify(actor=officer, request=account, reason="营业执照已核对")
    account.user.refresh_from_db()
    assert account.user.subject_id == subject.pk and account.user.is_active
    return account.user


@pytest.fixture
def rep_number(db):
    return make_resident_id("19750505")


@pytest.fixture
def firm(db, rep_number):
    return make_company("西峡县宏达建筑工程有限公司", rep=(rep_number, "李法人"))


@pytest.fixture
def subject_user(firm, rep_number):
    return register_linked(firm, "hongda", email="hongda@example.cn")


@pytest.fixture
def other_firm(db):
    return make_company("西峡县另一家有限公司", rep=(make_resident_id("19800808"), "王其他"))


@pytest.fixture
def other_user(other_firm):
    return register_linked(other_firm, "another")


@pytest.fixture
def record(clerk, reviewer, firm):
    return effective_record(clerk, reviewer, firm)


@pytest.fixture
def other_record(clerk, reviewer, other_firm):
    return effective_record(clerk, reviewer, other_firm, document_number="西发改罚〔2026〕99号")


@pytest.fixture
def scjg_reviewer(db):
    return make_user(Role.REVIEWER, "scjg", username="scjg-reviewer")
