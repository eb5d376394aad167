"""The yearly summary against counts computed here, independently, from the runs and the records."""

import io
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from accounts.models import Department
from audit.models import AuditLog
from grading.models import EvaluationRun, Grade, RunStatus
from records.models import CreditRecord, RecordStatus
from reports.models import YearlyReport
from reports.selectors import summary_build
from reports.services import report_generate, reports_generate_all
from reports.spreadsheet import summary_workbook

from .conftest import LAST, THIS, YEAR

pytestmark = pytest.mark.django_db

ORDER = ["A+", "A", "B", "C", "C-", "D", "D-"]


def _run(code, as_of, department="fgw"):
    """The county's run of ``code``, or a department's (fgw's by default) of the A/B/C scheme."""
    runs = EvaluationRun.objects.filter(scheme__code=code, as_of=as_of)
    if code == "public":
        return runs.get(department__isnull=True)
    return runs.get(department__code=department)


def _section(summary, code, department="fgw"):
    return next(
        s
        for s in summary.grade_sections
        if s.scheme_code == code and (code == "public" or s.department.code == department)
    )


def _grades(run, subject_ids=None):
    grades = dict(Grade.objects.filter(run=run).values_list("subject_id", "grade"))
    if subject_ids is not None:
        grades = {s: g for s, g in grades.items() if s in subject_ids}
    return grades


def _supervised(department_code, on):
    return {
        r.subject_id
        for r in CreditRecord.objects.filter(department__code=department_code, is_current=True)
        if r.status in ("effective", "expired", "repaired") and r.decision_date <= on
    }


def test_the_county_grades_and_changes_match_the_runs(county):
    summary = summary_build(year=YEAR)
    section = _section(summary, "public")
    this, last = _run("public", THIS), _run("public", LAST)
    assert section.run == this and section.previous == last and last.status == RunStatus.PUBLISHED
    now, before = _grades(this), _grades(last)
    assert {lv.grade: lv.now for lv in section.levels} == {g: Counter(now.values())[g] for g in ORDER}
    assert {lv.grade: lv.before for lv in section.levels} == {g: Counter(before.values())[g] for g in ORDER}
    assert section.total_now == len(now) == 7 and section.total_before == len(before) == 6
    up = sum(1 for s, g in now.items() if s in before and ORDER.index(g) < ORDER.index(before[s]))
    down = sum(1 for s, g in now.items() if s in before and ORDER.index(g) > ORDER.index(before[s]))
    same = sum(1 for s, g in now.items() if before.get(s) == g)
    assert (section.upgraded, section.downgraded, section.unchanged, section.newly_graded) == (
        up,
        down,
        same,
        len(set(now) - set(before)),
    )
    firms = county.firms
    # The story behind the numbers: the fined and the warned firms recovered, the firm scjg fined fell.
    assert before[firms[0].pk] in ("C", "C-") and now[firms[0].pk] == "A"
    assert before[firms[1].pk] == "B" and now[firms[1].pk] == "A+"
    assert before[firms[2].pk] == "A" and now[firms[2].pk] in ("C", "C-")
    assert up == 2 and down == 2 and section.newly_graded == 1
    classes = {str(c.label): (c.now, c.before) for c in section.classes}
    assert classes["诚信守法"] == (sum(1 for g in now.values() if g in ("A+", "A")), 4)
    assert sum(sum(counts) for _label, counts in section.matrix) == len(set(now) & set(before))
    # The department scheme's runs are in the county's summary too, with A/B/C.
    abc = _section(summary, "abc")
    assert [lv.grade for lv in abc.levels] == ["A", "B", "C"]
    # fgw grades its own subjects (SPEC §3.6): those with a record of it that took effect.
    own = set(
        CreditRecord.objects.filter(
            department__code="fgw",
            is_current=True,
            status__in=["effective", "expired", "repaired", "revoked"],
        ).values_list("subject_id", flat=True)
    )
    assert abc.total_now == len(_grades(_run("abc", THIS))) == len(own) and abc.department.code == "fgw"
    # Every department grading with its own version has its section.
    assert {s.department.code for s in summary.grade_sections if s.scheme_code == "abc"} == {
        "fgw",
        "zjj",
        "scjg",
        "zfbz",
    }


def test_a_department_counts_the_subjects_it_has_records_about(county):
    summary = summary_build(year=YEAR, department=Department.objects.get(code="fgw"))
    section = _section(summary, "public")
    supervised_now, supervised_before = _supervised("fgw", THIS), _supervised("fgw", LAST)
    firms = county.firms
    # The revoked record's subject does not count; the repaired one's does.
    assert supervised_now == {firms[0].pk, firms[1].pk, firms[5].pk}
    assert supervised_before == {firms[0].pk, firms[1].pk}
    now = _grades(_run("public", THIS), supervised_now)
    before = _grades(_run("public", LAST), supervised_before)
    assert {lv.grade: lv.now for lv in section.levels} == {g: Counter(now.values())[g] for g in ORDER}
    assert {lv.grade: lv.before for lv in section.levels} == {g: Counter(before.values())[g] for g in ORDER}
    assert section.upgraded == 2 and section.downgraded == 0
    scjg = summary_build(year=YEAR, department=Department.objects.get(code="scjg"))
    assert _section(scjg, "public").total_now == 2
    # A department sees the county scheme and its own scheme only (scjg grades with its own version).
    assert {(s.scheme_code, getattr(s.department, "code", None)) for s in scjg.grade_sections} == {
        ("public", None),
        ("abc", "scjg"),
    }
    assert {s.scheme_code for s in summary.grade_sections} == {"public", "abc"}


