"""TOTP second factor for the credit office and reviewers at the web login, /admin/ and session API
(SPEC §6, §7), with codes computed from the device key as an authenticator app does."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditLog
from tests.factories import make_user
from tests.otp import (
    force_login_unverified,
    totp_code,
    totp_code_from_secret,
    totp_device_for,
    unthrottle,
)

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-2026"


def password_step(client, username: str, password: str = PASSWORD, next_url: str = ""):
    return client.post(reverse("login"), {"username": username, "password": password, "next": next_url})


def test_a_reviewer_without_a_device_sets_one_up_before_anything_else(client):
    make_user(Role.REVIEWER, "fgw", username="new-reviewer")
    response = password_step(client, "new-reviewer")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("otp_setup"))
    for url in (reverse("records:review"), reverse("objections:list"), reverse("account")):
        assert client.get(url)["Location"].startswith(reverse("otp_setup"))
    page = client.get(home["Location"])
    content = page.content.decode()
    assert page.status_code == 200 and "设置第二重身份验证" in content
    assert 'src="data:image/svg+xml' in content and "otpauth://totp/" in content
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', content).group(1)
    wrong = client.post(reverse("otp_setup"), {"otp_token": "000000", "next": "/"})
    assert wrong.status_code == 200 and client.get(reverse("home")).status_code == 302
    unthrottle(TOTPDevice.objects.get(user__username="new-reviewer"))
    done = client.post(reverse("otp_setup"), {"otp_token": totp_code_from_secret(secret), "next": "/"})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    assert TOTPDevice.objects.filter(user__username="new-reviewer", confirmed=True).count() == 1
    assert AuditLog.objects.filter(action="user.second_factor_set_up", target_id__isnull=False).exists()


def test_a_credit_officer_with_a_device_gives_the_code_after_the_password(client):
    officer = make_user(Role.CREDIT_OFFICE, "xyb", username="officer-2fa")
    device = totp_device_for(officer)
    password_step(client, "officer-2fa", next_url=reverse("subjects:list"))
    response = client.get(reverse("subjects:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    page = client.get(response["Location"])
    assert "一次性验证码" in page.content.decode()
    wrong = client.post(reverse("otp_verify"), {"otp_token": "123456", "next": reverse("subjects:list")})
    assert wrong.status_code == 200 and "验证码错误或已过期" in wrong.content.decode()
    unthrottle(device)
    good = client.post(
        reverse("otp_verify"), {"otp_token": totp_code(device), "next": reverse("subjects:list")}
    )
    assert good.status_code == 302 and good["Location"] == reverse("subjects:list")
    assert client.get(reverse("subjects:list")).status_code == 200


def test_a_code_is_accepted_once(client):
    reviewer = make_user(Role.REVIEWER, "fgw", username="replay")
    device = totp_device_for(reviewer)
    code = totp_code(device)
    password_step(client, "replay")
    assert client.post(reverse("otp_verify"), {"otp_token": code}).status_code == 302
    other = client.__class__()
    password_step(other, "replay")
    assert other.post(reverse("otp_verify"), {"otp_token": code}).status_code == 200
    assert other.get(reverse("home")).status_code == 302


def test_a_password_alone_cannot_replace_an_existing_device(client):
    reviewer = make_user(Role.REVIEWER, "fgw", username="stolen-password")
    totp_device_for(reviewer)
    password_step(client, "stolen-password")
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    assert client.post(reverse("otp_setup"), {"otp_token": "000000"}).status_code == 302
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1


def test_admin_needs_the_second_factor(client):
    officer = make_user(Role.CREDIT_OFFICE, "xyb", username="admin-2fa")
    force_login_unverified(client, officer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup"))
    totp_device_for(officer)
    response = client.get(reverse("admin:grading_grade_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    client.post(reverse("otp_verify"), {"otp_token": totp_code(totp_device_for(officer))})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_page_leads_to_the_code(client):
    officer = make_user(Role.CREDIT_OFFICE, "xyb", username="admin-login")
    device = totp_device_for(officer)
    client.post(reverse("admin:login"), {"username": "admin-login", "password": PASSWORD, "next": "/admin/"})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    assert (
        client.post(reverse("otp_verify"), {"otp_token": totp_code(device), "next": "/admin/"})["Location"]
        == "/admin/"
    )
    assert client.get("/admin/").status_code == 200


def test_session_api_calls_need_the_second_factor_and_tokens_do_not(client):
    reviewer = make_user(Role.REVIEWER, "fgw", username="api-reviewer")
    force_login_unverified(client, reviewer)
    response = client.get(reverse("api-objection-list"))
    assert response.status_code == 403 and "一次性验证码" in response.json()["detail"]
    client.force_login(reviewer)  # verified (tests/conftest.py)
    assert client.get(reverse("api-objection-list")).status_code == 200
    token = Token.objects.create(user=reviewer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(reverse("api-objection-list")).status_code == 200


def test_clerks_log_in_without_a_code_unless_they_chose_one(client):
    clerk = make_user(Role.CLERK, "fgw", username="plain-clerk")
    password_step(client, "plain-clerk")
    assert client.get(reverse("home")).status_code == 200
    assert "设置身份验证器" in client.get(reverse("account")).content.decode()
    device = totp_device_for(clerk)
    client.post(reverse("logout"))
    password_step(client, "plain-clerk")
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_verify"))
    client.post(reverse("otp_verify"), {"otp_token": totp_code(device)})
    assert client.get(reverse("home")).status_code == 200


def test_the_credit_office_removes_a_lost_device(client, credit_office_user):
    reviewer = make_user(Role.REVIEWER, "fgw", username="lost-phone")
    totp_device_for(reviewer)
    client.force_login(credit_office_user)
    response = client.post(reverse("user_security", args=[reviewer.pk]), {"action": "second_factor"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert AuditLog.objects.filter(action="user.second_factor_reset", actor=credit_office_user).count() == 1
    other = client.__class__()
    password_step(other, "lost-phone")
    assert other.get(reverse("home"))["Location"].startswith(reverse("otp_setup"))


def test_demo_accounts_log_in_with_the_printed_secrets(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    secrets = dict(re.findall(r"^\s+(\w+)\s+([A-Z2-7]{32})\s+otpauth://", printed, re.MULTILINE))
    assert set(secrets) == {"xyb_staff", "fgw_reviewer", "zjj_reviewer", "scjg_reviewer", "zfbz_reviewer"}
    password_step(client, "xyb_staff", "Demo@2026")
    response = client.post(reverse("otp_verify"), {"otp_token": totp_code_from_secret(secrets["xyb_staff"])})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    # The secrets are fixed: a second load prints the same ones.
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert (
        dict(re.findall(r"^\s+(\w+)\s+([A-Z2-7]{32})\s+otpauth://", again.getvalue(), re.MULTILINE))
        == secrets
    )
