"""The departments' yearly results shared with every department (003 §3(2): reported by government
data sharing to the credit office and the departments concerned)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accesslog.models import AccessEntry
from accounts.models import Role
from grading.models import EvaluationRun
from grading.runs import run_publish
from tests.factories import make_person, make_user

from .conftest import THIS, YEAR, effective

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(county, credit_office_user):
    """fgw's yearly run of this year published; scjg's left under review."""
    run = EvaluationRun.objects.get(scheme__code="abc", department__code="fgw", as_of=THIS)
    return run_publish(actor=credit_office_user, run=run)


def test_another_department_sees_the_published_results(client, published, django_assert_max_num_queries):
    zjj = make_user(Role.CLERK, "zjj", username="zjj-clerk-shared")
    client.force_login(zjj)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:shared"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "发展和改革委员会" in html and reverse("reports:shared_xlsx", args=[published.pk]) in html
    # Under review: not reported yet.
    scjg = EvaluationRun.objects.get(scheme__code="abc", department__code="scjg", as_of=THIS)
    assert reverse("reports:shared_xlsx", args=[scjg.pk]) not in html
    assert client.get(reverse("reports:shared_xlsx", args=[scjg.pk])).status_code == 404
    # The county run is not a department's result.
    county_run = EvaluationRun.objects.get(scheme__code="public", as_of=THIS)
    assert client.get(reverse("reports:shared_xlsx", args=[county_run.pk])).status_code == 404


def test_the_download_holds_the_grades_with_persons_masked_and_is_logged(
    client, county, clerk, reviewer, credit_office_user
):
    person = make_person("赵六")
    effective(
        clerk, reviewer, person, document_number="西发改罚〔2026〕88号", decision_date=THIS.replace(month=5)
    )
    # A later run of the year, with the person among fgw's subjects.

    call_command("yearly_run", as_of=THIS.replace(day=16).isoformat(), scheme="abc", stdout=io.StringIO())
    run = EvaluationRun.objects.get(scheme__code="abc", department__code="fgw", as_of=THIS.replace(day=16))
    run_publish(actor=credit_office_user, run=run)
    viewer = make_user(Role.REVIEWER, "scjg", username="scjg-shared")
    client.force_login(viewer)
    response = client.get(reverse("reports:shared_xlsx", args=[run.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("主体代码", "主体名称", "等级", "评级理由")
    assert len(rows) - 1 == run.grades.count()
    by_name = {row[1]: row for row in rows[1:]}
    assert person.code not in response.content.decode("latin-1")
    code = by_name["赵六"][0]
    assert code.startswith(person.code[:6]) and code.endswith(person.code[-4:]) and "*" in code
    assert by_name["赵六"][2] == "B" and "西发改罚〔2026〕88号" in by_name["赵六"][3]
    logged = AccessEntry.objects.filter(user=viewer, subject=person)
    assert logged.count() == 1


def test_only_staff_see_the_shared_results(client, published, subject_user=None):
    assert client.get(reverse("reports:shared")).status_code == 302  # to the login
    firm_user = make_user(
        Role.SUBJECT, None, username="shared-firm", subject=published.grades.first().subject
    )
    client.force_login(firm_user)
    assert client.get(reverse("reports:shared")).status_code in (403, 404)
    assert client.get(reverse("reports:shared_xlsx", args=[published.pk])).status_code in (403, 404)


def test_a_bad_year_is_refused_in_chinese(client, published, credit_office_user):
    client.force_login(credit_office_user)
    response = client.get(reverse("reports:shared"), {"year": "二〇二六"}, follow=True)
    assert response.status_code == 200
    assert "年度" in response.content.decode()
