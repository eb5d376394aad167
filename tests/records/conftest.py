import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from records.services import record_approve, record_create, record_submit
from records.validation import LicenceInput, RecordInput, SanctionInput
from tests.factories import make_company, make_user


@pytest.fixture
def firm(db):
    return make_company("西峡县宏达建筑工程有限公司")


@pytest.fixture
def other_reviewer(db):
    return make_user(Role.REVIEWER, "fgw", username="fgw-reviewer-2")


@pytest.fixture
def scjg_reviewer(db):
    return make_user(Role.REVIEWER, "scjg", username="scjg-reviewer")


def penalty_input(**overrides) -> RecordInput:
    values = dict(
        kind="行政处罚",
        document_number="西发改罚〔2026〕1号",
        decision_date=datetime.date(2026, 3, 2),
        matter="未按规定公示价格",
        content="经查，该公司未按规定明码标价。",
        sanctions=[SanctionInput("警告"), SanctionInput("罚款", "5000")],
    )
    values.update(overrides)
    return RecordInput(**values)


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def licence(clerk, reviewer, subject, document: str, *, approve: bool = True, decided=-30, **fields):
    """An administrative licence entered by ``clerk`` and (unless ``approve`` is off) approved by
    ``reviewer``; ``fields`` are its licence fields (``LicenceInput``), valid for a year by default."""
    values = {"category": "普通", "certificate": f"证书{document}", "valid_to": days(365)} | fields
    record = record_create(
        actor=clerk,
        subject=subject,
        data=RecordInput(
            kind="administrative_licence",
            document_number=document,
            decision_date=days(decided),
            matter="",
            content="食品经营",
            licence=LicenceInput(**values),
        ),
    )
    if not approve:
        return record
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)
