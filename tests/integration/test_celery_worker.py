"""A task goes through Redis to a real worker process and its result comes back."""

import os

import pytest

from creditreg.tasks import worker_health_check
from tests.factories import make_company

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_task_round_trips_through_a_real_worker(celery_worker):
    make_company("往返测试有限公司")  # committed: the worker reads the same test database
    result = worker_health_check.delay().get(timeout=60)
    assert result["pid"] == celery_worker["pid"] != os.getpid()
    assert result["database"] == "postgresql"
    assert result["subjects"] == 1
    print(
        f"\ncelery round trip: task ran in worker {celery_worker['node']} pid {result['pid']}, "
        f"saw {result['subjects']} subject(s) in the shared test database"
    )


def test_tasks_run_inline_without_a_worker(db):
    make_company("内联测试有限公司")
    result = worker_health_check.delay().get(timeout=5)
    assert result["pid"] == os.getpid() and result["subjects"] == 1
