import datetime

import pytest
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditLog
from records.models import CreditRecord, RecordSource, RecordStatus
from records.services import record_approve, record_create, record_submit
from records.validation import RecordInput
from subjects.models import Subject
from tests.factories import make_company, make_person, make_uscc, make_user

from .conftest import penalty_input

pytestmark = pytest.mark.django_db

LIST = "/api/records/"
QUEUE = "/api/records/review-queue/"
ACTIONS = ("submit", "approve", "return", "revoke", "repair")


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def detail_url(record) -> str:
    return f"{LIST}{record.pk}/"


def action_url(record, action: str) -> str:
    return f"{LIST}{record.pk}/{action}/"


def penalty_payload(subject_code: str, **overrides) -> dict:
    payload = {
        "subject_code": subject_code,
        "kind": "administrative_penalty",
        "document_number": "西发改罚〔2026〕1号",
        "decision_date": "2026-03-02",
        "matter": "未按规定公示价格",
        "content": "经查，该公司未按规定明码标价。",
        "sanctions": [{"kind": "警告"}, {"kind": "fine", "fine_amount": "5000"}],
    }
    payload.update(overrides)
    return payload


def complaint_input(**overrides) -> RecordInput:
    values = dict(
        kind="投诉举报",
        document_number="西发改投〔2026〕7号",
        decision_date=datetime.date(2026, 3, 5),
        matter="价格欺诈投诉",
        complainant_name="李四",
        complainant_contact="13800000000",
    )
    values.update(overrides)
    return RecordInput(**values)


def effective_record(clerk, reviewer, subject, **overrides) -> CreditRecord:
    record = record_create(actor=clerk, subject=subject, data=penalty_input(**overrides))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


# --- entry and the four-eyes lifecycle -----------------------------------------------------------------


def test_clerk_enters_and_submits_and_another_reviewer_approves(clerk, reviewer, firm):
    response = client_for(clerk).post(LIST, penalty_payload(firm.code), format="json")
    assert response.status_code == 201, response.data
    body = response.data
    assert body["status"] == "draft" and body["subject"]["code"] == firm.code
    assert (body["kind"], body["kind_name"], body["department"]) == (
        "administrative_penalty",
        "行政处罚",
        "fgw",
    )
    assert (body["severity"], body["severity_source"], body["fine_total"]) == (
        "general",
        "sanctions",
        "5000.00",
    )
    assert [(s["kind"], s["fine_amount"]) for s in body["sanctions"]] == [
        ("warning", None),
        ("fine", "5000.00"),
    ]
    record = CreditRecord.objects.get(pk=body["id"])
    assert record.source == RecordSource.API and record.created_by == clerk

    response = client_for(clerk).post(action_url(record, "submit"))
    assert response.status_code == 200 and response.data["status"] == "submitted"

    response = client_for(reviewer).post(action_url(record, "approve"))
    assert response.status_code == 200, response.data
    assert response.data["status"] == "effective"
    assert [(t["from_status"], t["to_status"], t["actor"]) for t in response.data["transitions"]] == [
        ("", "draft", "fgw-clerk"),
        ("draft", "submitted", "fgw-clerk"),
        ("submitted", "effective", "fgw-reviewer"),
    ]
    assert AuditLog.objects.filter(action="record.approve", actor=reviewer, target_id=str(record.pk)).exists()


