"""The nightly regrade split into blocks of subject ids (SPEC §3.5; issue 20 item 3): the blocks give
exactly the grades of the whole-county statement, a department scheme inside a block reads the county
grade that block just wrote (000 Art. 8), writers of different blocks do not wait for each other, and
the blocks go through real workers."""

import random
import time

import pytest
from celery.result import AsyncResult
from django.db import OperationalError, connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import Department
from grading.models import Grade, GradeInForce, GradeSource, Scheme
from grading.services import grading_targets, nightly_blocks, regrade_all, regrade_block
from grading.writer import grading_lock
from records.models import RecordKind
from subjects.models import Subject
from tests.factories import make_company
from tests.threads import in_thread

from .conftest import AS_OF, record, records_create


def _county(subjects: list[list[dict]]) -> list[Subject]:
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    firms = [make_company() for _rows in subjects]
    for firm, rows in zip(firms, subjects, strict=True):
        records_create(firm, rows, kinds, departments)
    return firms


def _stored() -> dict:
    grades = {
        (g.subject_id, g.scheme_id, g.department_id): (g.grade, g.score, g.reasons, g.version_id)
        for g in Grade.objects.filter(is_current=True)
    }
    in_force = {
        (f.subject_id, f.scheme_id, f.department_id): (f.grade, f.basis) for f in GradeInForce.objects.all()
    }
    return {"grades": grades, "in_force": in_force}


def _night_by_blocks() -> None:
    for first, last in nightly_blocks():
        regrade_block(id_range=(first, last), as_of=AS_OF, source=GradeSource.NIGHTLY)


# Committed, as each block is in production: one test transaction would hold the locks of every
# temporary table of every example until its end (PostgreSQL: out of shared memory).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    subjects=st.lists(st.lists(record, max_size=4), min_size=3, max_size=9),
    size=st.sampled_from([1, 2, 3, 50]),
)
def test_the_blocks_give_the_grades_of_the_whole_county(subjects, size, settings):
    """Every subject of every block gets the grade the whole-county pass gives it, under every scheme
    and department: the whole pass afterwards finds nothing to change. The zjj scheme takes the county
    grade as input (000 Art. 8), so a block that graded it from a stale county grade would show here."""
    settings.GRADING_BLOCK_SUBJECTS = size
    firms = _county(subjects)
    assert {(s.code, getattr(d, "code", None)) for s, d in grading_targets()} >= {
        ("public", None),
        ("abc", "zjj"),
    }
    blocks = nightly_blocks()
    ids = sorted(f.pk for f in firms)
    # The blocks are aligned on multiples of the size, disjoint, and cover every subject.
    assert all(first % size == 0 and last == first + size - 1 for first, last in blocks)
    assert sorted({sid for sid in ids for first, last in blocks if first <= sid <= last}) == ids
    _night_by_blocks()
    by_blocks = _stored()
    assert {key[0] for key in by_blocks["grades"] if key[1] == Scheme.objects.get(code="public").pk} >= set(
        ids
    )
    counts = regrade_all(as_of=AS_OF, source=GradeSource.NIGHTLY)
    assert all(c["changed"] == 0 for c in counts.values()), counts
    assert _stored() == by_blocks


