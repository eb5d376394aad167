"""End to end against a real streaming replica (`.ci/replica start`: a second PostgreSQL cluster from
pg_basebackup, on port 5433): with ``DATABASE_REPLICA_URL`` pointing at it, the public list pages and
the reports read the standby once it replayed the primary's WAL, the look-up reads the primary, and a
write made inside a lagging page lands on the primary (the standby refuses every write)."""

import datetime
import os
import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accesslog.models import AccessEntry
from accounts.models import Role
from inspections.services import matter_save, plan_announce, plan_create
from tests.factories import make_company, make_user

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("CREDITREG_REPLICA_E2E") != "1",
        reason="needs the streaming replica that .ci/run starts (CREDITREG_REPLICA_E2E=1)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"]),
]


def replayed() -> None:
    """Wait until the standby replayed everything the primary wrote so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (lsn,) = cursor.fetchone()
    deadline = time.monotonic() + 60
    with connections["replica"].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the standby did not replay within 60 s"
            time.sleep(0.1)


def test_the_standby_serves_the_reads_that_may_lag(client, settings):
    settings.CREDITREG_REPLICA_READS = True
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        in_recovery, port = cursor.fetchone()
    assert in_recovery is True and port != connections["default"].settings_dict.get("PORT")
    clerk = make_user(Role.CLERK, "scjg", username="stream-clerk")
    office = make_user(Role.CREDIT_OFFICE, "xyb", username="stream-office")
    matter = matter_save(actor=clerk, name="流复制抽查事项", legal_basis="依据")
    year = datetime.date.today().year
    plan = plan_create(
        actor=clerk,
        title="流复制测试计划",
        matters=[matter],
        year=year,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
    )
    plan_announce(actor=clerk, plan=plan)
    firm = make_company("流复制测试有限公司")
    replayed()
    with CaptureQueriesContext(connections["replica"]) as on_standby:
        page = client.get(reverse("inspections:public"))
    assert page.status_code == 200 and "流复制测试计划" in page.content.decode() and len(on_standby) >= 1
    with CaptureQueriesContext(connections["replica"]) as on_standby:
        assert client.get(f"/api/public/subjects/{firm.code}/").status_code == 200
    assert len(on_standby) == 0
    client.force_login(office)
    replayed()
    before = AccessEntry.objects.count()
    with CaptureQueriesContext(connections["replica"]) as on_standby:
        export = client.get(reverse("reports:county_xlsx", args=[year]))
    assert export.status_code == 200 and len(on_standby) >= 1
    assert AccessEntry.objects.count() == before + 1  # written on the primary: the standby is read-only
    connections["replica"].close()
