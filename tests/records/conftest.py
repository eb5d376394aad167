import datetime

import pytest

from accounts.models import Role
from records.validation import RecordInput, SanctionInput
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
