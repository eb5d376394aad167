"""Password strength, change and reset; idle sessions; the Content-Security-Policy (SPEC §6, §7)."""

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY
from accounts.models import Role, User
from audit.models import AuditLog
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-2026"


def refused(password: str, user=None) -> list[str]:
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            return exc.messages
    return []


def test_password_strength_rules():
    user = User(username="fgw_clerk")
    assert refused("Demo@2026", user) == []
    assert refused("1900-01-01", user)  # digits and a symbol: two classes
    assert any("至少" in m and "大写字母" in m for m in refused("1900-01-01", user))
    assert refused("abcdefgh12", user)  # two classes
    assert refused("Ab1@xyz", user)  # seven characters
    assert any("用户名" in m for m in refused("Fgw_Clerk#2026", user))
    assert refused("Kx9!mq2#Lp", user) == []


def test_a_weak_new_password_is_refused_with_a_chinese_message(client):
    clerk = make_user(Role.CLERK, "fgw", username="changer")
    client.force_login(clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "1900-01-01", "new_password2": "1900-01-01"},
    )
    assert response.status_code == 200 and "大写字母" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Xq7!Lm2#Rt", "new_password2": "Xq7!Lm2#Rt"},
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Xq7!Lm2#Rt")
    assert client.get(reverse("home")).status_code == 200  # the session survives its own change
    assert AuditLog.objects.filter(action="user.password_change", target_id=str(clerk.pk)).exists()


def test_password_reset_by_mail_to_the_address_on_record(client):
    make_user(Role.CLERK, "fgw", username="forgetful", email="forgetful@example.gov.cn")
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.cn"})
    assert response.status_code == 302 and len(mail.outbox) == 0  # the same answer, no mail
    response = client.post(reverse("password_reset"), {"email": "forgetful@example.gov.cn"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["forgetful@example.gov.cn"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    page = client.get(form_url)
    assert "设置新密码" in page.content.decode() or "新密码" in page.content.decode()
    weak = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    done = client.post(form_url, {"new_password1": "Nw8#pass-Ok", "new_password2": "Nw8#pass-Ok"})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert (
        client.post(reverse("login"), {"username": "forgetful", "password": "Nw8#pass-Ok"}).status_code == 302
    )
    assert AuditLog.objects.filter(action="user.password_reset").count() == 1


def test_the_credit_office_sets_a_temporary_password_that_must_be_changed(client, credit_office_user):
    clerk = make_user(Role.CLERK, "fgw", username="temp-user")
    client.force_login(credit_office_user)
    page = client.post(reverse("user_security", args=[clerk.pk]), {"action": "password"})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    temporary = re.search(r'id="temporary-password">([^<]+)<', page.content.decode()).group(1)
    assert refused(temporary, clerk) == []
    audit = AuditLog.objects.get(action="user.password_temporary_set")
    assert temporary not in str(audit.after) and audit.actor == credit_office_user

    user_client = client.__class__()
    assert (
        user_client.post(reverse("login"), {"username": "temp-user", "password": temporary}).status_code
        == 302
    )
    response = user_client.get(reverse("records:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("password_change"))
    assert "临时密码" in user_client.get(reverse("password_change")).content.decode()
    user_client.post(
        reverse("password_change"),
        {"old_password": temporary, "new_password1": "Own#pass-2026", "new_password2": "Own#pass-2026"},
    )
    clerk.refresh_from_db()
    assert not clerk.password_change_required
    assert user_client.get(reverse("records:list")).status_code == 200


def test_only_the_credit_office_resets_other_users(client, clerk, reviewer):
    client.force_login(clerk)
    assert (
        client.post(reverse("user_security", args=[reviewer.pk]), {"action": "password"}).status_code == 403
    )
    reviewer.refresh_from_db()
    assert reviewer.check_password(PASSWORD) and not reviewer.password_change_required


def _age_session(client, **seconds_ago) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"last_seen": LAST_SEEN_KEY, "login_at": LOGIN_AT_KEY}[key]] = now - ago
    session.save()


def test_an_idle_session_ends(client, clerk):
    client.force_login(clerk)
    idle = settings.SESSION_IDLE_MINUTES * 60
    _age_session(client, last_seen=idle - 60)
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, last_seen=idle + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert f"{settings.SESSION_IDLE_MINUTES} 分钟" in page.content.decode()


def test_an_active_session_still_ends_at_its_maximum_length(client, clerk):
    client.force_login(clerk)
    _age_session(client, last_seen=5, login_at=settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_every_response_has_a_content_security_policy(client, clerk):
    responses = [
        client.get(reverse("login")),
        client.get("/no-such-page/"),
        client.get(reverse("api-schema")),
        client.get("/public/"),
    ]
    client.force_login(clerk)
    responses += [client.get(reverse("home")), client.get(reverse("api-objection-list"))]
    for response in responses:
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy


def test_a_reset_by_mail_lifts_the_lock_out(client):
    make_user(Role.CLERK, "fgw", username="locked-reset", email="locked@example.gov.cn")

    def login(password: str) -> int:
        return client.post(reverse("login"), {"username": "locked-reset", "password": password}).status_code

    for n in range(settings.LOGIN_FAILURE_LIMIT):
        login(f"wrong-{n}")
    assert login(PASSWORD) == 429
    client.post(reverse("password_reset"), {"email": "locked@example.gov.cn"})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": "Nw8#pass-Ok", "new_password2": "Nw8#pass-Ok"})
    assert login("Nw8#pass-Ok") == 302
