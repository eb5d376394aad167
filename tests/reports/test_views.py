"""The summary pages: charts drawn offline, bounded queries, and who sees which scope."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Department, Role
from grading.models import EvaluationRun, Grade
from reports.models import YearlyReport
from reports.services import reports_generate_all
from tests.factories import make_company, make_user

from .conftest import THIS, YEAR, effective

pytestmark = pytest.mark.django_db


def _external_references(html: str) -> list[str]:
    """Every address the page would fetch or link outside this server."""
    return re.findall(r"""(?:src|href|xlink:href)\s*=\s*["']((?:https?:)?//[^"']+)""", html) + re.findall(
        r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", html
    )


def test_the_county_page_draws_its_charts_without_any_external_address(client, county, credit_office_user):
    client.force_login(credit_office_user)
    response = client.get(reverse("reports:county", args=[YEAR]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{YEAR}年度信用分级分类监管工作总结（全县）" in html
    # Two charts per yearly run (public and each department's abc, SPEC §3.6): the distribution and
    # the change from last year.
    runs = EvaluationRun.objects.filter(as_of=THIS).count()
    assert runs == 5 and html.count('<svg class="chart"') == 2 * runs
    assert "各等级主体：公共信用综合评价" in html and "与上年相比的变化：公共信用综合评价" in html
    assert _external_references(html) == []
    # The charts need no script: the only one is the site's own static file (the menu of phones).
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/daily.js" defer>']
    # The bars carry the numbers: this year's A+ count appears in a bar's title.
    a_plus = Grade.objects.filter(run__scheme__code="public", run__as_of=THIS, grade="A+").count()
    assert f"A+ · {YEAR}年: {a_plus}</title>" in html
    assert "诚信守法" in html and "等级上升 2 个，下降 2 个" in html
    for department in Department.objects.filter(is_active=True):
        assert reverse("reports:department", args=[YEAR, department.code]) in html


def test_the_page_makes_the_same_few_queries_for_more_subjects_and_records(
    client, county, credit_office_user, clerk, reviewer, django_assert_max_num_queries
):
    client.force_login(credit_office_user)
    url = reverse("reports:county", args=[YEAR])
    dept_url = reverse("reports:department", args=[YEAR, "fgw"])
    # A few queries per yearly run of the year (five: the county's and four departments'), one for the
    # department listings table, four for the random inspections tables (departments, counts per
    # department, per subject and grade, the caps), eight for the department data quality table (seven
    # grouped counts and the departments, issue 19).
    with django_assert_max_num_queries(44) as small:
        assert client.get(url).status_code == 200
    # A department's page: its own data quality by month too (six grouped counts and the departments).
    with django_assert_max_num_queries(37) as small_dept:
        assert client.get(dept_url).status_code == 200
    for i in range(15):
        effective(
            clerk, reviewer, make_company(), document_number=f"补充{i}", decision_date=THIS.replace(month=4)
        )
    # A later run of the year (not yet published, like the first) is the year's run now: 22 subjects.
    call_command("yearly_run", as_of=THIS.replace(day=16).isoformat(), stdout=io.StringIO())
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert "评价基准日 2026-12-16" in html
    with django_assert_max_num_queries(len(small_dept.captured_queries)):
        html = client.get(dept_url).content.decode()
    assert Grade.objects.filter(run__as_of=THIS.replace(day=16), run__scheme__code="public").count() == 22


def test_a_department_user_sees_only_its_own_department(client, county, clerk):
    client.force_login(clerk)  # fgw
    assert client.get(reverse("reports:county", args=[YEAR])).status_code == 403
    assert client.get(reverse("reports:county_xlsx", args=[YEAR])).status_code == 403
    assert client.get(reverse("reports:department", args=[YEAR, "scjg"])).status_code == 403
    assert client.get(reverse("reports:department_xlsx", args=[YEAR, "scjg"])).status_code == 403
    response = client.get(reverse("reports:department", args=[YEAR, "fgw"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "发展和改革委员会" in html and html.count('<svg class="chart"') == 4
    index = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:department", args=[YEAR, "fgw"]) in index
    assert reverse("reports:department", args=[YEAR, "scjg"]) not in index
    assert f'href="{reverse("reports:county", args=[YEAR])}"' not in index
    assert 'action="/reports/generate/"' not in index
    response = client.post(reverse("reports:generate"), {"year": YEAR})
    assert response.status_code == 403 and not YearlyReport.objects.exists()
    xlsx = client.get(reverse("reports:department_xlsx", args=[YEAR, "fgw"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "概况" in load_workbook(io.BytesIO(xlsx.content), read_only=True).sheetnames


def test_stored_reports_are_downloaded_by_who_may_see_them(client, county, clerk, credit_office_user):
    reports_generate_all(actor=None, year=YEAR)
    fgw = YearlyReport.objects.get(year=YEAR, department__code="fgw")
    scjg = YearlyReport.objects.get(year=YEAR, department__code="scjg")
    county_report = YearlyReport.objects.get(year=YEAR, department__isnull=True)
    client.force_login(clerk)
    index = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:download", args=[fgw.pk]) in index
    assert reverse("reports:download", args=[scjg.pk]) not in index
    assert client.get(reverse("reports:download", args=[scjg.pk])).status_code == 404
    assert client.get(reverse("reports:download", args=[county_report.pk])).status_code == 404
    response = client.get(reverse("reports:download", args=[fgw.pk]))
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    client.force_login(credit_office_user)
    response = client.get(reverse("reports:download", args=[county_report.pk]))
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert "各等级主体" in wb.sheetnames


def test_the_credit_office_generates_the_year_from_the_page(client, county, credit_office_user):
    client.force_login(credit_office_user)
    index = client.get(reverse("reports:index"), {"year": YEAR}).content.decode()
    assert reverse("reports:county", args=[YEAR]) in index
    for department in Department.objects.filter(is_active=True):
        assert reverse("reports:department", args=[YEAR, department.code]) in index
    response = client.post(reverse("reports:generate"), {"year": YEAR}, follow=True)
    assert "正在生成2026年度总结" in response.content.decode()
    assert YearlyReport.objects.count() == 1 + Department.objects.filter(is_active=True).count()
    assert YearlyReport.objects.exclude(generated_by=credit_office_user).count() == 0
    # Bad input: a clear message, nothing stored.
    YearlyReport.objects.all().delete()
    response = client.post(reverse("reports:generate"), {"year": "二〇二六"}, follow=True)
    assert "年度应为数字" in response.content.decode() and not YearlyReport.objects.exists()
    response = client.get(reverse("reports:index"), {"year": "1999"})
    assert response.status_code == 200 and "年度应在 2000 至 2100 之间" in response.content.decode()
    assert client.get(reverse("reports:county", args=[1999])).status_code == 404
    assert client.get(reverse("reports:department", args=[YEAR, "nope"])).status_code == 404


def test_subject_users_and_anonymous_visitors_see_nothing(client, county):
    subject_user = make_user(Role.SUBJECT, None, username="subject-user")
    assert client.get(reverse("reports:county", args=[YEAR])).status_code == 302  # to the login page
    client.force_login(subject_user)
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("reports:department", args=[YEAR, "fgw"])).status_code == 403
