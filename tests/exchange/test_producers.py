"""Results the platform must get are queued in the transaction that produced them (issue item 1)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accounts.models import Department, Role
from exchange.models import OutboxItem, OutboxStatus, OutboxType
from grading.models import EvaluationRun
from grading.runs import run_publish
from records.importing import records_import
from records.models import RecordStatus
from records.services import (
    record_approve,
    record_correction_start,
    record_create,
    record_repair,
    record_revoke,
    record_submit,
)
from records.spreadsheets import GENERAL_COLUMNS
from records.validation import RecordInput, SanctionInput
from tests.factories import make_company, make_person, make_uscc, make_user

pytestmark = pytest.mark.django_db


def penalty(**overrides) -> RecordInput:
    values = dict(
        kind="行政处罚",
        document_number="西发改罚〔2026〕7号",
        decision_date=datetime.date(2026, 3, 2),
        matter="未按规定公示价格",
        content="经查，该公司未按规定明码标价。",
        sanctions=[SanctionInput("警告"), SanctionInput("罚款", "25000")],
    )
    values.update(overrides)
    return RecordInput(**values)


def effective(clerk, reviewer, subject, **overrides):
    record = record_create(actor=clerk, subject=subject, data=penalty(**overrides))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


def test_an_approved_record_is_queued_once_with_subject_and_sanctions(clerk, reviewer):
    firm = make_company("西峡县推送测试有限公司")
    record = record_create(actor=clerk, subject=firm, data=penalty())
    record_submit(actor=clerk, record=record)
    assert not OutboxItem.objects.exists()  # a draft or a submitted record is not the platform's business
    record = record_approve(actor=reviewer, record=record)
    item = OutboxItem.objects.get()
    assert item.idempotency_key == f"record.effective:{record.pk}"
    assert item.type == OutboxType.RECORD_EFFECTIVE and item.status == OutboxStatus.PENDING
    p = item.payload
    assert (p["subject_code"], p["subject_name"], p["subject_kind"]) == (firm.code, firm.name, "legal_person")
    assert (p["record_id"], p["document_number"], p["decision_date"]) == (
        record.pk,
        "西发改罚〔2026〕7号",
        "2026-03-02",
    )
    assert p["kind"] == "administrative_penalty" and p["department"] == "fgw"
    assert p["fine_total_wan"] == "2.5" and p["status"] == "effective"
    assert [s["kind"] for s in p["sanctions"]] == ["warning", "fine"]


def test_a_complainant_never_reaches_the_payload(clerk, reviewer):
    firm = make_company()
    data = RecordInput(
        kind="投诉举报",
        document_number="投诉〔2026〕3号",
        decision_date=datetime.date(2026, 5, 1),
        matter="价格欺诈",
        complainant_name="李秘密",
        complainant_contact="13900000000",
    )
    record = record_create(actor=clerk, subject=firm, data=data)
    record_submit(actor=clerk, record=record)
    record_approve(actor=reviewer, record=record)
    text = str(OutboxItem.objects.get().payload)
    assert "李秘密" not in text and "13900000000" not in text


def test_revoke_repair_and_correction_are_queued(clerk, reviewer):
    firm = make_company()
    first = effective(clerk, reviewer, firm)
    second = effective(clerk, reviewer, firm, document_number="西发改罚〔2026〕8号")
    third = effective(clerk, reviewer, firm, document_number="西发改罚〔2026〕9号")
    record_revoke(actor=reviewer, record=first, reason="异议成立，予以撤销")
    record_repair(actor=reviewer, record=second, reason="已完成信用修复")
    new = record_correction_start(
        actor=reviewer, record=third, reason="金额更正", data=penalty(document_number="西发改罚〔2026〕9号")
    )
    record_submit(actor=reviewer, record=new)
    new = record_approve(actor=make_user(Role.REVIEWER, "fgw"), record=new)
    keys = set(OutboxItem.objects.values_list("idempotency_key", flat=True))
    assert keys == {
        f"record.effective:{first.pk}",
        f"record.effective:{second.pk}",
        f"record.effective:{third.pk}",
        f"record.revoked:{first.pk}",
        f"record.repaired:{second.pk}",
        f"record.corrected:{third.pk}",
        f"record.effective:{new.pk}",
    }
    revoked = OutboxItem.objects.get(idempotency_key=f"record.revoked:{first.pk}").payload
    assert revoked["reason"] == "异议成立，予以撤销" and revoked["status"] == "revoked"
    assert (
        OutboxItem.objects.get(idempotency_key=f"record.effective:{new.pk}").payload["replaces_record_id"]
        == third.pk
    )


def test_an_illegal_transition_queues_nothing(clerk, reviewer):
    firm = make_company()
    record = effective(clerk, reviewer, firm)
    record_revoke(actor=reviewer, record=record, reason="撤销")
    before = OutboxItem.objects.count()
    with pytest.raises(ValidationError):
        record_repair(actor=reviewer, record=record, reason="修复")
    with pytest.raises(ValidationError):
        record_revoke(actor=reviewer, record=record, reason=" ")
    assert OutboxItem.objects.count() == before
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED


def _csv(rows: int, *, codes: list[str]) -> bytes:
    lines = [",".join(GENERAL_COLUMNS)]
    for i in range(rows):
        lines.append(
            f"推送导入{i % len(codes)}有限公司,法人,{codes[i % len(codes)]},行政处罚,西发改罚〔2025〕{i}号,"
            f"2026-0{1 + i % 9}-0{1 + i % 9},警告;罚款,{1000 + i},,事项{i}"
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_an_approved_import_queues_every_record_in_bulk(django_assert_max_num_queries):
    fgw = Department.objects.get(code="fgw")
    codes = [make_uscc() for _ in range(40)]
    small = _csv(20, codes=codes)
    records_import(content=small, file_name="small.csv", department=fgw, approve=True)
    assert OutboxItem.objects.filter(type=OutboxType.RECORD_EFFECTIVE).count() == 20
    # Ten times the rows, and the queries stay bounded (no query per row for the outbox).
    big_codes = [make_uscc() for _ in range(40)]
    big = _csv(200, codes=big_codes).replace("〔2025〕".encode(), "〔2024〕".encode())
    with django_assert_max_num_queries(60):
        result = records_import(content=big, file_name="big.csv", department=fgw, approve=True)
    assert result.batch.rows_created == 200
    assert OutboxItem.objects.filter(type=OutboxType.RECORD_EFFECTIVE).count() == 220
    payload = OutboxItem.objects.order_by("-id").first().payload
    assert payload["subject_code"] in big_codes and payload["subject_name"].startswith("推送导入")
    assert [s["kind"] for s in payload["sanctions"]] == ["warning", "fine"] and payload["department"] == "fgw"
    assert payload["status"] == "effective" and payload["subject_kind"] == "legal_person"
    # The same file again: all duplicates, nothing new queued.
    records_import(content=big, file_name="big.csv", department=fgw, approve=True)
    assert OutboxItem.objects.count() == 220


def test_an_import_awaiting_review_queues_nothing():
    fgw = Department.objects.get(code="fgw")
    records_import(content=_csv(5, codes=[make_uscc()]), file_name="a.csv", department=fgw)
    assert not OutboxItem.objects.exists()


def test_a_published_run_queues_every_grade_once(credit_office_user, clerk, reviewer):
    firms = [make_company() for _ in range(5)] + [make_person("王五")]
    effective(clerk, reviewer, firms[0], decision_date=datetime.date(2026, 6, 1))
    call_command("yearly_run", as_of="2026-12-15", scheme="public", stdout=io.StringIO())
    run = EvaluationRun.objects.get(scheme__code="public")
    assert not OutboxItem.objects.filter(type=OutboxType.GRADE_PUBLISHED).exists()  # under review
    run_publish(actor=credit_office_user, run=run)
    items = OutboxItem.objects.filter(type=OutboxType.GRADE_PUBLISHED)
    assert items.count() == 6 == run.grades.count()
    grade = run.grades.get(subject=firms[0])
    payload = items.get(idempotency_key=f"grade.published:{grade.pk}").payload
    assert payload["subject_code"] == firms[0].code and payload["subject_kind"] == "legal_person"
    assert payload["grade"] == grade.grade and payload["scheme"] == "public"
    assert payload["as_of"] == "2026-12-15" and payload["run_id"] == run.pk
    assert isinstance(payload["reasons"], list) and payload["reasons"]
    person = items.get(payload__subject_name="王五").payload
    assert person["subject_kind"] == "natural_person"
    run_publish(actor=credit_office_user, run=run)  # already published: nothing new
    assert items.count() == 6


def test_december_15_beat_entry_starts_every_schemes_run_once(settings):
    from grading.tasks import yearly_run_task

    entry = settings.CELERY_BEAT_SCHEDULE["grading-yearly-run"]
    assert entry["task"] == yearly_run_task.name
    assert entry["schedule"].month_of_year == {12} and entry["schedule"].day_of_month == {15}
    assert settings.CELERY_BEAT_SCHEDULE["exchange-deliver"]["task"] == "exchange.deliver"
    for _ in range(3):
        make_company()
    started = yearly_run_task.delay("2026-12-15").get()
    # The county run and each department's own A/B/C run (SPEC §3.6).
    assert {(s["scheme"], s["department"]) for s in started} == {
        ("public", None),
        ("abc", "fgw"),
        ("abc", "zjj"),
        ("abc", "scjg"),
        ("abc", "zfbz"),
    } and all(s["created"] for s in started)
    again = yearly_run_task.delay("2026-12-15").get()
    assert not any(s["created"] for s in again)
    assert EvaluationRun.objects.filter(as_of=datetime.date(2026, 12, 15)).count() == 5
    assert all(r.status == "completed" for r in EvaluationRun.objects.all())  # awaiting review


def test_yearly_run_command_for_any_date_publishes_and_queues_the_grades():
    for _ in range(4):
        make_company()
    call_command("yearly_run", as_of="2025-06-30", scheme="public", publish=True, stdout=io.StringIO())
    run = EvaluationRun.objects.get(scheme__code="public", as_of=datetime.date(2025, 6, 30))
    assert run.status == "published"
    items = OutboxItem.objects.filter(type=OutboxType.GRADE_PUBLISHED)
    assert items.count() == 4 and {i.payload["as_of"] for i in items} == {"2025-06-30"}
    # A department scheme asked for alone: its runs are published; none of these firms is a
    # department's subject yet, so none is graded (SPEC §3.6).
    out = io.StringIO()
    call_command("yearly_run", as_of="2025-06-30", scheme="abc", publish=True, stdout=out)
    runs = EvaluationRun.objects.filter(scheme__code="abc", as_of=datetime.date(2025, 6, 30))
    assert runs.count() == 4 and {r.status for r in runs} == {"published"}
    zjj = next(line for line in out.getvalue().splitlines() if line.startswith("abc:zjj v"))
    assert zjj.endswith("as of 2025-06-30: published, 0/0 subjects graded, 0.0 s"), zjj
    call_command("yearly_run", as_of="2025-06-30", scheme="abc", publish=True, stdout=io.StringIO())
    assert items.count() == 4
