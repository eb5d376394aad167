"""The management command and the December 20 task."""

import io

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.models import Department
from records.models import CreditRecord
from reports.models import YearlyReport
from reports.tasks import generate_yearly_task

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_the_command_builds_the_spreadsheet_of_a_year_and_a_department(county, tmp_path):
    target = tmp_path / "fgw.xlsx"
    out = io.StringIO()
    call_command("yearly_summary", year=str(YEAR), department="fgw", output=str(target), stdout=out)
    assert f"{target}:" in out.getvalue() and not YearlyReport.objects.exists()
    wb = load_workbook(target, read_only=True)
    overview = [row for row in wb["概况"].iter_rows(values_only=True)]
    assert overview[0][0] == f"{YEAR}年度信用分级分类监管工作总结（发展和改革委员会）"
    records = [row for row in wb["信用记录（按类别）"].iter_rows(values_only=True)]
    total = next(row for row in records if row[0] == "合计")
    assert (
        total[1]
        == CreditRecord.objects.filter(
            department__code="fgw",
            is_current=True,
            decision_date__year=YEAR,
            status__in=["effective", "repaired", "revoked"],
        ).count()
    )
    assert "信用记录（按部门）" not in wb.sheetnames
    call_command(
        "yearly_summary", year=str(YEAR), output=str(tmp_path / "county.xlsx"), store=True, stdout=out
    )
    assert YearlyReport.objects.get().department is None
    assert "信用记录（按部门）" in load_workbook(tmp_path / "county.xlsx", read_only=True).sheetnames


def test_the_command_refuses_bad_arguments(county, tmp_path):
    with pytest.raises(CommandError, match="2026"):
        call_command("yearly_summary", year="twenty", output=str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="2000"):
        call_command("yearly_summary", year="1900", output=str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="unknown department: nope"):
        call_command("yearly_summary", year="2026", department="nope", output=str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("yearly_summary", year="2026", output=str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="cannot write"):
        call_command("yearly_summary", year="2026", output=str(tmp_path / "missing" / "x.xlsx"))
    assert list(tmp_path.iterdir()) == []


def test_december_20_stores_the_county_and_every_department(county):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-yearly-summary"]
    assert entry["task"] == "reports.generate_yearly"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.month_of_year == {12} and schedule.day_of_month == {20}
    ids = generate_yearly_task.delay(YEAR).get()
    departments = Department.objects.filter(is_active=True)
    assert len(ids) == 1 + departments.count()
    stored = YearlyReport.objects.filter(year=YEAR)
    assert {r.department_id for r in stored} == {None} | {d.pk for d in departments}
    for report in stored:
        assert report.size == len(report.file.open("rb").read()) and report.generated_at is not None
    # Run again (a retry, or the button after the beat): still one report per scope.
    generate_yearly_task.delay(YEAR).get()
    assert YearlyReport.objects.filter(year=YEAR).count() == 1 + departments.count()
