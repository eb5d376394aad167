"""Two years of grading work made through the real services: records entered and approved by two
departments, the yearly run of 2025 published, the yearly run of 2026 completed."""

import datetime
import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from accounts.models import Role
from records.services import record_approve, record_create, record_repair, record_revoke, record_submit
from tests.factories import make_company, make_user
from tests.records.conftest import penalty_input

YEAR = 2026
LAST = datetime.date(2025, 12, 15)
THIS = datetime.date(2026, 12, 15)


def effective(clerk, reviewer, subject, **overrides):
    record = record_create(actor=clerk, subject=subject, data=penalty_input(**overrides))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


@dataclass
class County:
    firms: list
    fgw_records: list
    scjg_records: list


@pytest.fixture
def scjg_reviewer(db):
    return make_user(Role.REVIEWER, "scjg", username="scjg-reviewer")


@pytest.fixture
def scjg_clerk(db):
    return make_user(Role.CLERK, "scjg", username="scjg-clerk-2")


@pytest.fixture
def county(clerk, reviewer, scjg_clerk, scjg_reviewer):
    firms = [make_company() for _ in range(6)]
    fgw, scjg = [], []
    # 2025: firm 0 fined (general dishonesty), firm 1 warned (minor).
    fgw.append(
        effective(
            clerk, reviewer, firms[0], decision_date=datetime.date(2025, 6, 2), document_number="发改罚1"
        )
    )
    fgw.append(
        effective(
            clerk,
            reviewer,
            firms[1],
            kind="警告",
            sanctions=[],
            decision_date=datetime.date(2025, 6, 2),
            document_number="发改警1",
        )
    )
    call_command("yearly_run", as_of=LAST.isoformat(), publish=True, stdout=io.StringIO())
    # Registered after last year's run: graded for the first time this year.
    firms.append(make_company())
    # 2026: firm 1 commended (its warning has left the window), firm 2 fined by scjg, firm 3 warned by
    # scjg, firm 4 fined by fgw and then the objection upheld (revoked), firm 5 fined and repaired.
    fgw.append(
        effective(
            clerk,
            reviewer,
            firms[1],
            kind="表彰奖励",
            sanctions=[],
            decision_date=datetime.date(2026, 3, 2),
            document_number="发改表1",
        )
    )
    scjg.append(
        effective(
            scjg_clerk,
            scjg_reviewer,
            firms[2],
            decision_date=datetime.date(2026, 5, 6),
            document_number="市监罚1",
        )
    )
    scjg.append(
        effective(
            scjg_clerk,
            scjg_reviewer,
            firms[3],
            kind="警告",
            sanctions=[],
            decision_date=datetime.date(2026, 7, 1),
            document_number="市监警1",
        )
    )
    revoked = effective(
        clerk, reviewer, firms[4], decision_date=datetime.date(2026, 8, 3), document_number="发改罚2"
    )
    fgw.append(record_revoke(actor=reviewer, record=revoked, reason="异议成立"))
    repaired = effective(
        clerk, reviewer, firms[5], decision_date=datetime.date(2026, 2, 3), document_number="发改罚3"
    )
    fgw.append(record_repair(actor=reviewer, record=repaired, reason="已完成信用修复"))
    # A draft is not a record of the year yet.
    record_create(actor=clerk, subject=firms[0], data=penalty_input(document_number="草稿1"))
    call_command("yearly_run", as_of=THIS.isoformat(), stdout=io.StringIO())
    return County(firms=firms, fgw_records=fgw, scjg_records=scjg)
