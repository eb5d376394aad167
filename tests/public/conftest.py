import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from records.services import record_approve, record_create, record_submit
from tests.records.conftest import penalty_input


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; every test starts with a full budget."""
    cache.clear()
    yield
    cache.clear()


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def effective_record(clerk, reviewer, subject, **overrides):
    """A record through entry, submission and four-eyes approval."""
    overrides.setdefault("decision_date", days_ago(30))
    record = record_create(actor=clerk, subject=subject, data=penalty_input(**overrides))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)
