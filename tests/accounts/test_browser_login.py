"""The login of a reviewer in the system Chromium: password, set-up of the authenticator from the QR
code page's secret, then the pages; the Content-Security-Policy blocks nothing the pages need."""

import pytest

from accounts.models import Role
from tests.factories import make_user
from tests.otp import browser_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reviewer_sets_up_the_second_factor_and_nothing_breaks_the_policy(browser_page, live_server):
    make_user(Role.REVIEWER, "fgw", username="browser-reviewer")
    make_user(Role.CREDIT_OFFICE, "xyb", username="browser-officer")
    page = browser_page
    refused: list[str] = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and refused.append(msg.text))

    def login(username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "pw-for-tests-2026")
        page.click("main button[type=submit]")

    login("browser-reviewer")
    page.wait_for_url("**/accounts/otp/setup/**")
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0  # the data: QR code shows
    browser_second_factor(page, "browser-reviewer")
    page.wait_for_url(f"{live_server.url}/")
    assert "审核" in page.locator("nav").inner_text()
    page.click("header >> text=我的账号")
    assert "已设置身份验证器应用" in page.content()
    page.click("header button:has-text('退出')")

    login("browser-officer")
    browser_second_factor(page, "browser-officer")
    page.wait_for_url(f"{live_server.url}/")
    for path in ("/admin/", "/admin/accounts/user/", "/subjects/", "/api/docs/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert page.locator(".swagger-ui").count() == 1
    assert refused == []
