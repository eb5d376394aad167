"""In the system Chromium: a department creates a random-inspection plan, publishes its seed hash,
draws, enters a failed result that its reviewer approves, and the public page shows the plan, the
draw (seed and hash) and the result."""

import pytest

from inspections.models import InspectionPlan, PlanStatus
from records.models import RecordStatus
from tests.browser import check_page
from tests.otp import browser_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-2026"


def test_plan_seed_hash_draw_failed_result_review_and_the_public_page(browser_page, live_server, world):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of publishing and drawing

    def login(username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        browser_second_factor(page, username)
        page.wait_for_url(f"{live_server.url}/")

    login(world.clerk.username)
    page.click("nav >> text=随机抽查")
    page.click("main a:has-text('新建计划')")
    page.fill("input[name=title]", "2026年企业公示信息双随机抽查")
    page.check(f"input[name=matters][value='{world.matter.pk}']")
    page.fill("input[name=ratio_D]", "1")
    page.click("main button:has-text('保存为草稿')")
    assert "计划已保存为草稿" in page.content()
    page.click("main button:has-text('公布随机种子哈希')")
    assert "随机种子的哈希已公布" in page.content()
    plan = InspectionPlan.objects.get()
    assert plan.seed_sha256 in page.content() and plan.seed not in page.content()
    page.click("main button:has-text('抽取')")
    assert "已抽取" in page.content() and plan.seed in page.content()
    target = world.by_grade["D"][0]
    page.locator("tr", has_text=target.name).locator("a:has-text('录入检查结果')").click()
    page.check("input[name=outcome][value=failed]")
    page.fill("textarea[name=findings]", "未按规定公示年度报告")
    page.fill("input[name=document_number]", "西市监检〔2026〕21号")
    page.click("main button:has-text('保存检查结果')")
    assert "待本部门审核人员审核" in page.content()
    # The other drawn subject still waits for its result: the clerk's to-do leads to the plan.
    page.goto(f"{live_server.url}/")
    page.click("main a:has-text('待录入结果的抽查')")
    row = page.locator("tr", has_text="2026年企业公示信息双随机抽查")
    assert row.locator("td").last.inner_text() == "1"
    found = check_page(page, "inspections-awaiting")
    assert all(document <= viewport for document, viewport in found["overflow"].values()), found["overflow"]
    assert found["axe_passed"] > 10 and found["axe"] == [], found["axe"]
    page.set_viewport_size({"width": 1366, "height": 768})  # the rest of the walk on a desktop
    page.click("header button:has-text('退出')")

    login(world.reviewer.username)
    page.click("nav >> text=审核")
    page.locator("tr", has_text="西市监检〔2026〕21号").locator("button:has-text('审核通过')").click()
    assert "审核通过，记录已生效" in page.content()
    inspection = InspectionPlan.objects.get().inspections.get(subject=target)
    assert inspection.record.status == RecordStatus.EFFECTIVE

    page.goto(f"{live_server.url}/public/")
    page.click("nav.public-nav >> text=随机抽查")
    page.click("main a:has-text('2026年企业公示信息双随机抽查')")
    content = page.content()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN
    assert "2026年企业公示信息双随机抽查" in content and "企业公示信息抽查" in content  # the plan
    assert plan.seed_sha256 in content and plan.seed in content  # the draw: hash and seed
    row = page.locator("tr", has_text=target.name)
    assert "不合格" in row.inner_text() and "未按规定公示年度报告" in row.inner_text()  # the result
    assert world.person.code not in content
    page.screenshot(path="/tmp/creditreg-inspections-public.png", full_page=True)
