"""The audit chain on PostgreSQL: the append-only trigger, and writers in parallel transactions
(issue 13). Real connections in threads: the order of commits is what these tests are about."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditHead, AuditLog
from audit.selectors import audit_chain_verify
from audit.services import audit_chain_extend, audit_log_write
from tests.conftest import service_unavailable
from tests.threads import in_thread


@pytest.fixture(autouse=True)
def postgres(db):
    if connection.vendor != "postgresql":
        service_unavailable("the append-only trigger and parallel writers need PostgreSQL (DATABASE_URL)")


def entry(**extra) -> AuditLog:
    return audit_log_write(actor=None, action="test.write", after={"n": 1}, **extra)


def test_the_trigger_refuses_update_and_delete():
    e = entry()
    audit_chain_extend()
    e.refresh_from_db()
    for statement in (
        lambda: AuditLog.objects.filter(pk=e.pk).update(reason="改过"),
        lambda: AuditLog.objects.filter(pk=e.pk).update(seq=99),
        lambda: AuditLog.objects.filter(pk=e.pk).update(chain_hash="0" * 64),
        lambda: AuditLog.objects.filter(pk=e.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            statement()
    assert AuditLog.objects.filter(pk=e.pk, reason="", seq=e.seq, chain_hash=e.chain_hash).exists()


def test_the_trigger_lets_only_the_chain_columns_be_set_once_from_empty():
    e = entry()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        # Setting the chain columns and changing the content at once is refused.
        AuditLog.objects.filter(pk=e.pk).update(seq=1, chain_hash="a" * 64, hash_algorithm="sm3", reason="x")
    AuditLog.objects.filter(pk=e.pk).update(seq=1, chain_hash="a" * 64, hash_algorithm="sm3")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=e.pk).update(seq=2, chain_hash="b" * 64, hash_algorithm="sm3")


def test_the_heads_sent_are_append_only():
    head = AuditHead.objects.create(day="2026-11-28", seq=1, chain_hash="a" * 64, hash_algorithm="sm3")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditHead.objects.filter(pk=head.pk).update(seq=2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditHead.objects.filter(pk=head.pk).delete()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_writers_get_a_gapless_chain_in_commit_order():
    """Two transactions commit in the opposite order of their entries' ids: the later id, committed
    first, is numbered first. Each transaction's own post-commit step does the chaining."""
    first_inserted, second_committed = threading.Event(), threading.Event()
    ids = {}
    errors = []

    def early_id_late_commit():
        try:
            with transaction.atomic():
                ids["early"] = entry(reason="early id").pk
                first_inserted.set()
                assert second_committed.wait(30)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def late_id_early_commit():
        try:
            assert first_inserted.wait(30)
            with transaction.atomic():
                ids["late"] = entry(reason="late id").pk
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            second_committed.set()

    threads = [in_thread(early_id_late_commit), in_thread(late_id_early_commit)]
    for thread in threads:
        thread.join(60)
    assert not errors
    assert ids["early"] < ids["late"]
    seq = dict(AuditLog.objects.values_list("id", "seq"))
    assert seq[ids["late"]] == 1 and seq[ids["early"]] == 2
    verdict = audit_chain_verify()
    assert verdict.intact and verdict.checked == 2 and verdict.unchained == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_parallel_writers_get_one_gapless_chain():
    errors = []

    def writer():
        try:
            for _ in range(10):
                with transaction.atomic():
                    entry()
                    entry()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [in_thread(writer) for _ in range(4)]
    for thread in threads:
        thread.join(120)
    assert not errors
    audit_chain_extend()  # the catch-up, for a step that found the lock taken at its very end
    assert sorted(AuditLog.objects.values_list("seq", flat=True)) == list(range(1, 81))
    assert audit_chain_verify().intact


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_post_commit_step_does_not_wait_for_a_chaining_step_in_progress():
    locked, release = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(b"auditchn", "big")])
            locked.set()
            release.wait(30)

    thread = in_thread(holder)
    try:
        assert locked.wait(30)
        with transaction.atomic():
            e = entry()
        # Committed, and back here although the lock is held: the entry waits for the catch-up.
        assert AuditLog.objects.get(pk=e.pk).seq is None
    finally:
        release.set()
        thread.join(30)
    audit_chain_extend()
    assert AuditLog.objects.get(pk=e.pk).seq == 1
