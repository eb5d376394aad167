"""The objections API exactly as SPEC §7: filing by a subject account (JSON or multipart with
evidence) → 201 with the number, status, due date and receipt; the handler's accept, request-material
and decide; the subject's answer; each answering 200 with the objection, or 400/403 JSON with the
reason in Chinese and nothing changed. Session or token authentication."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from creditreg import workdays
from exchange.models import OutboxItem
from grading.models import Grade
from grading.services import regrade_subjects
from objections.models import Objection, ObjectionStatus
from records.models import CreditRecord, RecordStatus

from .conftest import PDF

pytestmark = pytest.mark.django_db


def _client(user, *, token: bool = False) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if token:
        key, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key.key}")
    else:
        client.force_login(user)
    return client


def _state(pk):
    objection = Objection.objects.get(pk=pk)
    return (
        objection.status,
        objection.deadline,
        objection.material_requested_on,
        objection.transitions.count(),
        CreditRecord.objects.count(),
        OutboxItem.objects.count(),
    )


def _file(user, on, **values):
    body = {"record": on.pk, "field": "", "claimed_value": "", "reason": "处罚对象有误。"} | values
    return _client(user, token=True).post("/api/objections/", body, format="json")


def test_a_subject_files_a_field_objection_by_json_and_gets_its_receipt(subject_user, record):
    response = _file(subject_user, record, field="fine_total", claimed_value="3000")
    assert response.status_code == 201, response.json()
    data = response.json()
    objection = Objection.objects.get(pk=data["id"])
    assert data["number"] == objection.number and data["number"].startswith("YY-")
    assert data["receipt"] == objection.receipt_number and data["receipt"].startswith("YYHZ-")
    assert data["status"] == "submitted" and data["paused"] is False
    assert data["due_date"] == objection.deadline.isoformat()
    assert data["field"] == "fine_total" and data["claimed_value"] == "3000.00"


def test_a_subject_files_with_evidence_files_by_multipart(subject_user, record):
    client = _client(subject_user)
    response = client.post(
        "/api/objections/",
        {
            "record": record.pk,
            "field": "severity",
            "claimed_value": "轻微",
            "reason": "情节轻微。",
            "evidence": [
                SimpleUploadedFile("证明一.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("证明二.pdf", PDF, content_type="application/pdf"),
            ],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert [e["original_name"] for e in response.json()["evidence"]] == ["证明一.pdf", "证明二.pdf"]


def test_a_grade_objection_by_json(subject_user, firm, record):
    regrade_subjects(subject_ids=[firm.pk])
    grade = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    response = _client(subject_user).post(
        "/api/objections/", {"grade": grade.pk, "reason": "评价有误。"}, format="json"
    )
    assert response.status_code == 201 and response.json()["department"] == "xyb"


@pytest.mark.parametrize(
    ("values", "key", "text"),
    [
        ({"field": "amount", "claimed_value": "1"}, "field", "不是合法选项"),
        ({"field": "decision_date", "claimed_value": "2026/03/01"}, "claimed_value", "YYYY-MM-DD"),
        ({"field": "fine_total", "claimed_value": "三千"}, "claimed_value", "元"),
        ({"field": "sanctions", "claimed_value": "警告;鞭刑"}, "claimed_value", "鞭刑"),
        ({"field": "severity", "claimed_value": "很重"}, "claimed_value", "轻微"),
        ({"reason": ""}, "reason", ""),
        ({"record": 999999}, "record", "没有"),
    ],
)
def test_bad_input_answers_400_in_chinese_and_files_nothing(subject_user, record, values, key, text):
    response = _file(subject_user, record, **values)
    assert response.status_code == 400
    data = response.json()
    assert key in data and text in " ".join(data[key]), data
    assert not Objection.objects.exists()


def test_staff_and_another_subject_may_not_file(subject_user, other_user, record, reviewer):
    assert _file(reviewer, record).status_code == 403
    response = _file(other_user, record)  # not its record: as if it did not exist
    assert response.status_code == 400 and "record" in response.json()
    assert not Objection.objects.exists()


def test_the_handler_asks_for_material_the_subject_answers_and_the_handler_partly_upholds(
    subject_user, record, reviewer, firm
):
    pk = _file(subject_user, record, field="fine_total", claimed_value="1000").json()["id"]
    handler = _client(reviewer, token=True)
    subject = _client(subject_user, token=True)
    # Deciding is for the handler; asking for material a second time, or with no reason, is refused.
    response = handler.post(f"/api/objections/{pk}/request-material/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert Objection.objects.get(pk=pk).status == ObjectionStatus.SUBMITTED
    response = handler.post(
        f"/api/objections/{pk}/request-material/", {"reason": "请补充缴款凭证。"}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "material_requested" and data["paused"] is True
    assert data["material_request"] == "请补充缴款凭证。"
    before = _state(pk)
    response = handler.post(
        f"/api/objections/{pk}/decide/", {"outcome": "rejected", "reason": "x"}, format="json"
    )
    assert response.status_code == 400 and "不能变为" in response.json()["non_field_errors"][0]
    assert _state(pk) == before
    response = subject.post(
        f"/api/objections/{pk}/answer/",
        {
            "reason": "已补充。",
            "evidence": [SimpleUploadedFile("缴款凭证.pdf", PDF, content_type="application/pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "accepted" and data["paused"] is False
    assert data["material_answer"] == "已补充。" and len(data["evidence"]) == 1
    before = _state(pk)
    response = handler.post(f"/api/objections/{pk}/request-material/", {"reason": "再补充"}, format="json")
    assert response.status_code == 400 and "只能" in response.json()["non_field_errors"][0]
    assert _state(pk) == before
    response = handler.post(
        f"/api/objections/{pk}/decide/",
        {"outcome": "partly_upheld", "reason": "罚款应为3000元。", "corrected_value": "3000"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "partly_upheld" and data["corrected_value"] == "3000.00"
    assert data["record_action"] == "corrected"
    corrected = CreditRecord.objects.get(pk=data["correction"])
    assert corrected.fine_total == Decimal("3000.00") and corrected.status == RecordStatus.EFFECTIVE


def test_deciding_a_submitted_objection_accepts_it_first(subject_user, record, reviewer):
    pk = _file(subject_user, record).json()["id"]
    response = _client(reviewer).post(
        f"/api/objections/{pk}/decide/", {"outcome": "upheld", "reason": "处罚对象有误。"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "upheld"
    assert [t["to_status"] for t in response.json()["transitions"]] == ["submitted", "accepted", "upheld"]
    assert CreditRecord.objects.get(pk=record.pk).status == RecordStatus.REVOKED


def test_accept_answers_the_objection(subject_user, record, reviewer):
    pk = _file(subject_user, record).json()["id"]
    response = _client(reviewer).post(f"/api/objections/{pk}/accept/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    response = _client(reviewer).post(f"/api/objections/{pk}/accept/", {}, format="json")
    assert response.status_code == 400 and "不能变为" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"outcome": "maybe", "reason": "x"}, "outcome"),
        ({"outcome": "partly_upheld", "reason": "x", "corrected_value": "abc"}, "corrected_value"),
        ({"outcome": "upheld", "reason": ""}, "reason"),
    ],
)
def test_a_bad_decision_answers_400_and_changes_nothing(subject_user, record, reviewer, body, key):
    pk = _file(subject_user, record, field="fine_total", claimed_value="3000").json()["id"]
    before = _state(pk)
    response = _client(reviewer).post(f"/api/objections/{pk}/decide/", body, format="json")
    assert response.status_code == 400 and key in response.json(), response.json()
    assert _state(pk) == before


def test_the_wrong_handler_answers_403_or_404_and_nothing_changes(
    subject_user, other_user, record, clerk, credit_office_user, scjg_reviewer
):
    pk = _file(subject_user, record, field="fine_total", claimed_value="3000").json()["id"]
    before = _state(pk)
    decide = {"outcome": "upheld", "reason": "成立"}
    # Who sees the objection but does not handle it: 403 with the reason in Chinese.
    for user in (clerk, credit_office_user, subject_user):
        response = _client(user).post(f"/api/objections/{pk}/decide/", decide, format="json")
        assert response.status_code == 403 and "审核员" in response.json()["detail"]
    # Another department's reviewer or another subject does not see it at all.
    for user in (scjg_reviewer, other_user):
        assert _client(user).post(f"/api/objections/{pk}/decide/", decide, format="json").status_code == 404
        assert (
            _client(user).post(f"/api/objections/{pk}/answer/", {"reason": "x"}, format="json").status_code
            == 404
        )
    assert _state(pk) == before


def test_only_the_subject_answers_and_only_when_asked(subject_user, record, reviewer):
    pk = _file(subject_user, record).json()["id"]
    response = _client(subject_user).post(f"/api/objections/{pk}/answer/", {"reason": "材料"}, format="json")
    assert response.status_code == 400  # nothing was asked for
    _client(reviewer).post(f"/api/objections/{pk}/request-material/", {"reason": "补充"}, format="json")
    before = _state(pk)
    response = _client(reviewer).post(f"/api/objections/{pk}/answer/", {"reason": "材料"}, format="json")
    assert response.status_code == 403 and response.json()["detail"]
    assert _state(pk) == before


def test_the_list_and_detail_show_the_due_date_and_the_stopped_clock(subject_user, record, reviewer):
    pk = _file(subject_user, record).json()["id"]
    _client(reviewer).post(f"/api/objections/{pk}/request-material/", {"reason": "补充"}, format="json")
    item = _client(subject_user).get("/api/objections/").json()["results"][0]
    objection = Objection.objects.get(pk=pk)
    assert item["paused"] is True and item["due_date"] == objection.deadline.isoformat()
    assert item["overdue"] is False and item["status"] == "material_requested"
    assert objection.material_due == workdays.add_working_days(objection.material_requested_on, 10)
    assert date.fromisoformat(_client(reviewer).get(f"/api/objections/{pk}/").json()["material_due"])
