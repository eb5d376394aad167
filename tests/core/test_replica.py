"""The read replica router (core/routers.py): reads that may lag — reports, exports, public list
pages — go to the ``replica`` database; the look-up, every other read, every read inside a
transaction and every write go to the primary. On PostgreSQL the test settings make ``replica``
Django's test MIRROR of the default database, a second connection to it."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accesslog.models import AccessEntry
from accounts.models import Role
from core import routers
from core.routers import ReplicaRouter, reads_may_lag
from inspections.services import matter_save, plan_announce, plan_create
from subjects.models import Subject
from tests.factories import make_company, make_user


@pytest.fixture
def configured(monkeypatch):
    """The settings the router reads: a replica configured and its reads on; no transaction open."""
    fake = SimpleNamespace(DATABASES={"default": {}, "replica": {}}, CREDITREG_REPLICA_READS=True)
    monkeypatch.setattr(routers, "settings", fake)
    outside = SimpleNamespace(in_atomic_block=False)
    monkeypatch.setattr(routers, "connections", {"default": outside})
    return SimpleNamespace(settings=fake, default=outside)


def test_reads_that_may_lag_go_to_the_replica_and_nothing_else(configured):
    router = ReplicaRouter()
    assert router.db_for_read(Subject) == "default"
    with reads_may_lag():
        assert router.db_for_read(Subject) == "replica"
        assert router.db_for_write(Subject) == "default"
        configured.default.in_atomic_block = True  # a service reading before it writes
        assert router.db_for_read(Subject) == "default"
    configured.default.in_atomic_block = False
    assert router.db_for_read(Subject) == "default"
    assert router.allow_migrate("replica", "subjects") is False and router.allow_migrate(
        "default", "subjects"
    )


def test_without_a_replica_or_with_replica_reads_off_everything_reads_the_primary(configured):
    router = ReplicaRouter()
    configured.settings.CREDITREG_REPLICA_READS = False
    with reads_may_lag():
        assert router.db_for_read(Subject) == "default"
    configured.settings.CREDITREG_REPLICA_READS = True
    del configured.settings.DATABASES["replica"]
    with reads_may_lag():
        assert router.db_for_read(Subject) == "default"


@pytest.fixture
def replica_reads(settings):
    settings.CREDITREG_REPLICA_READS = True


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a MIRROR needs a database a second connection can share"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])
def test_public_lists_and_reports_read_the_replica_the_look_up_the_primary(client, replica_reads):
    clerk = make_user(Role.CLERK, "scjg", username="replica-clerk")
    office = make_user(Role.CREDIT_OFFICE, "xyb", username="replica-office")
    matter = matter_save(actor=clerk, name="副本抽查事项", legal_basis="依据")
    year = datetime.date.today().year
    plan = plan_create(
        actor=clerk,
        title="副本测试计划",
        matters=[matter],
        year=year,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
    )
    plan_announce(actor=clerk, plan=plan)
    firm = make_company("副本测试有限公司")
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        page = client.get(reverse("inspections:public"))
    assert "副本测试计划" in page.content.decode() and len(on_replica) >= 1
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get(reverse("public:black_list")).status_code == 200
    assert len(on_replica) >= 1
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        found = client.get(f"/api/public/subjects/{firm.code}/")
    assert found.status_code == 200 and len(on_replica) == 0  # a corrected grade must show at once
    client.force_login(office)
    before = AccessEntry.objects.count()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        export = client.get(reverse("reports:county_xlsx", args=[year]))
    assert export.status_code == 200 and len(on_replica) >= 1
    assert AccessEntry.objects.count() == before + 1  # the export's log entry written on the primary