def test_records_by_kind_count_the_records_that_took_effect_in_the_year(county):
    table = summary_build(year=YEAR).table("records")
    in_year = [
        r
        for r in CreditRecord.objects.filter(is_current=True).select_related("kind")
        if r.decision_date.year == YEAR and r.status in ("effective", "expired", "repaired", "revoked")
    ]
    assert len(in_year) == 5
    assert table.totals[0] == len(in_year)
    by_kind = Counter(r.kind.code for r in in_year)
    assert {row.key: row.values[0] for row in table.rows if row.values[0]} == dict(by_kind)
    assert table.totals[3] == sum(1 for r in in_year if r.status == RecordStatus.REPAIRED) == 1
    assert table.totals[4] == sum(1 for r in in_year if r.status == RecordStatus.REVOKED) == 1
    fgw = summary_build(year=YEAR, department=Department.objects.get(code="fgw")).table("records")
    assert fgw.totals[0] == sum(1 for r in in_year if r.department.code == "fgw") == 3
    departments = summary_build(year=YEAR).table("departments")
    rows = {row.key: row.values for row in departments.rows}
    assert rows["fgw"] == [3, 3] and rows["scjg"] == [2, 2] and departments.totals == [5, 5]
    assert (
        summary_build(year=YEAR, department=Department.objects.get(code="fgw")).table("departments") is None
    )


def _sheet_rows(ws):
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _totals(rows):
    return [row for row in rows if row and row[0] == "合计"]


def test_the_spreadsheet_opens_and_its_totals_match_the_database(county):
    content = summary_workbook(summary=summary_build(year=YEAR))
    wb = load_workbook(io.BytesIO(content), read_only=True)
    assert wb.sheetnames[:3] == ["概况", "各等级主体", "与上年相比的变化"]
    assert "信用记录（按类别）" in wb.sheetnames and "信用记录（按部门）" in wb.sheetnames
    overview = _sheet_rows(wb["概况"])
    assert overview[0][0] == f"{YEAR}年度信用分级分类监管工作总结（全县）"
    grades = _sheet_rows(wb["各等级主体"])
    this_public, last_public = _run("public", THIS), _run("public", LAST)
    this_abc, last_abc = _run("abc", THIS), _run("abc", LAST)
    # Per section: the levels' total, then the classes' total; public first, then abc.
    totals = _totals(grades)
    assert totals[0][2:4] == [this_public.grades.count(), last_public.grades.count()]
    assert totals[1][2:4] == [this_public.grades.count(), last_public.grades.count()]
    assert totals[2][2:4] == [this_abc.grades.count(), last_abc.grades.count()]
    level_rows = {
        row[0]: row for row in grades[: grades.index(totals[0])] if row[0] in ("A+", "A", "B", "C", "C-")
    }
    assert level_rows["B"][1] == "轻微失信" and level_rows["C-"][1] == "一般失信"
    assert level_rows["A+"][2] == this_public.grades.filter(grade="A+").count()
    records = _sheet_rows(wb["信用记录（按类别）"])
    assert records[3][:2] == ["信息类别", "记录数"]
    expected = CreditRecord.objects.filter(
        is_current=True,
        decision_date__year=YEAR,
        status__in=["effective", "expired", "repaired", "revoked"],
    )
    assert _totals(records)[0][1] == expected.count() == 5
    assert _totals(records)[0][4] == expected.filter(status="repaired").count()
    changes = _sheet_rows(wb["与上年相比的变化"])
    assert changes[1][:5] == ["等级上升", "等级下降", "等级不变", "首次参评", "其他变化"]
    assert changes[2][:4] == [2, 2, 2, 1]


def test_a_year_without_runs_says_so(county):
    summary = summary_build(year=2030)
    assert summary.grade_sections == [] and summary.table("records").totals[0] == 0
    wb = load_workbook(io.BytesIO(summary_workbook(summary=summary)), read_only=True)
    assert "无本年度及上年度的评价结果。" in [row[0] for row in _sheet_rows(wb["概况"])]
    # 2027: last year's runs exist, this year's not yet.
    summary = summary_build(year=2027)
    section = _section(summary, "public")
    assert section.run is None and section.total_now == 0 and section.total_before == 7


def test_reports_are_stored_once_per_year_and_scope(county, credit_office_user, clerk):
    report = report_generate(actor=credit_office_user, year=YEAR)
    assert report.department is None and report.file_name.endswith("（全县）.xlsx")
    wb = load_workbook(report.file.open("rb"), read_only=True)
    assert "概况" in wb.sheetnames
    again = report_generate(actor=credit_office_user, year=YEAR)
    assert again.pk == report.pk and YearlyReport.objects.count() == 1
    assert AuditLog.objects.filter(action="report.generate").count() == 2
    with pytest.raises(PermissionDenied):
        report_generate(actor=clerk, year=YEAR)
    with pytest.raises(ValidationError, match="2000"):
        report_generate(actor=credit_office_user, year=1999)
    assert YearlyReport.objects.count() == 1
    reports = reports_generate_all(actor=None, year=YEAR)
    active = Department.objects.filter(is_active=True).count()
    assert len(reports) == 1 + active and YearlyReport.objects.count() == 1 + active
    assert YearlyReport.objects.filter(department__code="fgw", year=YEAR).exists()
