import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["1e30", "99999999999999999999999", "-5", "1.5"])
def test_a_record_number_out_of_range_is_a_400_not_a_500(reviewer, client, value):
    api = APIClient()
    api.force_authenticate(reviewer)
    response = api.get("/api/objections/", {"record": value})
    assert response.status_code == 400 and "record" in response.json()
    client.force_login(reviewer)
    assert client.get("/objections/", {"record": value}).status_code == 200


def test_a_record_number_in_range_still_filters(reviewer):
    api = APIClient()
    api.force_authenticate(reviewer)
    response = api.get("/api/objections/", {"record": "9223372036854775807"})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/records/new/?subject_id=²",
        "/records/new/?subject_id=99999999999999999999999",
        "/records/new/administrative_penalty/?subject_id=²",
        "/measures/applications/new/?subject_pk=²",
        "/measures/applications/new/?subject_pk=99999999999999999999999",
    ],
)
def test_a_subject_id_that_is_not_a_plain_number_is_ignored_not_a_500(client, credit_office_user, clerk, url):
    client.force_login(credit_office_user if url.startswith("/measures/") else clerk)
    assert client.get(url).status_code == 200
