"""In the system Chromium: a subject files an objection with a file in the portal, the department's
reviewer accepts and upholds it, and the grade on the subject's page changes."""

import pytest

from accounts.models import Role
from grading.models import Grade, GradeInForce
from objections.models import Objection, ObjectionStatus
from records.models import CreditRecord, RecordStatus
from records.validation import SanctionInput
from tests.factories import make_company, make_resident_id, make_user
from tests.otp import browser_second_factor

from .conftest import PASSWORD, PDF, effective_record, register_linked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STAFF_PASSWORD = "pw-for-tests-2026"


def _session(page, live_server):
    """Log in through the login page (with the second factor) and out through the header's button."""

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

    return login, logout


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

    login, logout = _session(page, live_server)

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


def test_a_field_objection_with_a_request_for_material_ends_partly_upheld_on_the_portal_and_the_public_page(
    browser_page, live_server, tmp_path
):
    """The subject objects to the severity of a serious penalty (its county grade D) with a file and
    gets its receipt; the reviewer asks for material; the subject answers with another file; the
    reviewer partly upholds with the severity he finds right: the corrected severity, the new grade in
    force and the decision show on the portal, the new grade on the public page."""
    firm = make_company("西峡县字段异议有限公司", rep=(make_resident_id("19700402"), "钱法人"))
    clerk = make_user(Role.CLERK, "fgw", username="fgw-clerk-f")
    make_user(Role.REVIEWER, "fgw", username="fgw-reviewer-f")
    reviewer = make_user(Role.REVIEWER, "fgw", username="fgw-reviewer-g")
    record = effective_record(
        clerk,
        reviewer,
        firm,
        document_number="西发改罚〔2026〕77号",
        sanctions=[SanctionInput("吊销许可证件")],
    )
    assert GradeInForce.objects.get(subject=firm, scheme__code="public").grade == "D"
    register_linked(firm, "ziduan")
    evidence = tmp_path / "原决定书.pdf"
    evidence.write_bytes(PDF)
    answer = tmp_path / "送达回证.pdf"
    answer.write_bytes(PDF)
    page = browser_page

    login, logout = _session(page, live_server)

    login("ziduan", PASSWORD)
    page.goto(f"{live_server.url}/portal/")
    page.locator("#records tr", has_text="西发改罚〔2026〕77号").locator("a:has-text('提出异议')").click()
    page.wait_for_url(f"**/portal/records/{record.pk}/object/")
    page.select_option("select[name=field]", "severity")
    page.fill("input[name=claimed_value]", "轻微")
    page.fill("textarea[name=reasons]", "违法情节轻微，已当即整改。")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("main button:has-text('提交异议')")
    page.wait_for_url("**/objections/*/")
    objection = Objection.objects.get()
    assert objection.number in page.locator("h1").inner_text()
    assert "轻微" in page.locator("dd.claim").inner_text()
    page.click(f"a:has-text('{objection.receipt_number}')")
    page.wait_for_url(f"**/objections/{objection.pk}/receipt/")
    assert objection.receipt_number in page.locator("p.number").inner_text()
    assert objection.deadline.strftime("%Y年%-m月%-d日") in page.locator("p.due").inner_text()
    page.click("a:has-text('返回')")
    page.wait_for_url(f"**/objections/{objection.pk}/")
    logout()

    login("fgw-reviewer-g", STAFF_PASSWORD)
    page.goto(f"{live_server.url}/objections/{objection.pk}/")
    page.fill("#request-material textarea[name=reason]", "请补充原决定书送达回证。")
    page.click("#request-material button:has-text('要求补充材料')")
    page.wait_for_url(f"**/objections/{objection.pk}/")
    assert "期限暂停" in page.locator("dd.deadline").inner_text()
    logout()

    login("ziduan", PASSWORD)
    page.goto(f"{live_server.url}/portal/")
    assert "期限暂停" in page.locator("#objections").inner_text()
    page.goto(f"{live_server.url}/objections/{objection.pk}/")
    page.fill("#answer textarea[name=reason]", "送达回证已上传。")
    page.set_input_files("#answer input[name=files]", str(answer))
    page.click("#answer button:has-text('提交补充材料')")
    page.wait_for_url(f"**/objections/{objection.pk}/")
    assert "期限暂停" not in page.locator("dd.deadline").inner_text()
    assert page.locator("a:has-text('送达回证.pdf')").count() == 1
    logout()

    login("fgw-reviewer-g", STAFF_PASSWORD)
    page.goto(f"{live_server.url}/objections/{objection.pk}/")
    page.fill("#decide textarea[name=reason]", "经核对原件，情节一般，部分成立。")
    page.fill("#decide input[name=corrected_value]", "一般")
    page.click("#decide button:has-text('部分成立')")
    page.wait_for_url(f"**/objections/{objection.pk}/")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.PARTLY_UPHELD
    assert objection.correction.severity == "general"
    new_grade = GradeInForce.objects.get(subject=firm, scheme__code="public").grade
    assert new_grade not in {"D", "D-"}
    assert CreditRecord.objects.get(pk=record.pk).status == RecordStatus.CORRECTED
    logout()

    login("ziduan", PASSWORD)
    page.goto(f"{live_server.url}/portal/")
    assert page.locator("tr.grade-row[data-scheme=public] .grade").inner_text() == new_grade
    assert "部分成立" in page.locator("#objections").inner_text()
    page.goto(f"{live_server.url}/objections/{objection.pk}/")
    assert "经核对原件" in page.locator("dd.decision").inner_text()
    assert "一般" in page.locator("dd.record-action").inner_text()
    page.click(f"a:has-text('{objection.decision_number}')")
    page.wait_for_url(f"**/objections/{objection.pk}/decision/")
    assert "一般" in page.content() and objection.decision_number in page.content()
    page.click("a:has-text('返回')")
    page.wait_for_url(f"**/objections/{objection.pk}/")
    logout()

    page.goto(f"{live_server.url}/public/subjects/{firm.code}/")
    assert page.locator("tr.grade-row[data-scheme=public] .grade").inner_text() == new_grade
    assert page.locator("table.records tr", has_text="西发改罚〔2026〕77号").count() == 1
    page.screenshot(path="/tmp/creditreg-field-objection-public.png", full_page=True)
