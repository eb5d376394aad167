import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from objections.services import subject_account_register
from records.services import record_approve, record_create, record_submit
from tests.factories import make_company, make_resident_id
from tests.records.conftest import penalty_input

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "Portal-pass-2026!"


def pdf(name: str = "证明材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def effective_record(clerk, reviewer, subject, **overrides):
    record = record_create(actor=clerk, subject=subject, data=penalty_input(**overrides))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


def register_linked(subject, rep_number: str, rep_name: str, username: str, email: str = ""):
    """A subject account verified through the legal representative's identity number."""
    account = subject_account_register(
        username=username,
        password=PASSWORD,
        kind=subject.kind,
        code=subject.code,
        name=subject.name,
        contact_name="联系人",
        phone="0377-6000000",
        email=email,
        representative_name=rep_name,
        representative_id_number=rep_number,
    )
    assert account.subject_id == subject.pk
    account.user.refresh_from_db()
    return account.user


@pytest.fixture
def rep_number(db):
    return make_resident_id("19750505")


@pytest.fixture
def firm(db, rep_number):
    return make_company("西峡县宏达建筑工程有限公司", rep=(rep_number, "李法人"))


@pytest.fixture
def subject_user(firm, rep_number):
    return register_linked(firm, rep_number, "李法人", "hongda", email="hongda@example.cn")


@pytest.fixture
def other_firm(db):
    return make_company("西峡县另一家有限公司", rep=(make_resident_id("19800808"), "王其他"))


@pytest.fixture
def other_user(other_firm):
    return register_linked(other_firm, other_firm.legal_representative.code, "王其他", "another")


@pytest.fixture
def record(clerk, reviewer, firm):
    return effective_record(clerk, reviewer, firm)


@pytest.fixture
def other_record(clerk, reviewer, other_firm):
    return effective_record(clerk, reviewer, other_firm, document_number="西发改罚〔2026〕99号")


@pytest.fixture
def scjg_reviewer(db):
    from tests.factories import make_user

    return make_user(Role.REVIEWER, "scjg", username="scjg-reviewer")