def test_entry_registers_a_subject_that_is_not_registered_yet(clerk):
    code = make_uscc()
    payload = penalty_payload(code.lower(), subject_kind="legal_person", subject_name="西峡县新登记有限公司")
    response = client_for(clerk).post(LIST, payload, format="json")
    assert response.status_code == 201, response.data
    subject = Subject.objects.get(code=code)
    assert subject.name == "西峡县新登记有限公司" and subject.kind == "legal_person"
    assert CreditRecord.objects.get(pk=response.data["id"]).subject == subject
    # The next record about it finds the registered subject by its (normalised) code.
    response = client_for(clerk).post(LIST, penalty_payload(code, matter="价格欺诈"), format="json")
    assert response.status_code == 201 and Subject.objects.filter(code=code).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject_code": "91411323MA000000X0"}, "subject_code"),
        ({"subject_name": ""}, "subject_name"),
        ({"kind": "表扬"}, "kind"),
        ({"sanctions": [{"kind": "罚款"}]}, "sanctions"),
        ({"sanctions": [{"kind": "罚款", "fine_amount": "五千"}]}, "sanctions"),
        ({"decision_date": "2026/13/01"}, "decision_date"),
        ({"decision_date": "2099-01-01"}, "decision_date"),
        ({"matter": ""}, "matter"),
        ({"complainant_name": "匿名"}, "complainant_name"),
    ],
)
def test_bad_input_is_refused_by_field_and_writes_nothing(clerk, overrides, field):
    # An unregistered subject in every case: a refused record must not leave a registered subject behind.
    payload = penalty_payload(make_uscc(), subject_kind="legal_person", subject_name="西峡县未登记有限公司")
    payload.update(overrides)
    response = client_for(clerk).post(LIST, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert field in response.data, response.data
    assert not CreditRecord.objects.exists()
    assert not Subject.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="record.").exists()


