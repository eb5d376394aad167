"""The error pages are Chinese pages of the site, with the service's reason (issue 19)."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refusal_shows_the_reason_in_chinese(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("grading:runs"))
    html = response.content.decode()
    assert response.status_code == 403 and "无权操作" in html and "403 Forbidden" not in html
    assert "您的角色" in html  # the reason ``require`` gave


def test_not_found_is_a_chinese_page_and_json_under_the_api(client, clerk):
    client.force_login(clerk)
    html = client.get("/no-such-page/").content.decode()
    assert "未找到" in html and 'class="nav' in html
    api = client.get("/api/no-such-thing/")
    assert api.status_code == 404 and api.headers["Content-Type"].startswith("application/json")


def test_the_server_error_page_is_chinese():
    # Django renders 500.html without a context (no request, no user): a page of its own.
    html = render_to_string("500.html")
    assert "系统出错" in html and "信用办" in html


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_a_request_too_large_is_a_400_in_json_under_the_api_and_a_chinese_page_elsewhere(
    client, clerk, settings
):
    """Django refuses it before any view reads it (SuspiciousOperation): the API still answers JSON, as
    its schema says, and a page still speaks Chinese."""
    from rest_framework.authtoken.models import Token

    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"f{i}": "x" for i in range(10)}
    token = Token.objects.create(user=clerk)
    api = client.post("/api/records/review-queue/bulk/", fields, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.status_code == 400 and api.headers["Content-Type"].startswith("application/json")
    assert "过大" in api.json()["detail"]
    client.force_login(clerk)
    page = client.post(reverse("inspections:matters"), fields)
    assert (
        page.status_code == 400
        and "过大" in page.content.decode()
        and "Bad Request" not in page.content.decode()
    )
