"""The tamper-evident audit chain (issue 13; SPEC §7 ``audit_verify``; audit/chain.py)."""

import datetime
import io
import json
from contextlib import contextmanager

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from audit import chain
from audit.models import AuditHead, AuditLog
from audit.selectors import audit_chain_verify
from audit.services import audit_chain_extend, audit_log_write
from exchange.audit_head import audit_head_send
from exchange.models import OutboxItem, OutboxType
from exchange.tasks import audit_head_send_task
from subjects.models import Subject, SubjectKind
from subjects.services import subjects_register_bulk
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db


def write(n: int, start: int = 0) -> list[AuditLog]:
    return [audit_log_write(actor=None, action="test.write", after={"i": i}) for i in range(start, start + n)]


def chained(n: int) -> list[AuditLog]:
    write(n)
    audit_chain_extend()
    return list(AuditLog.objects.order_by("seq"))


@contextmanager
def tampering():
    """What a database superuser does on PostgreSQL to get past the trigger: run as a replica, which
    fires no ordinary trigger (for the test's transaction only). SQLite has no trigger to get past."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


def verify_command() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_every_column_is_hashed():
    columns = {f.attname for f in AuditLog._meta.concrete_fields}
    assert columns == set(chain.CONTENT_FIELDS) | set(chain.CHAIN_FIELDS)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


@given(
    pk=st.integers(min_value=1),
    seq=st.integers(min_value=1),
    created=st.text(),
    actor=st.none() | st.integers(min_value=1),
    texts=st.lists(st.text(), min_size=5, max_size=5),
    target_type=st.none() | st.integers(min_value=1),
    before=st.none() | st.dictionaries(st.text(), JSON_VALUES, max_size=5),
    after=st.none() | st.dictionaries(st.text(), JSON_VALUES, max_size=5),
    algorithm=st.sampled_from(chain.ALGORITHMS),
)
def test_the_fast_canonical_form_is_the_sorted_key_json(
    pk, seq, created, actor, texts, target_type, before, after, algorithm
):
    label, action, target_id, target_repr, reason = texts
    values = (pk, created, actor, label, action, target_type, target_id, target_repr, before, after, reason)
    fast = chain.canonical(values, seq=seq, algorithm=algorithm)
    assert fast == chain.canonical_reference(values, seq=seq, algorithm=algorithm)
    assert json.loads(fast)["seq"] == seq


def test_sm3_is_the_standard_one():
    # GB/T 32905-2016 Appendix A, examples 1 and 2; the fallback and OpenSSL's agree.
    from gmssl import func, sm3

    vectors = {
        b"abc": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
        b"abcd" * 16: "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
    }
    for message, expected in vectors.items():
        assert chain.hasher("sm3")(message) == expected
        assert sm3.sm3_hash(func.bytes_to_list(message)) == expected


def test_entries_are_chained_after_their_commit_one_step_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        write(3)
    assert len(callbacks) == 1
    entries = list(AuditLog.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert [e.id for e in entries] == sorted(e.id for e in entries)
    previous = chain.GENESIS
    for entry in entries:
        assert entry.hash_algorithm == "sm3" and len(entry.chain_hash) == 64
        values = chain.entry_values(entry.pk)
        assert entry.chain_hash == chain.link(previous, values, seq=entry.seq, algorithm="sm3")
        previous = entry.chain_hash
    write(2)
    audit_chain_extend()  # the catch-up numbers on from the head
    assert list(AuditLog.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert audit_chain_verify().intact


def test_the_bulk_writer_chains_too(django_capture_on_commit_callbacks):
    subjects = [
        Subject(kind=SubjectKind.LEGAL_PERSON, code=make_uscc(), name=f"批量登记{i}有限公司")
        for i in range(30)
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        subjects_register_bulk(actor=None, subjects=subjects)
    assert len(callbacks) == 1
    entries = AuditLog.objects.filter(action="subject.create")
    assert entries.count() == 30 and not entries.filter(seq__isnull=True).exists()
    assert sorted(entries.values_list("seq", flat=True)) == list(range(1, 31))
    assert audit_chain_verify().intact


@override_settings(AUDIT_CHAIN_STEP_LIMIT=4)
def test_a_backlog_over_the_step_limit_goes_to_the_chain_task(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        write(11)
    # Tasks run inline here: the step chained 4, the task the other 7.
    assert sorted(AuditLog.objects.values_list("seq", flat=True)) == list(range(1, 12))


def test_the_algorithm_is_recorded_per_entry_and_a_switch_still_verifies():
    with override_settings(AUDIT_HASH_ALGORITHM="sha256"):
        chained(2)
    write(2)
    audit_chain_extend()
    assert list(AuditLog.objects.order_by("seq").values_list("hash_algorithm", flat=True)) == [
        "sha256",
        "sha256",
        "sm3",
        "sm3",
    ]
    verdict = audit_chain_verify()
    assert verdict.intact and verdict.checked == 4 and verdict.algorithms == {"sha256", "sm3"}


def test_verify_passes_on_an_intact_chain_and_counts_what_waits():
    chained(5)
    write(2)
    verdict = audit_chain_verify()
    assert verdict.intact and verdict.checked == 5 and verdict.unchained == 2
    code, output = verify_command()  # chains the two waiting first
    assert code == 0 and "audit chain intact: 7 entries (sm3)" in output


def test_verify_names_a_changed_entry():
    chained(5)
    with tampering():
        AuditLog.objects.filter(seq=3).update(reason="改过")
    assert audit_chain_verify().first_bad == 3
    code, output = verify_command()
    assert code == 1 and "first bad entry: 3" in output


def test_verify_names_a_changed_entry_whose_hash_was_recomputed_as_the_next_one():
    entries = chained(5)
    values = list(chain.entry_values(entries[2].pk))
    values[chain.CONTENT_FIELDS.index("actor_label")] = "someone-else"
    forged = chain.link(entries[1].chain_hash, tuple(values), seq=3, algorithm="sm3")
    with tampering():
        AuditLog.objects.filter(seq=3).update(actor_label="someone-else", chain_hash=forged)
    # Entry 3 is now consistent with itself, but entry 4 was built on the real entry 3.
    assert audit_chain_verify().first_bad == 4


def test_verify_names_a_removed_entry():
    chained(5)
    with tampering():
        AuditLog.objects.filter(seq=2).delete()
    assert audit_chain_verify().first_bad == 2
    code, output = verify_command()
    assert code == 1 and "first bad entry: 2" in output


def test_verify_names_a_removed_entry_when_the_rest_was_renumbered():
    chained(5)
    with tampering():
        AuditLog.objects.filter(seq=2).delete()
        for seq in (3, 4, 5):
            AuditLog.objects.filter(seq=seq).update(seq=seq - 1)
    assert audit_chain_verify().first_bad == 2


def test_verify_names_an_inserted_entry():
    entries = chained(5)
    forged = AuditLog(actor_label="system", action="record.delete", reason="补录")
    with tampering():
        for seq in (5, 4, 3):  # make room for a new entry 3
            AuditLog.objects.filter(seq=seq).update(seq=seq + 1)
        forged.save()
        values = chain.entry_values(forged.pk)
        forged_hash = chain.link(entries[1].chain_hash, values, seq=3, algorithm="sm3")
        AuditLog.objects.filter(pk=forged.pk).update(seq=3, chain_hash=forged_hash, hash_algorithm="sm3")
    verdict = audit_chain_verify()
    assert verdict.first_bad == 3 and "插入" in verdict.problem


def test_verify_names_an_inserted_entry_with_a_made_up_hash():
    chained(4)
    with tampering():
        AuditLog.objects.create(
            actor_label="system", action="x", seq=5, chain_hash="ab" * 32, hash_algorithm="sm3"
        )
    assert audit_chain_verify().first_bad == 5


def test_a_truncated_tail_is_caught_against_the_last_head_sent():
    chained(6)
    audit_head_send(day=datetime.date(2026, 11, 28))
    with tampering():
        AuditLog.objects.filter(seq__gte=5).delete()
    verdict = audit_chain_verify()
    assert verdict.first_bad == 5 and "2026-11-28" in verdict.problem
    code, output = verify_command()
    assert code == 1 and "first bad entry: 5" in output


def test_a_tail_cut_and_written_again_is_caught_against_the_head_sent():
    chained(6)
    audit_head_send(day=datetime.date(2026, 11, 28))
    with tampering():
        AuditLog.objects.filter(seq__gte=5).delete()
    write(2)  # the same numbers again, other content
    audit_chain_extend()
    assert audit_chain_verify().first_bad == 1


def test_a_history_rewritten_with_every_hash_recomputed_is_caught_between_the_heads_sent():
    chained(3)
    audit_head_send(day=datetime.date(2026, 11, 27))
    write(3)
    audit_chain_extend()
    audit_head_send(day=datetime.date(2026, 11, 28))
    with tampering():
        AuditLog.objects.filter(seq=5).update(reason="改写")
        previous = AuditLog.objects.get(seq=4).chain_hash
        for seq in (5, 6):
            values = chain.entry_values(AuditLog.objects.get(seq=seq).pk)
            previous = chain.link(previous, values, seq=seq, algorithm="sm3")
            AuditLog.objects.filter(seq=seq).update(chain_hash=previous)
    verdict = audit_chain_verify()
    # The chain holds together, but no longer leads to the head of the 28th; the 27th still matches.
    assert verdict.first_bad == 4 and "2026-11-28" in verdict.problem


def test_the_head_goes_to_the_outbox_once_a_day():
    chained(3)
    first = audit_head_send(day=datetime.date(2026, 11, 28))
    again = audit_head_send(day=datetime.date(2026, 11, 28))
    assert first.created and not again.created
    items = OutboxItem.objects.filter(type=OutboxType.AUDIT_HEAD)
    assert items.count() == 1
    head = AuditLog.objects.get(seq=3)
    assert items.get().payload == {
        "date": "2026-11-28",
        "seq": 3,
        "hash": head.chain_hash,
        "algorithm": "sm3",
        "sent_at": items.get().payload["sent_at"],
    }
    write(1)  # the next day's head covers the entry chained since
    result = audit_head_send_task.delay().get()
    assert result["created"] and result["seq"] == 4
    assert items.count() == 2 and AuditHead.objects.count() == 2


def test_no_head_is_sent_for_an_empty_chain():
    assert audit_head_send(day=datetime.date(2026, 11, 28)).head is None
    assert not OutboxItem.objects.filter(type=OutboxType.AUDIT_HEAD).exists()


def test_admin_list_shows_sequence_and_short_hash(client, credit_office_user):
    chained(2)
    entry = AuditLog.objects.get(seq=2)
    client.force_login(credit_office_user)
    page = client.get(reverse("admin:audit_auditlog_changelist")).content.decode()
    assert f"sm3:{entry.chain_hash[:12]}" in page and entry.chain_hash not in page
    head = audit_head_send(day=datetime.date(2026, 11, 28)).head
    heads = client.get(reverse("admin:audit_audithead_changelist")).content.decode()
    assert "2026年11月28日" in heads and head.chain_hash in heads
    assert not site._registry[AuditHead].has_delete_permission(None)
