import datetime

import pytest
from django.utils import timezone

from records.services import record_approve, record_create, record_submit
from tests.records.conftest import penalty_input


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def make_effective(clerk, reviewer, django_capture_on_commit_callbacks):
    """An effective record through the real intake; the after-commit hooks run (reminders fall due)."""

    def make(subject, **overrides):
        overrides.setdefault("decision_date", days_ago(20))
        with django_capture_on_commit_callbacks(execute=True):
            record = record_create(actor=clerk, subject=subject, data=penalty_input(**overrides))
            record_submit(actor=clerk, record=record)
            record = record_approve(actor=reviewer, record=record)
        return record

    return make


SERIOUS = {"kind": "严重失信认定", "sanctions": [], "matter": "拒不履行法定义务"}
MINOR = {"kind": "警告", "sanctions": [], "matter": "未按规定备案"}
