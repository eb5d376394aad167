import datetime

import pytest
from rest_framework.test import APIClient

from repair.services import repair_apply

from .conftest import commitment_proof, effective_record

pytestmark = pytest.mark.django_db

LIST = "/api/repair/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _application(user, record):
    return repair_apply(actor=user, record=record, statement="已整改。", proofs=commitment_proof())


def test_the_api_is_scoped_like_the_pages(
    clerk, reviewer, other_clerk, credit_office_user, firm, firm_user, other_firm_user
):
    application = _application(
        firm_user, effective_record(clerk, reviewer, firm, decision_date=datetime.date(2025, 10, 1))
    )
    detail = f"{LIST}{application.pk}/"
    for user in (firm_user, reviewer, credit_office_user):
        body = _client(user).get(LIST).json()
        assert [row["id"] for row in body["results"]] == [application.pk]
        full = _client(user).get(detail).json()
        assert full["status"] == "submitted" and full["proofs"][0]["kind"] == "commitment"
        assert [t["to_status"] for t in full["transitions"]] == ["submitted"]
    for user in (other_firm_user, other_clerk):
        assert _client(user).get(LIST).json()["results"] == []
        response = _client(user).get(detail)
        assert response.status_code == 404 and "宏达" not in response.content.decode()
    assert APIClient().get(LIST).status_code in (401, 403)


def test_the_list_has_bounded_queries(clerk, reviewer, firm, firm_user, django_assert_max_num_queries):
    for n in range(15):
        _application(
            firm_user,
            effective_record(
                clerk, reviewer, firm, decision_date=datetime.date(2025, 10, 1), number=f"罚{n}"
            ),
        )
    for user in (firm_user, reviewer):
        with django_assert_max_num_queries(6):
            body = _client(user).get(LIST, {"status": "submitted"}).json()
        assert body["count"] == 15
