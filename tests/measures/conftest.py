import datetime

import pytest
from django.utils import timezone

from records.services import record_approve, record_create, record_submit
from tests.records.conftest import penalty_input


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def effective_penalty(clerk, reviewer, subject, **overrides):
    """An effective general-dishonesty record (a fine) decided ten days ago, through the real services."""
    values = {"decision_date": days_ago(10)} | overrides
    record = record_create(actor=clerk, subject=subject, data=penalty_input(**values))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


@pytest.fixture
def regrading(django_capture_on_commit_callbacks):
    """Run the after-commit hooks (the dynamic regrade) of everything done inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def record_input(kind: str, **overrides):
    """A record of ``kind`` decided ten days ago: 表彰奖励 (positive), 警告 (minor), 行政处罚 with a fine
    (general) or with a licence revocation (serious, ``serious=True``)."""
    from records.validation import SanctionInput

    serious = overrides.pop("serious", False)
    values = {"kind": kind, "sanctions": [], "decision_date": days_ago(10)}
    if kind == "行政处罚":
        values["sanctions"] = [SanctionInput("吊销许可证件")] if serious else [SanctionInput("罚款", "5000")]
    return penalty_input(**(values | overrides))


def effective(clerk, reviewer, subject, kind: str, **overrides):
    record = record_create(actor=clerk, subject=subject, data=record_input(kind, **overrides))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


def graded(subject_ids):
    """Grade the subjects now through the grading service (what the after-commit hook does)."""
    from grading.services import regrade_subjects

    regrade_subjects(subject_ids=list(subject_ids))
