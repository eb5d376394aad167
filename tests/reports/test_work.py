"""The work sections of the summary — measures applied, reminders and interviews, objections (on time
or late), credit repair — made through each app's services and counted here independently."""

import datetime
import io
from collections import Counter

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Department
from measures.models import Measure, MeasureApplication, MeasureKind
from measures.services import measure_application_record
from objections.models import Objection
from objections.services import objection_accept, objection_file, objection_reject
from reminders.models import Reminder, ReminderStatus
from reminders.services import PersonInput, reminder_register
from repair.models import RepairApplication
from repair.services import repair_accept, repair_apply, repair_approve
from reports.selectors import summary_build
from reports.spreadsheet import summary_workbook
from tests.factories import make_company, make_resident_id
from tests.objections.conftest import pdf, register_linked

from .conftest import effective

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(county, clerk, reviewer, scjg_clerk, scjg_reviewer, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    firms = county.firms
    incentive = Measure.objects.filter(is_active=True, kind=MeasureKind.INCENTIVE).first()
    punishment = Measure.objects.filter(is_active=True, kind=MeasureKind.PUNISHMENT).first()
    for actor, measure, firm, day, outcome in [
        (clerk, incentive, firms[1], today.replace(month=1, day=5), "applied"),
        (clerk, punishment, firms[0], today.replace(month=1, day=6), "rectified"),
        (scjg_reviewer, punishment, firms[2], today.replace(month=1, day=7), "not_applicable"),
        (
            clerk,
            incentive,
            firms[1],
            today.replace(year=today.year - 1, month=7, day=1),
            "applied",
        ),  # last year
    ]:
        measure_application_record(
            actor=actor, measure=measure, subject=firm, applied_on=day, outcome=outcome
        )

    # Recent general dishonesty falls due for a reminder (reminders_sync after intake); fgw registers
    # its reminder in writing, scjg's stays due.
    rep = make_resident_id("19700101")
    firm = make_company("西峡县年度总结测试有限公司", rep=(rep, "赵法人"))
    with django_capture_on_commit_callbacks(execute=True):  # the intake hook runs after commit
        fgw_record = effective(clerk, reviewer, firm, document_number="发改罚近1", decision_date=today)
        effective(scjg_clerk, scjg_reviewer, firms[3], document_number="市监罚近1", decision_date=today)
    reminder = Reminder.objects.get(record=fgw_record)
    reminder_register(
        actor=reviewer,
        reminder=reminder,
        method="written",
        held_at=timezone.now(),
        content="书面提醒依法诚信经营。",
        persons=[PersonInput(name="赵法人", role="principal", position="法定代表人")],
    )

    # Objections: one decided on time, one decided after its deadline, one still open past it.
    user = register_linked(firm, "zhao-firm")
    records = [fgw_record] + [
        effective(clerk, reviewer, firm, document_number=f"发改罚异{i}", decision_date=today) for i in (1, 2)
    ]
    objections = [
        objection_file(actor=user, reasons="处罚事实有误", record=r, files=[pdf()]) for r in records
    ]
    for objection in objections[:2]:
        objection_accept(actor=reviewer, objection=objection)
        objection_reject(actor=reviewer, objection=objection, reason="经复核，事实清楚")
    # Time passes for the last two: their deadlines lie behind the decision, and behind today.
    Objection.objects.filter(pk__in=[objections[1].pk, objections[2].pk]).update(
        deadline=today - datetime.timedelta(days=3)
    )

    # Repair: the fine of 2025 approved as repaired; scjg's fine of 2026 applied for, not yet handled.
    first = next(r for r in county.fgw_records if r.document_number == "发改罚1")
    application = repair_apply(
        actor=reviewer,
        record=first,
        statement="已缴纳罚款并完成整改",
        proofs=[("commitment", pdf("承诺书.pdf"))],
    )
    repair_accept(actor=reviewer, application=application)
    repair_approve(actor=reviewer, application=application)
    repair_apply(
        actor=scjg_reviewer,
        record=county.scjg_records[0],
        statement="已整改到位",
        proofs=[("commitment", pdf("承诺书.pdf")), ("rectification", pdf("整改报告.pdf"))],
    )
    return today


def _rows(table):
    return {row.key: row.values for row in table.rows}


def _by_department(rows, **columns):
    """department code -> [count of the rows matching each column's predicate]"""
    out: dict[str, list[int]] = {}
    for row in rows:
        counts = out.setdefault(row.department.code, [0] * len(columns))
        for i, predicate in enumerate(columns.values()):
            counts[i] += bool(predicate(row))
    return out


def _check(table, expected: dict[str, list[int]]):
    rows = _rows(table)
    for code, counts in expected.items():
        assert rows[code] == counts, (table.key, code)
    width = len(next(iter(expected.values())))
    assert table.totals == [sum(c[i] for c in expected.values()) for i in range(width)], table.key
    for code, values in rows.items():  # departments without rows show zeros
        assert code in expected or values == [0] * width


def test_every_work_section_matches_the_database(work):
    today = work
    summary = summary_build(year=today.year)

    applications = MeasureApplication.objects.filter(applied_on__year=today.year).select_related(
        "measure", "department"
    )
    _check(
        summary.table("measures"),
        _by_department(
            applications,
            total=lambda a: True,
            incentive=lambda a: a.measure.kind == "incentive",
            management=lambda a: a.measure.kind == "management",
            punishment=lambda a: a.measure.kind == "punishment",
            rectified=lambda a: a.outcome == "rectified",
            not_applied=lambda a: a.outcome == "not_applicable",
        ),
    )
    assert summary.table("measures").totals[:4] == [3, 1, 0, 2]

    reminders = Reminder.objects.filter(due_date__year=today.year).select_related("department")
    done = ("done", "rectified", "escalated")
    _check(
        summary.table("reminders"),
        _by_department(
            reminders,
            total=lambda r: True,
            oral=lambda r: r.status in done and r.method == "oral",
            written=lambda r: r.status in done and r.method == "written",
            interview=lambda r: r.status in done and r.method == "interview",
            rectified=lambda r: r.status == "rectified",
            escalated=lambda r: r.status == "escalated",
            due=lambda r: r.status == "due",
            overdue=lambda r: r.status == "due" and r.due_date < today,
            cancelled=lambda r: r.status == "cancelled",
        ),
    )
    assert Reminder.objects.filter(status=ReminderStatus.DONE, method="written").count() >= 1

    objections = Objection.objects.filter(submitted_at__year=today.year).select_related("department")
    decided = ("upheld", "partly_upheld", "rejected")

    def on_time(o):
        return o.status in decided and timezone.localtime(o.decided_at).date() <= o.deadline

    def late(o):
        return o.status in decided and timezone.localtime(o.decided_at).date() > o.deadline

    table = summary.table("objections")
    _check(
        table,
        _by_department(
            objections,
            total=lambda o: True,
            records=lambda o: o.target == "record",
            grades=lambda o: o.target == "grade",
            upheld=lambda o: o.status == "upheld",
            partly=lambda o: o.status == "partly_upheld",
            rejected=lambda o: o.status == "rejected",
            on_time=on_time,
            late=late,
            open=lambda o: o.status in ("submitted", "accepted"),
            open_late=lambda o: o.status in ("submitted", "accepted") and o.deadline < today,
        ),
    )
    assert _rows(table)["fgw"][6:10] == [1, 1, 1, 1]

    repairs = RepairApplication.objects.filter(submitted_at__year=today.year).select_related("department")
    table = summary.table("repairs")
    _check(
        table,
        _by_department(
            repairs,
            total=lambda a: True,
            approved=lambda a: a.status == "approved",
            refused=lambda a: a.status == "refused",
            withdrawn=lambda a: a.status == "withdrawn",
            on_time=lambda a: (
                a.status in ("approved", "refused") and timezone.localtime(a.decided_at).date() <= a.due_on
            ),
            late=lambda a: (
                a.status in ("approved", "refused") and timezone.localtime(a.decided_at).date() > a.due_on
            ),
            open=lambda a: a.status in ("submitted", "accepted"),
            open_late=lambda a: a.status in ("submitted", "accepted") and a.due_on < today,
        ),
    )
    assert _rows(table)["fgw"][:2] == [1, 1] and _rows(table)["scjg"][0] == 1


def test_a_department_summary_holds_only_its_own_work(work):
    today = work
    fgw = Department.objects.get(code="fgw")
    summary = summary_build(year=today.year, department=fgw)
    for key in ("measures", "reminders", "objections", "repairs"):
        assert [row.key for row in summary.table(key).rows] == ["fgw"], key
    assert (
        summary.table("measures").totals[0]
        == MeasureApplication.objects.filter(department=fgw, applied_on__year=today.year).count()
    )
    assert summary.table("objections").totals[0] == Objection.objects.filter(department=fgw).count() == 3


def _sheet_total(wb, name):
    rows = list(wb[name].iter_rows(values_only=True))
    return next(row for row in rows if row and row[0] == "合计")


def test_the_spreadsheet_and_the_page_carry_the_work_sections(work, client, credit_office_user):
    today = work
    wb = load_workbook(io.BytesIO(summary_workbook(summary=summary_build(year=today.year))), read_only=True)
    for sheet in ("信用措施实施情况", "信用提醒与诚信约谈", "异议处理", "信用修复"):
        assert sheet in wb.sheetnames
    assert (
        _sheet_total(wb, "信用措施实施情况")[1]
        == MeasureApplication.objects.filter(applied_on__year=today.year).count()
    )
    assert (
        _sheet_total(wb, "信用提醒与诚信约谈")[1]
        == Reminder.objects.filter(due_date__year=today.year).count()
    )
    objections = Objection.objects.filter(submitted_at__year=today.year)
    total = _sheet_total(wb, "异议处理")
    assert total[1] == objections.count() == 3
    # 按期办结, 超期办结 (columns 7 and 8 after the department's name)
    decided_late = [
        o for o in objections if o.decided_at and timezone.localtime(o.decided_at).date() > o.deadline
    ]
    assert total[8] == len(decided_late) == 1
    assert (
        _sheet_total(wb, "信用修复")[1]
        == RepairApplication.objects.filter(Q(submitted_at__year=today.year)).count()
    )
    client.force_login(credit_office_user)
    html = client.get(reverse("reports:county", args=[today.year])).content.decode()
    for title in ("信用措施实施情况", "信用提醒与诚信约谈", "异议处理", "信用修复", "按期办结", "超期办结"):
        assert title in html
    assert Counter(o.status for o in objections)["rejected"] == 2
