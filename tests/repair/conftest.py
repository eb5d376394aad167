import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from records.services import record_approve, record_create, record_submit
from records.validation import RecordInput, SanctionInput
from tests.factories import make_company, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "承诺书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def commitment_proof() -> list:
    return [("commitment", pdf())]


@pytest.fixture
def firm(db):
    return make_company("西峡县宏达建筑工程有限公司")


@pytest.fixture
def other_firm(db):
    return make_company("西峡县远航物流有限公司")


@pytest.fixture
def firm_user(firm):
    return make_user(Role.SUBJECT, None, username="hongda", subject=firm)


@pytest.fixture
def other_firm_user(other_firm):
    return make_user(Role.SUBJECT, None, username="yuanhang", subject=other_firm)


@pytest.fixture
def scjg_reviewer(db):
    return make_user(Role.REVIEWER, "scjg", username="scjg-reviewer")


SEVERITY_SANCTIONS = {
    "minor": [SanctionInput("警告")],
    "general": [SanctionInput("罚款", "5000")],
    "serious": [SanctionInput("吊销许可证件")],
}


def effective_record(
    clerk,
    reviewer,
    subject,
    *,
    severity: str = "general",
    decision_date=datetime.date(2026, 3, 2),
    number=None,
):
    """An effective administrative penalty of the given severity, through the intake services."""
    record = record_create(
        actor=clerk,
        subject=subject,
        data=RecordInput(
            kind="行政处罚",
            document_number=number or f"西发改罚〔2026〕{severity}-{decision_date:%m%d}号",
            decision_date=decision_date,
            matter=f"违法事项-{severity}-{decision_date}",
            sanctions=SEVERITY_SANCTIONS[severity],
        ),
    )
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)
