"""In the system Chromium: a subject files an objection with a file in the portal, the department's
reviewer accepts and upholds it, and the grade on the subject's page changes."""

import pytest

from accounts.models import Role
from grading.models import Grade
from objections.models import Objection, ObjectionStatus
from records.models import CreditRecord, RecordStatus
from tests.factories import make_company, make_resident_id, make_user
from tests.otp import browser_second_factor

from .conftest import PASSWORD, PDF, effective_record, register_linked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STAFF_PASSWORD = "pw-for-tests-2026"


def test_a_subject_objects_online_and_the_upheld_objection_changes_its_grade(
    browser_page, live_server, tmp_path
):
    number = make_resident_id("19700301")
    firm = make_company("西峡县异议测试有限公司", rep=(number, "周法人"))
    clerk = make_user(Role.CLERK, "fgw", username="fgw-clerk-b")
    reviewer = make_user(Role.REVIEWER, "fgw", username="fgw-reviewer-b")
    record = effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕66号")
    register_linked(firm, "yiyi")
    assert Grade.objects.get(subject=firm, scheme__code="public", is_current=True).grade == "C"
    evidence = tmp_path / "付款凭证.pdf"
    evidence.write_bytes(PDF)
    page = browser_page

    def login(username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        browser_second_factor(page, username)
        page.wait_for_url(f"{live_server.url}/")

    def logout() -> None:
        page.click("header button:has-text('退出')")
        page.wait_for_url("**/accounts/login/")

    def public_grade() -> str:
        return page.locator("tr.grade-row[data-scheme=public] .grade").inner_text()

    login("yiyi", PASSWORD)
    page.click("nav >> text=我的信用")
    page.wait_for_url("**/portal/")
    assert page.locator("h1").inner_text() == firm.name
    assert public_grade() == "C"
    page.locator("#records tr", has_text="西发改罚〔2026〕66号").locator("a:has-text('提出异议')").click()
    page.wait_for_url(f"**/portal/records/{record.pk}/object/")
    assert "5个工作日内办结" in page.content()
    page.fill("textarea[name=reasons]", "该罚款已于决定前缴清，处罚对象认定有误。")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("main button:has-text('提交异议')")
    page.wait_for_url("**/objections/*/")
    objection = Objection.objects.get()
    assert "异议已提交" in page.content()
    assert objection.deadline.strftime("%Y-%m-%d") in page.locator("dd.deadline").inner_text()
    assert page.locator("a:has-text('付款凭证.pdf')").count() == 1
    logout()

    login("fgw-reviewer-b", STAFF_PASSWORD)
    page.click("nav >> text=异议处理")
    page.wait_for_url("**/objections/")
    page.locator("#queue a", has_text=f"#{objection.pk}").click()
    page.wait_for_url(f"**/objections/{objection.pk}/")
    page.click("main button:has-text('受理')")
    assert "已受理" in page.content()
    page.fill("#decide textarea[name=reason]", "经核实，罚款已缴清，原记录撤销。")
    page.click("#decide button:has-text('异议成立')")
    page.wait_for_url(f"**/objections/{objection.pk}/")
    assert "已认定异议成立" in page.content()
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    assert CreditRecord.objects.get(pk=record.pk).status == RecordStatus.REVOKED
    logout()

    login("yiyi", PASSWORD)
    page.goto(f"{live_server.url}/portal/")
    assert public_grade() == "A"
    assert "您的异议成立" in page.locator("#notices").inner_text()
    assert "已撤销" in page.locator("#records").inner_text()
    page.screenshot(path="/tmp/creditreg-portal-after-objection.png", full_page=True)
