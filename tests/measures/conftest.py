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