def test_bad_input_message_is_in_the_users_language(clerk, firm):
    with translation.override("en"):
        response = client_for(clerk).post(
            LIST,
            penalty_payload(firm.code, sanctions=[{"kind": "fine"}]),
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "Enter the amount in yuan" in response.data["sanctions"][0]


def test_the_same_violation_cannot_be_entered_twice(clerk, firm):
    first = client_for(clerk).post(LIST, penalty_payload(firm.code), format="json")
    assert first.status_code == 201
    again = client_for(clerk).post(
        LIST,
        penalty_payload(firm.code, matter=" 未按规定公示价格 "),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert again.status_code == 400
    assert "already entered" in again.data["document_number"][0]
    assert str(first.data["id"]) in again.data["document_number"][0]
    assert CreditRecord.objects.count() == 1


def test_credit_office_does_not_enter_records_and_registers_no_subject(credit_office_user):
    payload = penalty_payload(make_uscc(), subject_kind="legal_person", subject_name="西峡县未登记有限公司")
    response = client_for(credit_office_user).post(LIST, payload, format="json")
    assert response.status_code == 403
    assert not Subject.objects.exists() and not CreditRecord.objects.exists()


# --- transitions ---------------------------------------------------------------------------------------


def test_nobody_approves_their_own_entry(reviewer, other_reviewer, firm):
    response = client_for(reviewer).post(LIST, penalty_payload(firm.code), format="json")
    record = CreditRecord.objects.get(pk=response.data["id"])
    assert client_for(reviewer).post(action_url(record, "submit")).status_code == 200
    assert client_for(reviewer).post(action_url(record, "approve")).status_code == 403
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    response = client_for(other_reviewer).post(action_url(record, "approve"))
    assert response.status_code == 200 and response.data["status"] == "effective"


def test_a_clerk_does_not_approve(clerk, other_reviewer, firm):
    record = record_create(actor=other_reviewer, subject=firm, data=penalty_input())
    record_submit(actor=other_reviewer, record=record)
    assert client_for(clerk).post(action_url(record, "approve")).status_code == 403


def test_approving_a_draft_is_refused_with_a_message(clerk, reviewer, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    with translation.override("en"):
        response = client_for(reviewer).post(action_url(record, "approve"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.data["non_field_errors"] == ["A record that is “Draft” cannot be approved."]
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT


def test_return_needs_a_reason_and_the_clerk_resubmits(clerk, reviewer, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    record_submit(actor=clerk, record=record)
    response = client_for(reviewer).post(action_url(record, "return"), {"reason": "  "}, format="json")
    assert response.status_code == 400 and "reason" in response.data
    response = client_for(reviewer).post(
        action_url(record, "return"), {"reason": "罚款金额有误"}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "returned" and response.data["return_reason"] == "罚款金额有误"
    assert response.data["transitions"][-1]["reason"] == "罚款金额有误"
    response = client_for(clerk).post(action_url(record, "submit"))
    assert response.status_code == 200 and response.data["status"] == "submitted"


def test_revoke_and_repair_of_effective_records(clerk, reviewer, credit_office_user, firm):
    first = effective_record(clerk, reviewer, firm)
    second = effective_record(clerk, reviewer, firm, matter="价格欺诈")
    assert client_for(clerk).post(action_url(first, "revoke"), {"reason": "异议成立"}).status_code == 403
    assert client_for(reviewer).post(action_url(first, "revoke"), {"reason": ""}).status_code == 400
    response = client_for(reviewer).post(action_url(first, "revoke"), {"reason": "异议成立"})
    assert response.status_code == 200 and response.data["status"] == "revoked"
    # The credit office sees and settles every department's records.
    response = client_for(credit_office_user).post(action_url(second, "repair"), {"reason": "已整改"})
    assert response.status_code == 200 and response.data["status"] == "repaired"
    # Revoked is final.
    assert client_for(reviewer).post(action_url(first, "repair"), {"reason": "x"}).status_code == 400


# --- who sees what -------------------------------------------------------------------------------------


def test_another_department_gets_404_everywhere_and_no_list_row(clerk, reviewer, other_clerk, firm):
    draft = record_create(actor=clerk, subject=firm, data=penalty_input())
    effective = effective_record(clerk, reviewer, firm, matter="价格欺诈")
    own = record_create(actor=other_clerk, subject=firm, data=penalty_input())
    client = client_for(other_clerk)
    for record in (draft, effective):
        assert client.get(detail_url(record)).status_code == 404
        for action in ACTIONS:
            assert client.post(action_url(record, action), {"reason": "x"}).status_code == 404, action
    response = client.get(LIST)
    assert response.status_code == 200
    assert [row["id"] for row in response.data["results"]] == [own.pk]
    assert client.get(LIST, {"q": firm.code}).data["count"] == 1
    assert CreditRecord.objects.get(pk=draft.pk).status == RecordStatus.DRAFT
    assert CreditRecord.objects.get(pk=effective.pk).status == RecordStatus.EFFECTIVE


def test_credit_office_lists_every_department(clerk, other_clerk, credit_office_user, firm):
    record_create(actor=clerk, subject=firm, data=penalty_input())
    record_create(actor=other_clerk, subject=firm, data=penalty_input())
    response = client_for(credit_office_user).get(LIST)
    assert sorted(row["department"] for row in response.data["results"]) == ["fgw", "scjg"]


def test_subject_users_and_anonymous_are_refused(clerk, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    subject_user = make_user(Role.SUBJECT, None, username="firm-user", subject=firm)
    for client, expected in ((client_for(subject_user), {403}), (client_for(), {401, 403})):
        assert client.get(LIST).status_code in expected
        assert client.get(QUEUE).status_code in expected
        assert client.get(detail_url(record)).status_code in expected
        assert (
            client.post(LIST, penalty_payload(firm.code, matter="别的"), format="json").status_code
            in expected
        )
        assert client.post(action_url(record, "submit")).status_code in expected
    assert CreditRecord.objects.count() == 1
    assert CreditRecord.objects.get().status == RecordStatus.DRAFT


def test_complainant_only_in_the_reviewers_detail_never_in_lists(clerk, reviewer, credit_office_user, firm):
    record = record_create(actor=clerk, subject=firm, data=complaint_input())
    record_submit(actor=clerk, record=record)
    clerk_detail = client_for(clerk).get(detail_url(record)).data
    assert "complainant_name" not in clerk_detail and "complainant_contact" not in clerk_detail
    assert "李四" not in str(clerk_detail) and "13800000000" not in str(clerk_detail)
    for user in (reviewer, credit_office_user):
        detail = client_for(user).get(detail_url(record)).data
        assert (detail["complainant_name"], detail["complainant_contact"]) == ("李四", "13800000000")
    for user in (clerk, reviewer, credit_office_user):
        for url in (LIST, QUEUE):
            rows = client_for(user).get(url).data["results"]
            assert all("complainant_name" not in row and "complainant_contact" not in row for row in rows)
            assert "李四" not in str(rows)
    # The reviewer's queue carries the record, still without the complainant.
    assert [row["id"] for row in client_for(reviewer).get(QUEUE).data["results"]] == [record.pk]


def test_identity_numbers_are_masked_for_clerks(clerk, reviewer):
    person = make_person("王五")
    record_create(actor=clerk, subject=person, data=penalty_input())
    clerk_code = client_for(clerk).get(LIST).data["results"][0]["subject"]["code"]
    reviewer_code = client_for(reviewer).get(LIST).data["results"][0]["subject"]["code"]
    assert reviewer_code == person.code
    assert clerk_code != person.code and "*" in clerk_code


# --- lists ---------------------------------------------------------------------------------------------


def test_review_queue_is_not_taken_for_a_record_id(clerk, reviewer, other_reviewer, firm):
    submitted = record_create(actor=clerk, subject=firm, data=penalty_input())
    record_submit(actor=clerk, record=submitted)
    record_create(actor=clerk, subject=firm, data=penalty_input(matter="价格欺诈"))  # a draft
    own = record_create(actor=reviewer, subject=firm, data=penalty_input(matter="虚假宣传"))
    record_submit(actor=reviewer, record=own)
    assert [row["id"] for row in client_for(reviewer).get(QUEUE).data["results"]] == [submitted.pk]
    assert {row["id"] for row in client_for(other_reviewer).get(QUEUE).data["results"]} == {
        submitted.pk,
        own.pk,
    }
    assert client_for(clerk).get(QUEUE).data["results"] == []


def test_list_filters(clerk, reviewer, firm):
    other_firm = make_company()
    effective = effective_record(clerk, reviewer, firm)
    draft = record_create(
        actor=clerk,
        subject=firm,
        data=penalty_input(document_number="西发改罚〔2026〕9号", matter="价格欺诈"),
    )
    warning = record_create(
        actor=clerk,
        subject=other_firm,
        data=RecordInput(
            kind="警告",
            document_number="西发改警〔2026〕2号",
            decision_date="2026-01-05",
            matter="超范围经营",
        ),
    )
    client = client_for(clerk)

    def ids(**params) -> set[int]:
        response = client.get(LIST, params)
        assert response.status_code == 200, response.data
        return {row["id"] for row in response.data["results"]}

    assert ids(status="effective") == {effective.pk}
    assert ids(kind="warning") == {warning.pk}
    assert ids(severity="minor") == {warning.pk}
    assert ids(q="9号") == {draft.pk}
    assert ids(decision_date_from="2026-02-01") == {effective.pk, draft.pk}
    assert ids(decision_date_to="2026-02-01") == {warning.pk}
    # Decided in early 2026, still not effective today: past the 7-working-day publication deadline.
    assert ids(overdue="true") == {draft.pk, warning.pk}
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400


def test_list_query_count_does_not_grow_with_the_records(
    clerk, reviewer, firm, django_assert_max_num_queries
):
    for n in range(30):
        record = record_create(actor=clerk, subject=firm, data=penalty_input(matter=f"违法行为{n}"))
        record_submit(actor=clerk, record=record)
    client = client_for(clerk)
    # count, page of records (subject, kind, department joined), their sanctions (kinds joined)
    with django_assert_max_num_queries(3):
        response = client.get(LIST)
    assert response.data["count"] == 30 and len(response.data["results"]) == 30
    assert all(len(row["sanctions"]) == 2 for row in response.data["results"])
    # + the record kind the filter names
    with django_assert_max_num_queries(4):
        response = client.get(LIST, {"kind": "administrative_penalty", "status": "submitted"})
    assert response.data["count"] == 30
    with django_assert_max_num_queries(3):
        response = client_for(reviewer).get(QUEUE)
    assert response.data["count"] == 30 and len(response.data["results"]) == 30


def test_detail_query_count(clerk, reviewer, firm, django_assert_max_num_queries):
    record = effective_record(clerk, reviewer, firm)
    # the record (joined), its sanctions, its transitions with their actors
    with django_assert_max_num_queries(3):
        response = client_for(reviewer).get(detail_url(record))
    assert response.status_code == 200 and len(response.data["transitions"]) == 3


def test_token_authentication(clerk, firm):
    token = Token.objects.create(user=clerk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(LIST, penalty_payload(firm.code), format="json")
    assert response.status_code == 201, response.data
    assert client.get(LIST).data["count"] == 1
    assert client.post(action_url(CreditRecord.objects.get(), "submit")).status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    # Session authentication comes first in the settings, so DRF answers a failed login with 403.
    assert client.get(LIST).status_code in (401, 403)
