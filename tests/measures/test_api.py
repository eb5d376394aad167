"""The measures API: which measures apply (for other departments' systems), the catalogue, and
applications with their counts. Bad input answers 400/404 as JSON, never a 500."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditLog
from measures.models import Measure, MeasureApplication
from tests.factories import make_company, make_uscc, make_user

from .conftest import days_ago, effective, graded

pytestmark = pytest.mark.django_db

URL = "/api/measures/"
APPLICATIONS = "/api/measures/applications/"
COUNTS = "/api/measures/applications/counts/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_applicable_measures_for_any_staff_user(clerk, reviewer, other_clerk, django_assert_max_num_queries):
    firm = make_company()
    effective(clerk, reviewer, firm, "行政处罚")
    graded([firm.pk])
    client = client_for(other_clerk)  # another department's clerk asks too
    # One of them which departments grade the firm, one the day's look for listings due (SPEC §3.6).
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"subject": firm.code})
    assert response.status_code == 200
    rows = response.json()
    assert rows and {r["measure_code"] for r in rows} >= {"pub-c-inspection-three", "abc001-b-reminder"}
    cap = next(r for r in rows if r["measure_code"] == "pub-c-inspection-three")
    assert cap["parameters"] == {"inspections_per_year": 3, "sampling_ratio": "0.1"}
    assert cap["grade"] in ("C", "C-")
    assert cap["reasons"] and cap["legal_basis"].startswith("003")


@pytest.mark.parametrize(
    ("params", "status", "key"),
    [
        ({}, 400, "subject"),
        ({"subject": "abc"}, 400, "subject"),
        ({"subject": "9141132300000000XX"}, 400, "subject"),
    ],
)
def test_bad_codes_answer_400(clerk, params, status, key):
    response = client_for(clerk).get(URL, params)
    assert response.status_code == status and key in response.json()


def test_unknown_code_answers_404(clerk):
    code = make_uscc()
    response = client_for(clerk).get(URL, {"subject": code})
    assert response.status_code == 404 and code in response.json()["detail"]


def test_only_staff_may_ask(db):
    firm = make_company()
    assert client_for().get(URL, {"subject": firm.code}).status_code in (401, 403)
    subject_user = make_user(Role.SUBJECT, None, subject=firm)
    assert client_for(subject_user).get(URL, {"subject": firm.code}).status_code == 403


def test_the_catalogue(clerk, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client_for(clerk).get("/api/measures/catalogue/")
    assert response.status_code == 200
    assert response.json()["count"] == Measure.objects.count()


def test_the_schema_is_valid():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    assert "/api/measures/" in schema and "MeasureApplicationOutcomeEnum" in schema


def _payload(subject_code: str, **overrides) -> dict:
    payload = {
        "measure": "pub-c-inspection-three",
        "subject": subject_code,
        "applied_on": days_ago(2).isoformat(),
        "outcome": "applied",
        "matter": "2026年第二次双随机抽查",
        "outcome_note": "检查合格",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def test_recording_an_application(clerk):
    firm = make_company()
    response = client_for(clerk).post(APPLICATIONS, _payload(firm.code), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["department"] == "fgw" and body["subject_code"] == firm.code and body["outcome"] == "applied"
    application = MeasureApplication.objects.get()
    assert application.created_by == clerk and application.applied_on == days_ago(2)
    log = AuditLog.objects.get(action="measure.apply")
    assert log.actor == clerk and log.after["outcome"] == "applied"


@pytest.mark.parametrize(
    ("overrides", "status", "key"),
    [
        ({"measure": "no-such-measure"}, 400, "measure"),
        ({"applied_on": "2026-02-30"}, 400, "applied_on"),
        ({"applied_on": "2999-01-01"}, 400, "applied_on"),
        ({"outcome": "maybe"}, 400, "outcome"),
        ({"subject": "123"}, 400, "subject"),
        ({"department": "nowhere"}, 400, "department"),
        ({"matter": "事" * 201}, 400, "matter"),
        ({"measure": None}, 400, "measure"),
    ],
)
def test_bad_applications_change_nothing(clerk, overrides, status, key):
    firm = make_company()
    response = client_for(clerk).post(APPLICATIONS, _payload(firm.code, **overrides), format="json")
    assert response.status_code == status and key in response.json(), response.json()
    assert (
        not MeasureApplication.objects.exists()
        and not AuditLog.objects.filter(action="measure.apply").exists()
    )


def test_unknown_subject_answers_404(clerk):
    response = client_for(clerk).post(APPLICATIONS, _payload(make_uscc()), format="json")
    assert response.status_code == 404 and not MeasureApplication.objects.exists()


def test_a_department_records_for_itself_only(clerk, credit_office_user):
    firm = make_company()
    response = client_for(clerk).post(APPLICATIONS, _payload(firm.code, department="scjg"), format="json")
    assert response.status_code == 403 and not MeasureApplication.objects.exists()
    response = client_for(credit_office_user).post(
        APPLICATIONS, _payload(firm.code, department="scjg"), format="json"
    )
    assert response.status_code == 201 and response.json()["department"] == "scjg"


def test_lists_are_scoped_and_counts_grouped(
    clerk, other_clerk, credit_office_user, django_assert_max_num_queries
):
    firms = [make_company() for _ in range(4)]
    for n, firm in enumerate(firms):
        for user in (clerk, other_clerk):
            client_for(user).post(APPLICATIONS, _payload(firm.code, applied_on=days_ago(n * 40).isoformat()))
    client_for(clerk).post(APPLICATIONS, _payload(firms[0].code, measure="pub-d-key-target"))
    assert MeasureApplication.objects.count() == 9
    with django_assert_max_num_queries(4):
        own = client_for(clerk).get(APPLICATIONS).json()
    assert own["count"] == 5 and {r["department"] for r in own["results"]} == {"fgw"}
    with django_assert_max_num_queries(4):
        everything = (
            client_for(credit_office_user).get(APPLICATIONS, {"measure": "pub-c-inspection-three"}).json()
        )
    assert everything["count"] == 8
    with django_assert_max_num_queries(3):
        counts = client_for(credit_office_user).get(COUNTS).json()
    assert sum(r["count"] for r in counts) == 9
    latest = days_ago(0).strftime("%Y-%m")
    row = next(
        r
        for r in counts
        if r["month"] == latest
        and r["department_code"] == "fgw"
        and r["measure_code"] == "pub-c-inspection-three"
    )
    assert row["count"] == 1  # 40 days earlier is always another month
    assert client_for(clerk).get(COUNTS).json() and all(
        r["department_code"] == "fgw" for r in client_for(clerk).get(COUNTS).json()
    )
    bad = client_for(credit_office_user).get(COUNTS, {"applied_from": "yesterday"})
    assert bad.status_code == 400
