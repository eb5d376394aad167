"""The credit file in the staff API (``GET /api/subjects/CODE/file/?purpose=…``): the same file as
the page, opened for a stated purpose and logged the same way (004 §4(2); 003 §5(1))."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accesslog.models import AccessEntry, AccessKind
from accounts.models import Role
from grading.selectors import grades_in_force
from tests.factories import make_person, make_user

from .conftest import COMPLAINANT

pytestmark = pytest.mark.django_db

FORGED = {"HTTP_X_FORWARDED_FOR": "198.51.100.66", "REMOTE_ADDR": "203.0.113.5"}


def url(subject) -> str:
    return reverse("api-subject-credit-file", args=[subject.code])


def auth(user) -> dict:
    token, _created = Token.objects.get_or_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}


def test_the_file_with_its_sections_for_another_department(client, other_clerk, file_world):
    w = file_world
    response = client.get(
        url(w["firm"]), {"purpose": "inspection", "purpose_detail": " 抽查  2026-07 "}, **auth(other_clerk)
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["purpose"], data["purpose_display"], data["purpose_detail"]) == (
        "inspection",
        "双随机抽查",
        "抽查 2026-07",
    )
    ids = {r["id"] for r in data["records"]["results"]}
    assert data["records"]["count"] == len(ids) == 9
    for key in ("effective", "scjg", "complaint", "revoked", "correction"):
        assert w[key].pk in ids, key
    for key in ("corrected", "draft", "submitted", "returned", "draft_complaint"):
        assert w[key].pk not in ids, key
    revoked = next(r for r in data["records"]["results"] if r["id"] == w["revoked"].pk)
    assert (revoked["status"], revoked["status_display"]) == ("revoked", "已撤销")
    assert {(g["scheme"], g["department"], g["grade"]) for g in data["grades"]} == {
        (g.scheme.code, g.department.code if g.department else None, g.grade)
        for g in grades_in_force(subject_ids=[w["firm"].pk])
    }
    assert [e["in_force"] for e in data["list_entries"]["results"]] == [True, False]
    assert sorted(c["status"] for c in data["commitments"]["results"]) == ["breached", "fulfilled"]
    assert data["repair_applications"]["results"][0]["status"] == "refused"
    interview = next(r for r in data["reminders"]["results"] if r["method"] == "interview")
    assert interview["persons"][0] == {"name": "孙总", "role": "principal", "position": "董事长"}
    assert interview["place"] == "县发改委三楼会议室" and interview["interview_type"] == "warning"
    assert interview["rectification_deadline"] == w["interview"].rectification_deadline.isoformat()
    assert (
        interview["department"] == "fgw"
        and interview["record_document_number"] == w["serious"].document_number
    )
    text = response.content.decode()
    for secret in COMPLAINANT:
        assert secret not in text
    assert "complainant" not in text


def test_each_opening_is_logged_with_its_purpose(client, other_clerk, file_world):
    firm = file_world["firm"]
    response = client.get(
        url(firm), {"purpose": "other", "purpose_detail": "纪检监察调取"}, **auth(other_clerk), **FORGED
    )
    assert response.status_code == 200
    entry = AccessEntry.objects.get(kind=AccessKind.CREDIT_FILE)
    assert (entry.user, entry.department, entry.subject, entry.address) == (
        other_clerk,
        other_clerk.department,
        firm,
        "203.0.113.5",
    )
    assert (entry.purpose, entry.purpose_detail, entry.description) == ("other", "纪检监察调取", "API")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({}, "purpose", "请选择查阅信用档案的用途。"),
        ({"purpose": ""}, "purpose", "请从列出的用途中选择一项。"),
        ({"purpose": "curiosity"}, "purpose", "请从列出的用途中选择一项。"),
        ({"purpose": "other"}, "purpose_detail", "请写明查阅信用档案的用途。"),
        ({"purpose": "other", "purpose_detail": "  "}, "purpose_detail", "请写明查阅信用档案的用途。"),
        ({"purpose": "supervision", "purpose_detail": "查" * 201}, "purpose_detail", "200"),
    ],
)
def test_no_purpose_is_a_400_in_chinese_and_logs_nothing(
    client, other_clerk, file_world, query, field, message
):
    response = client.get(url(file_world["firm"]), query, **auth(other_clerk))
    assert response.status_code == 400
    assert list(response.json()) == [field] and message in response.json()[field][0]
    assert file_world["effective"].document_number not in response.content.decode()
    assert not AccessEntry.objects.exists()


def test_subject_accounts_and_the_public_never_reach_it(client, file_world):
    firm = file_world["firm"]
    holder = make_user(Role.SUBJECT, None, subject=firm)
    assert client.get(url(firm), {"purpose": "supervision"}, **auth(holder)).status_code == 403
    assert client.get(url(firm), {"purpose": "supervision"}).status_code in (401, 403)
    assert not AccessEntry.objects.exists()


def test_an_unknown_code_is_404(client, other_clerk):
    response = client.get(
        "/api/subjects/91411323MA00000000/file/", {"purpose": "supervision"}, **auth(other_clerk)
    )
    assert response.status_code == 404 and "detail" in response.json()
    assert not AccessEntry.objects.exists()


def test_identity_numbers_follow_the_role(client, other_clerk, scjg_reviewer):
    person = make_person("周接口")
    masked = f"{person.code[:6]}********{person.code[-4:]}"
    assert (
        client.get(url(person), {"purpose": "supervision"}, **auth(other_clerk)).json()["subject"]["code"]
        == masked
    )
    assert (
        client.get(url(person), {"purpose": "supervision"}, **auth(scjg_reviewer)).json()["subject"]["code"]
        == person.code
    )
    # The path is logged with the number masked, like every other read by code.
    assert all(person.code not in e.path for e in AccessEntry.objects.all())
    assert AccessEntry.objects.filter(kind=AccessKind.IDENTITY_NUMBER, user=scjg_reviewer).count() == 1


def test_the_query_count_does_not_grow_with_the_file(
    client, other_clerk, file_world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(24):
        response = client.get(url(file_world["firm"]), {"purpose": "supervision"}, **auth(other_clerk))
    assert response.status_code == 200
