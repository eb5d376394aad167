"""One intake writer: the web form's entry and the spreadsheet import write the same rows under the
same duplicate key, and the 双公示 columns the platform export writes are the ones the import reads."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Department, Role
from exchange.formats import workbooks_for
from exchange.models import OutboxItem, OutboxType
from records.importing import records_import
from records.models import CreditRecord, RecordStatus
from records.services import record_approve, record_create, record_submit
from records.spreadsheets import GENERAL_COLUMNS
from records.validation import SanctionInput
from tests.factories import make_company, make_resident_id, make_user

from .conftest import penalty_input

pytestmark = pytest.mark.django_db


def _csv(rows: list[list]) -> bytes:
    return "\r\n".join(",".join(str(v) for v in row) for row in [GENERAL_COLUMNS, *rows]).encode("utf-8")


def test_a_form_entry_and_an_import_share_the_duplicate_key_and_the_first_lines(clerk, firm):
    fgw = Department.objects.get(code="fgw")
    entered = record_create(actor=clerk, subject=firm, data=penalty_input())
    # What the writer adds to every new record: its history row and its first status line.
    assert [(h.history_type, h.history_user) for h in entered.history.all()] == [("+", clerk)]
    assert [(t.from_status, t.to_status, t.actor) for t in entered.transitions.all()] == [
        ("", RecordStatus.DRAFT, clerk)
    ]
    # The same violation in a file of the same department is already entered ...
    row = [firm.name, "法人", firm.code, "行政处罚", "西发改罚〔2026〕1号", "2026-03-02", "警告;罚款", "5000"]
    row += ["", "未按规定公示价格"]
    batch = records_import(content=_csv([row]), file_name="again.csv", department=fgw, actor=clerk).batch
    assert (batch.rows_created, batch.rows_duplicate) == (0, 1)
    # ... and a violation imported first cannot be entered by the form.
    other = row[:4] + ["西发改罚〔2026〕2号"] + row[5:]
    batch = records_import(content=_csv([other]), file_name="new.csv", department=fgw, actor=clerk).batch
    assert batch.rows_created == 1
    imported = CreditRecord.objects.get(import_batch=batch)
    assert [h.history_type for h in imported.history.all()] == ["+"]
    with pytest.raises(ValidationError) as exc:
        record_create(actor=clerk, subject=firm, data=penalty_input(document_number="西发改罚〔2026〕2号"))
    assert str(imported.pk) in " ".join(exc.value.message_dict["document_number"])


def test_the_platform_export_reads_back_through_the_import(clerk, reviewer):
    """The 双公示 columns and their 万元 are one spec: a record exported for the platform and imported
    by another department comes back with the same subject, decision and sanctions in yuan."""
    firm = make_company("西峡县回读测试有限公司", rep=(make_resident_id("19750505"), "李四"))
    draft = record_create(
        actor=clerk,
        subject=firm,
        data=penalty_input(
            sanctions=[
                SanctionInput("警告"),
                SanctionInput("罚款", "12500"),
                SanctionInput("confiscation", "300"),
            ]
        ),
    )
    record_approve(actor=reviewer, record=record_submit(actor=clerk, record=draft))
    item = OutboxItem.objects.get(type=OutboxType.RECORD_EFFECTIVE, idempotency_key__endswith=str(draft.pk))
    [(suffix, content, rows)] = workbooks_for([{"type": item.type, "payload": item.payload}])
    assert (suffix, rows) == ("行政处罚", 1)
    scjg_clerk = make_user(Role.CLERK, "scjg", username="scjg-clerk")
    batch = records_import(
        content=content, file_name="platform.xlsx", department=scjg_clerk.department, actor=scjg_clerk
    ).batch
    assert (batch.template, batch.rows_created, batch.rows_rejected) == ("penalty", 1, 0)
    back = CreditRecord.objects.get(import_batch=batch)
    assert (back.subject, back.document_number, back.matter, back.decision_date) == (
        firm,
        draft.document_number,
        draft.matter,
        datetime.date(2026, 3, 2),
    )
    amounts = {s.kind.code: s.fine_amount for s in back.sanctions.all()}
    assert amounts == {"warning": None, "fine": Decimal("12500"), "confiscation": Decimal("300")}
    assert back.fine_total == draft.fine_total
