"""A subject user applies for credit repair with a proof file in the system Chromium; the reviewer of
the determining department accepts and approves it; the record stops being published."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from records.models import RecordStatus
from records.selectors import records_published
from tests.factories import make_user
from tests.otp import browser_second_factor

from .conftest import PDF, effective_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-2026"


def test_a_subject_applies_online_and_the_department_approves(browser_page, live_server, tmp_path, firm):
    clerk = make_user(Role.CLERK, "fgw", username="b-clerk")
    reviewer = make_user(Role.REVIEWER, "fgw", username="b-reviewer")
    make_user(Role.SUBJECT, None, username="b-subject", subject=firm)
    record = effective_record(
        clerk,
        reviewer,
        firm,
        decision_date=timezone.localdate() - datetime.timedelta(days=120),
        number="西发改罚9号",
    )
    assert records_published().filter(pk=record.pk).exists()
    proof = Path(tmp_path) / "信用修复承诺书.pdf"
    proof.write_bytes(PDF)
    page = browser_page

    def login(username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        browser_second_factor(page, username)
        page.wait_for_url(f"{live_server.url}/")

    login("b-subject")
    page.click("nav >> text=信用修复")
    page.locator("tr", has_text="西发改罚9号").locator("a:has-text('申请修复')").click()
    page.fill("textarea[name=statement]", "已全额缴纳罚款，完成整改并参加信用修复专题培训。")
    page.click("main button:has-text('提交申请')")
    assert "请至少上传一份证明材料" in page.content()
    page.fill("textarea[name=statement]", "已全额缴纳罚款，完成整改并参加信用修复专题培训。")
    page.set_input_files("input[name=proof_commitment]", str(proof))
    page.click("main button:has-text('提交申请')")
    assert "信用修复申请已提交" in page.content() and "信用修复承诺书.pdf" in page.content()
    page.click("header button:has-text('退出')")

    login("b-reviewer")
    page.click("nav >> text=信用修复")
    page.locator("tr", has_text="西发改罚9号").first.locator("a").click()
    page.click("main button:has-text('受理')")
    assert "已受理" in page.content()
    page.fill("#approve_reason", "整改到位，同意修复")
    page.click("main button:has-text('同意修复')")
    assert "已同意修复：该记录停止公示" in page.content()
    page.screenshot(path="/tmp/creditreg-repair-approved.png", full_page=True)
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED
    assert not records_published().filter(pk=record.pk).exists()
