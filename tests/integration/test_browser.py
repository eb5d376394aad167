"""The pages that matter, in the system Chromium: log in, search the registry."""

import pytest

from creditreg.demo import DEMO_PASSWORD, demo_load
from subjects.models import Subject, SubjectKind
from tests.otp import browser_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
    browser_second_factor(page, "xyb_staff")
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
    # The row links to the subject's page and to its credit file (信用档案).
    rows.first.get_by_role("link", name=target.name).click()
    page.wait_for_url(f"**/subjects/{target.pk}/")
    assert target.legal_representative.name in page.content()
    page.screenshot(path="/tmp/creditreg-subject-detail.png")


def test_clerk_enters_a_penalty_and_a_reviewer_approves_it(browser_page, live_server):
    from records.models import CreditRecord, RecordStatus
    from tests.factories import make_company

    demo_load()
    firm = make_company("西峡县浏览器测试有限公司")
    page = browser_page

    def login(username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        browser_second_factor(page, username)
        page.wait_for_url(f"{live_server.url}/")

    login("zjj_clerk")
    page.click("nav >> text=录入记录")
    page.click("text=行政处罚")
    page.fill("input[name=subject_code]", firm.code)
    page.fill("input[name=document_number]", "西建罚〔2026〕12号")
    page.fill("input[name=decision_date]", "2026-06-01")
    page.fill("input[name=matter]", "未取得施工许可证擅自施工")
    page.select_option("select[name=sanctions-0-kind]", label="罚款")
    page.fill("input[name=sanctions-0-fine_amount]", "12000")
    page.click("main button:has-text('保存')")
    assert "已保存为草稿" in page.content()
    page.click("main button:has-text('提交审核')")
    assert "已提交审核" in page.content()
    page.click("header button:has-text('退出')")

    login("zjj_reviewer")
    page.click("nav >> text=审核")
    assert "西建罚〔2026〕12号" in page.content()
    page.locator("tr", has_text="西建罚〔2026〕12号").locator("button:has-text('审核通过')").click()
    page.wait_for_url("**/records/review/")
    assert "审核通过，记录已生效" in page.content()
    record = CreditRecord.objects.get(document_number="西建罚〔2026〕12号")
    assert record.status == RecordStatus.EFFECTIVE and record.severity == "general"
    page.goto(f"{live_server.url}/records/{record.pk}/")
    page.screenshot(path="/tmp/creditreg-record-detail.png", full_page=True)


def test_credit_office_reviews_a_yearly_run_in_the_admin(browser_page, live_server):
    import io

    from django.core.management import call_command

    from grading.models import EvaluationRun

    demo_load()
    call_command("yearly_run", as_of="2026-12-15", scheme="public", stdout=io.StringIO())
    run = EvaluationRun.objects.get(scheme__code="public")
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "xyb_staff")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("input[type=submit]")
    browser_second_factor(page, "xyb_staff")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/grading/evaluationrun/{run.pk}/change/")
    content = page.content()
    assert "等级分布" in content and "已完成，待审核" in content
    page.click("text=本次评价的全部等级")
    page.wait_for_url("**/admin/grading/grade/**")
    assert page.locator("#result_list tbody tr").count() == min(100, run.subjects_total)
    assert str(run.subjects_total) in page.locator(".paginator").inner_text()
    page.screenshot(path="/tmp/creditreg-run-review.png", full_page=False)
