"""Failed logins lock out per user name and address (SPEC §6, §7; GB/T 22239-2019 登录失败处理)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditLog
from core.http import client_address
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-2026"


def login(client, username: str, password: str, address: str = "10.1.1.1", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_hundred_wrong_passwords_then_the_right_one_is_refused(client):
    clerk = make_user(Role.CLERK, "fgw", username="guessed")
    for n in range(100):
        login(client, "guessed", f"wrong-{n}")
    response = login(client, "guessed", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "登录失败次数过多" in page and f"{settings.LOGIN_LOCKOUT_MINUTES} 分钟" in page
    # One audit entry for the lock-out, not one per refused attempt.
    entries = AuditLog.objects.filter(action="user.login_locked_out")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.target_id == str(clerk.pk)
    assert entry.after["ip_address"] == "10.1.1.1" and entry.after["username"] == "guessed"


def test_the_lock_starts_at_the_limit_and_not_before(client):
    make_user(Role.CLERK, "fgw", username="typo")
    for n in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert login(client, "typo", f"wrong-{n}").status_code == 200
    assert login(client, "typo", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_admin_login_is_locked_out_too(client):
    make_user(Role.CREDIT_OFFICE, "xyb", username="office-admin")
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"), {"username": "office-admin", "password": f"x{n}"}, REMOTE_ADDR="10.2.2.2"
        )
    response = client.post(
        reverse("admin:login"), {"username": "office-admin", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert response.status_code == 429 and not logged_in(client)
    assert AuditLog.objects.filter(action="user.login_locked_out").count() == 1


def test_a_lock_from_one_address_leaves_the_user_in_from_another(client):
    """A stranger guessing from elsewhere does not lock the clerk out of the office."""
    make_user(Role.CLERK, "fgw", username="targeted")
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "targeted", f"wrong-{n}", address="203.0.113.9")
    assert login(client, "targeted", PASSWORD, address="203.0.113.9").status_code == 429
    assert login(client, "targeted", PASSWORD, address="10.0.0.7").status_code == 302
    assert logged_in(client)


def test_failures_spread_over_many_addresses_lock_the_account_everywhere(client):
    make_user(Role.CLERK, "fgw", username="sprayed")
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        login(client, "sprayed", "wrong", address=f"198.51.100.{n + 1}")
    response = login(client, "sprayed", PASSWORD, address="10.0.0.8")
    assert response.status_code == 429 and not logged_in(client)


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client):
    make_user(Role.CLERK, "fgw", username="forger")
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "forger", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = login(client, "forger", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.1.1.1"}


def test_the_client_address_believes_only_the_configured_proxies():
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 8.8.8.8")
    assert client_address(request) == "10.9.9.9"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(request) == "8.8.8.8"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert client_address(request) == "6.6.6.6"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(factory.get("/", REMOTE_ADDR="10.9.9.9")) == "10.9.9.9"


def test_the_lock_ends_after_the_cool_off(client):
    make_user(Role.CLERK, "fgw", username="patient")
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "patient", f"wrong-{n}")
    assert login(client, "patient", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1)
    )
    assert login(client, "patient", PASSWORD).status_code == 302


def test_api_tokens_work_for_a_locked_out_reviewer_without_a_second_factor(client):
    """SPEC §7: tokens made with drf_create_token need no second factor; the lock-out guards passwords."""
    reviewer = make_user(Role.REVIEWER, "fgw", username="token-reviewer")
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "token-reviewer", f"wrong-{n}")
    token = Token.objects.create(user=reviewer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(reverse("api-objection-list")).status_code == 200
