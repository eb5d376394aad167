"""The public pages in the system Chromium (headless, Playwright): look-up by name, a subject's
published information, a natural person found by the full number and shown masked, and the black list.
Screenshots are written under ``artifacts/`` (git-ignored) for a person to look at."""

from pathlib import Path

import pytest
from django.conf import settings

from core.masking import mask_resident_id
from tests.factories import make_company, make_person, make_user

from .conftest import effective_record
from .test_api import black

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"


def test_public_lookup_and_black_list_render(browser_page, live_server):
    from accounts.models import Role

    clerk = make_user(Role.CLERK, "fgw", username="browser-clerk")
    reviewer = make_user(Role.REVIEWER, "fgw", username="browser-reviewer")
    office = make_user(Role.CREDIT_OFFICE, "xyb", username="browser-office")
    firm = make_company("西峡县浏览器公示查询有限公司")
    person = make_person("冯九")
    effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕88号", matter="未按规定明码标价")
    black(office, firm)
    black(office, person, reason="失信被执行人")
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page

    page.goto(f"{live_server.url}/public/")
    assert page.locator("h1").inner_text() == "信用查询"
    page.fill("input[name=q]", "浏览器公示")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 1 and firm.name in rows.first.inner_text()
    rows.first.locator("a").click()
    page.wait_for_url(f"**/public/subjects/{firm.code}/")
    assert "西发改罚〔2026〕88号" in page.locator("table.records").inner_text()
    assert "拒不履行生效判决" in page.locator("table.lists").inner_text()
    page.screenshot(path=str(ARTIFACTS / "public-subject.png"), full_page=True)

    # A natural person: only the full number finds them, and the page shows it masked.
    page.goto(f"{live_server.url}/public/")
    page.fill("input[name=q]", person.code)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    assert "冯九" in page.locator("section.profile").inner_text()
    content = page.content()
    assert person.code not in content and mask_resident_id(person.code) in content
    assert person.code not in page.url
    page.screenshot(path=str(ARTIFACTS / "public-lookup-person.png"), full_page=True)

    page.click("nav.public-nav >> text=联合惩戒（黑）名单")
    page.wait_for_url("**/public/black-list/")
    table = page.locator("table.list-entries").inner_text()
    assert firm.name in table and "冯九" in table and person.code[:6] + "*" * 12 in table
    assert mask_resident_id(person.code) not in table
    assert person.code not in page.content()
    page.screenshot(path=str(ARTIFACTS / "public-black-list.png"), full_page=True)
    assert (ARTIFACTS / "public-black-list.png").stat().st_size > 5000
