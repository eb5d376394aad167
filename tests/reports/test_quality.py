"""Department data quality (004 §4(3); issue 19), and the native charts of the yearly summary."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from records.models import CreditRecord
from reports.quality import department_quality, quality_by_department
from reports.selectors import summary_build
from reports.spreadsheet import summary_workbook

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_quality_counts_per_department_and_month(county):
    rows = department_quality(year=YEAR)
    year_rows = {r.department.code: r for r in quality_by_department(rows)}
    entered = CreditRecord.objects.filter(created_at__year=YEAR)
    for code, row in year_rows.items():
        assert row.counts["entered"] == entered.filter(department__code=code).count()
        assert 0 <= row.returned_share <= 100
    assert sum(r.counts["entered"] for r in rows) == entered.count()


def test_the_quality_page_and_its_spreadsheet(
    client, credit_office_user, county, django_assert_max_num_queries
):
    client.force_login(credit_office_user)
    url = reverse("reports:quality", args=[YEAR])
    client.get(url)
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200 and "svg" in page.content.decode()
    sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).worksheets[0]
    assert sheet["A1"].value == "部门" and sheet.max_row > 1


def test_the_yearly_summary_has_the_quality_table_and_native_charts(county):
    summary = summary_build(year=YEAR)
    assert any(t.key == "quality" for t in summary.tables)
    book = load_workbook(io.BytesIO(summary_workbook(summary=summary)))
    charted = [ws.title for ws in book.worksheets if ws._charts]
    assert "各等级主体" in charted and "部门数据质量" in charted


def test_a_departments_own_summary_has_its_data_quality_by_month(county):
    from accounts.models import Department

    fgw = Department.objects.get(code="fgw")
    table = next(t for t in summary_build(year=YEAR, department=fgw).tables if t.key == "quality")
    assert str(table.headers[0]) == "月份" and table.rows
    entered = CreditRecord.objects.filter(created_at__year=YEAR, department=fgw).count()
    assert sum(row.values[0] for row in table.rows) == entered == table.totals[0]
    assert all(row.label.startswith(f"{YEAR}-") for row in table.rows)
