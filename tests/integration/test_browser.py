"""The pages that matter, in the system Chromium: log in, search the registry."""

import pytest

from creditreg.demo import DEMO_PASSWORD, demo_load
from subjects.models import Subject, SubjectKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_credit_office_logs_in_and_searches_subjects(browser_page, live_server):
    demo_load()
    target = Subject.objects.filter(kind=SubjectKind.LEGAL_PERSON).order_by("name").first()
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "登录"
    page.fill("input[name=username]", "xyb_staff")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.content()
    page.fill("input[name=username]", "xyb_staff")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "信用办" in page.locator(".who").inner_text()
    page.click("nav >> text=信用主体")
    page.wait_for_url("**/subjects/")
    assert page.locator("h1").inner_text() == "信用主体"
    page.fill("input[name=q]", target.code.lower())
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("table.table tbody tr")
    assert rows.count() == 1 and target.name in rows.first.inner_text()
    rows.first.locator("a").click()
    page.wait_for_url(f"**/subjects/{target.pk}/")
    assert target.legal_representative.name in page.content()
    page.screenshot(path="/tmp/creditreg-subject-detail.png")