@pytest.mark.django_db
def test_a_block_grades_the_department_scheme_after_the_county_one():
    """A subject whose county grade falls tonight: its zjj grade, which reads the county grade, falls in
    the same block, in the same transaction."""
    commended = {
        "kind": "commendation",
        "severity": "",
        "document_number": "建表-1",
        "fine_total": "0",
        "days_ago": 30,
        "status": "effective",
        "is_current": True,
        "external_grade": "",
        "department": "zjj",
    }
    (firm,) = _county([[commended]])  # zjj's subject (SPEC §3.6)
    _night_by_blocks()
    before = Grade.objects.get(subject=firm, scheme__code="abc", department__code="zjj", is_current=True)
    assert before.grade != "C"
    serious = commended | {
        "kind": "administrative_penalty",
        "severity": "serious",
        "document_number": "发改罚-1",
        "fine_total": "500000",
        "days_ago": 3,
        "department": "fgw",
    }
    kinds = {k.code: k for k in RecordKind.objects.all()}
    records_create(firm, [serious], kinds, {d.code: d for d in Department.objects.filter(code="fgw")})
    _night_by_blocks()
    county = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    zjj = Grade.objects.get(subject=firm, scheme__code="abc", department__code="zjj", is_current=True)
    assert county.grade in ("D", "D-")
    assert zjj.grade == "C" and [r.get("input_grade") for r in zjj.reasons] == [county.grade], zjj.reasons


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the grading locks are PostgreSQL advisory locks"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_of_different_blocks_do_not_wait_for_each_other(settings):
    """A block being written holds its block; a writer of another block goes on, a writer of the same
    block or of the whole scheme waits (here: gives up after its lock timeout)."""
    settings.GRADING_BLOCK_SUBJECTS = 10
    public = Scheme.objects.get(code="public").pk
    held, release = [], []

    def hold_block_zero():
        with transaction.atomic(), connection.cursor() as cursor:
            grading_lock(cursor, scheme_ids=[public], blocks=[0])
            held.append(True)
            while not release:
                time.sleep(0.01)

    thread = in_thread(hold_block_zero)
    try:
        while not held:
            time.sleep(0.01)

        def attempt(blocks) -> bool:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '300ms'")
                    grading_lock(cursor, scheme_ids=[public], blocks=blocks)
                return True
            except OperationalError:
                return False

        assert attempt([1]) is True
        assert attempt([0]) is False
        assert attempt([1, 0]) is False
        assert attempt(None) is False  # the whole scheme
    finally:
        release.append(True)
        thread.join(timeout=10)
    assert attempt(None) is True


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_night_on_two_real_workers_grades_every_block_once(worker_env, settings):
    """``grading.regrade_all`` with workers sends one task per block; two worker processes take them
    side by side and the county ends graded as the whole statement grades it."""
    from creditreg.celery import app
    from grading.tasks import regrade_all_task
    from tests.conftest import WorkerProcess

    rng = random.Random(20)
    firms = _county(
        [
            [
                {
                    "kind": rng.choice(["warning", "administrative_penalty", "commendation"]),
                    "severity": rng.choice(["minor", "general", "serious"]),
                    "document_number": f"夜-{n}-{m}",
                    "fine_total": "20000",
                    "days_ago": rng.randint(0, 300),
                    "status": "effective",
                    "is_current": True,
                    "external_grade": "",
                    "department": rng.choice(["fgw", "zjj"]),
                }
                for m in range(rng.randint(0, 3))
            ]
            for n in range(40)
        ]
    )
    settings.GRADING_BLOCK_SUBJECTS = 5
    env = {**worker_env, "CREDITREG_BLOCK_SUBJECTS": "5"}
    workers = [WorkerProcess(env), WorkerProcess(env)]
    app.conf.task_always_eager = False
    try:
        for worker in workers:
            worker.start()
        sent = regrade_all_task.delay(AS_OF.isoformat()).get(timeout=60)
        assert sent["as_of"] == AS_OF.isoformat() and sent["blocks"] == len(nightly_blocks()) >= 8
        # Each block's result: its counts per scheme; the department schemes commit with the county.
        results = [AsyncResult(task_id, app=app).get(timeout=90) for task_id in sent["tasks"]]
        assert all(
            set(result) == {f"{s.code}:{getattr(d, 'code', '')}" for s, d in grading_targets()}
            for result in results
        )
        assert sum(result["public:"]["graded"] for result in results) == len(firms)
    finally:
        app.conf.task_always_eager = True
        for worker in workers:
            worker.close()
    by_workers = _stored()
    counts = regrade_all(as_of=AS_OF, source=GradeSource.NIGHTLY)
    assert all(c["changed"] == 0 for c in counts.values()), counts
    assert _stored() == by_workers
