"""In the system Chromium: a subject downloads its credit report from the portal, and the public check
page confirms the file is genuine and refuses a modified copy."""

from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role
from tests.factories import make_company, make_user
from tests.otp import browser_second_factor
from tests.public.conftest import effective_record

from ..documents.pdftext import pdf_text, squeeze

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-for-tests-2026"
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"


def test_a_subject_downloads_its_report_and_the_check_confirms_it(browser_page, live_server, tmp_path):
    clerk = make_user(Role.CLERK, "fgw", username="r-clerk")
    reviewer = make_user(Role.REVIEWER, "fgw", username="r-reviewer")
    firm = make_company("西峡县浏览器信用报告有限公司")
    make_user(Role.SUBJECT, None, username="r-subject", subject=firm)
    effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕301号")
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "r-subject")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    browser_second_factor(page, "r-subject")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/portal/")
    with page.expect_download() as download_info:
        page.click("#credit-report button[data-report=full]")
    download = download_info.value
    report = Path(tmp_path) / download.suggested_filename
    download.save_as(str(report))
    content = report.read_bytes()
    assert content.startswith(b"%PDF")
    number = download.suggested_filename.removesuffix(".pdf")
    text = squeeze(pdf_text(content))
    assert firm.name in text and "西发改罚〔2026〕301号" in text and number in text
    page.click("header button:has-text('退出')")

    # Anyone, not logged in, at the address printed on the report.
    page.goto(f"{live_server.url}/verify/{number}/")
    assert number in page.locator("section.document-issued").inner_text()
    page.set_input_files("input[name=file]", str(report))
    page.click("form.verify-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-verdict=genuine]").count() == 1
    assert "西发改罚〔2026〕301号" in page.locator("section.stated").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "verify-genuine.png"), full_page=True)

    # One byte changed: refused, and nothing of the content shown.
    modified = Path(tmp_path) / "modified.pdf"
    changed = bytearray(content)
    changed[len(changed) // 3] ^= 0x01
    modified.write_bytes(bytes(changed))
    page.set_input_files("input[name=file]", str(modified))
    page.click("form.verify-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-verdict=altered]").count() == 1
    assert page.locator("section.stated").count() == 0
    page.screenshot(path=str(ARTIFACTS / "verify-altered.png"), full_page=True)
