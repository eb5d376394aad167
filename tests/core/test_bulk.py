"""``core.bulk.rows_insert`` writes the rows ``bulk_create`` would write (by COPY on PostgreSQL): the
same values, whatever characters the text holds, and the keys set on the objects."""

from decimal import Decimal

import pytest
from django.db import transaction

from audit.models import AuditLog
from core.bulk import new_instances, rows_insert
from records.models import CreditRecord
from records.services import record_create
from tests.factories import make_company
from tests.records.conftest import penalty_input

pytestmark = pytest.mark.django_db

# What COPY's text format escapes (tab, newline, carriage return, backslash), and its own markers.
AWKWARD = "tab\there\nnew line\r\nback\\slash \\N \\. 中文"


def test_rows_come_back_as_written_with_their_keys():
    entries = [
        AuditLog(
            actor_label="system",
            action="test.bulk",
            target_id=str(i),
            reason=AWKWARD,
            before=None,
            after={"text": AWKWARD, "n": i, "amount": "1.50"},
        )
        for i in range(3)
    ]
    written = rows_insert(entries, batch_size=2)
    assert all(e.pk is not None and not e._state.adding for e in written)
    stored = list(AuditLog.objects.filter(action="test.bulk").order_by("id"))
    assert [e.pk for e in stored] == [e.pk for e in written]
    assert [(e.target_id, e.reason, e.before, e.after) for e in stored] == [
        (str(i), AWKWARD, None, {"text": AWKWARD, "n": i, "amount": "1.50"}) for i in range(3)
    ]
    assert all(e.created_at is not None for e in stored)  # auto_now_add, as bulk_create sets it


def test_a_record_entered_by_hand_keeps_its_text_and_amounts(clerk):
    firm = make_company("某批量写入测试有限公司")
    record = record_create(actor=clerk, subject=firm, data=penalty_input(content=AWKWARD.strip()))
    record.refresh_from_db()
    assert record.content == AWKWARD.strip()
    assert record.fine_total == Decimal("5000")
    assert sorted((s.kind.name, s.fine_amount) for s in record.sanctions.all()) == [
        ("罚款", Decimal("5000.00")),
        ("警告", None),
    ]


def test_new_instances_are_what_the_keyword_constructor_makes(django_assert_num_queries):
    firm = make_company("某实例测试有限公司")
    by_keywords = AuditLog(actor_label="system", action="test.new", target_type=None, reason="r")
    (made,) = new_instances(
        AuditLog, [dict(actor_label="system", action="test.new", target_type=None, reason="r")]
    )
    fields = [f.attname for f in AuditLog._meta.concrete_fields]
    assert [getattr(made, f) for f in fields] == [getattr(by_keywords, f) for f in fields]
    (record,) = new_instances(CreditRecord, [dict(subject=firm, document_number="1")])
    with django_assert_num_queries(0):  # the related object given is kept, as assigning it keeps it
        assert record.subject is firm and record.subject_id == firm.pk
    assert record.is_current and record.version == 1  # the other fields take their defaults
    with pytest.raises(TypeError):
        new_instances(AuditLog, [dict(no_such_field=1)])


def test_a_nul_character_fails_as_it_fails_bulk_create():
    def outcome(write):
        try:
            with transaction.atomic():
                write([AuditLog(actor_label="system", action="test.nul", reason="a\x00b")])
        except Exception as exc:  # noqa: BLE001 - the kind of failure is what is compared
            return type(exc)
        return None

    assert outcome(rows_insert) == outcome(AuditLog.objects.bulk_create)
