"""The daily work in the system Chromium (issue 19): the spreadsheet loop a clerk closes, and bulk review
of 200 records."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from records.models import CreditRecord, RecordStatus
from tests.browser import browser_login
from tests.factories import make_resident_id, make_uscc, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    path = info.value.path()
    with open(path, "rb") as handle:
        return handle.read()


def _upload(page, live_server, content: bytes, name: str) -> None:
    page.goto(f"{live_server.url}/records/import/")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": name,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": content,
            }
        ],
    )
    page.click("main button[type=submit]")
    page.wait_for_url("**/records/import/*/")
    for _ in range(30):  # the page reloads itself while the import runs
        if "records/import" in page.url and page.locator("progress").count() == 0:
            break
        page.wait_for_timeout(1000)
        page.reload()


def test_the_spreadsheet_loop_closes(browser_page, live_server):
    clerk = make_user("clerk", "fgw", username="loop-clerk")
    page = browser_page
    browser_login(page, live_server, clerk)
    page.goto(f"{live_server.url}/records/import/")
    template = _download(page, "a[href$='/records/templates/general.xlsx']")
    book = load_workbook(io.BytesIO(template))
    data = book.worksheets[0]
    header = [c.value for c in data[1]]
    person = make_resident_id("19800101")
    while not person.isdigit():  # only an all-digit number can be kept by Excel as a number
        person = make_resident_id("19800101")

    def row(number: int, **extra):
        values = {
            "主体名称": f"西峡县浏览器循环{number}有限公司",
            "主体类别": "法人",
            "主体代码": make_uscc(),
            "信息类别": "行政处罚",
            "决定文书号": f"西发改罚〔2026〕{100 + number}号",
            "决定日期": datetime.datetime(2026, 10, 16),  # as Excel keeps a date
            "处罚类别": "警告;罚款",
            "罚款金额（元）": 5000,  # as Excel keeps a number
            "内容": "未按规定明码标价",
        } | extra
        return [values.get(h) for h in header]

    data.append(row(1))
    data.append(row(2, 主体类别="自然人", 主体名称="王五", 主体代码=float(person)))  # Excel's number
    data.append(row(3, 决定日期=datetime.datetime(2099, 1, 1)))
    data.append(row(4, 信息类别="警告", 处罚类别="警告", **{"罚款金额（元）": None}))
    buffer = io.BytesIO()
    book.save(buffer)
    _upload(page, live_server, buffer.getvalue(), "十月处罚.xlsx")
    text = page.locator("main").inner_text()
    assert "Excel" in text and "文本" in text
    errors = _download(page, "a[href$='errors.xlsx']")
    fixed = load_workbook(io.BytesIO(errors))
    sheet = fixed.worksheets[0]
    cells = {c.value: i for i, c in enumerate(sheet[1])}
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 2
    assert all(isinstance(r[cells["决定日期"]].value, datetime.datetime) for r in rows)
    assert all("。；" not in r[cells["错误原因"]].value for r in rows)
    rows[0][cells["主体代码"]].value = person
    rows[1][cells["决定日期"]].value = datetime.datetime(2026, 10, 20)
    again = io.BytesIO()
    fixed.save(again)
    _upload(page, live_server, again.getvalue(), "十月处罚-改.xlsx")
    assert "错误原因" not in page.locator("main").inner_text()
    assert CreditRecord.objects.filter(department__code="fgw").count() == 4
    assert CreditRecord.objects.filter(status=RecordStatus.SUBMITTED).count() == 4


def test_bulk_review_of_200_records(browser_page, live_server):
    import time

    from core.pages import PAGE_SIZE
    from tests.records.test_review_bulk import import_submitted

    clerk = make_user("clerk", "fgw", username="bulk-clerk")
    reviewer = make_user("reviewer", "fgw", username="bulk-reviewer")
    batch = import_submitted(200, actor=clerk)
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/records/review/")
    page.select_option("select[name=import_batch]", str(batch.pk))
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"**/records/review/?*import_batch={batch.pk}*")
    assert "200" in page.locator("main").inner_text()
    # Page 2: tick all its records at once and approve them; the page and the filter stay.
    page.click("nav.pagination >> text=下一页")
    page.wait_for_url("**page=2*")
    page.check("#select-page")
    assert page.locator("input[name=ids]:checked").count() == PAGE_SIZE
    # Each record goes through the four-eyes service: on a loaded machine that takes a while. The
    # click waits for the navigation it starts under its own timeout (15 s unless given).
    with page.expect_navigation(timeout=300_000):
        page.click("button[name=action][value=approve]", timeout=300_000)
    assert "page=2" in page.url and f"import_batch={batch.pk}" in page.url
    assert f"已审核通过 {PAGE_SIZE} 条记录" in page.locator(".messages").inner_text()
    # The rest of the filter, all at once.
    started = time.perf_counter()
    page.check("input[name=scope][value=all]")
    with page.expect_navigation(timeout=300_000):
        page.click("button[name=action][value=approve]", timeout=300_000)
    seconds = time.perf_counter() - started
    assert f"已审核通过 {200 - PAGE_SIZE} 条记录" in page.locator(".messages").inner_text()
    assert CreditRecord.objects.filter(status=RecordStatus.EFFECTIVE).count() == 200
    print(f"bulk approval of {200 - PAGE_SIZE} records: {seconds:.1f} s")


def test_the_credit_office_starts_watches_and_publishes_a_yearly_run(browser_page, live_server):
    from django.utils import timezone

    from grading.models import EvaluationRun, RunStatus
    from tests.factories import make_company

    for _ in range(5):
        make_company()
    office = make_user("credit_office", "xyb", username="run-office")
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, live_server, office)
    page.goto(f"{live_server.url}/")
    page.click("nav >> text=年度评价")
    page.wait_for_url("**/grading/runs/")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.fill("input[name=as_of]", tomorrow.isoformat())
    page.select_option("select[name=scheme]", "public")
    page.click("main button:has-text('启动')")
    assert "在将来" in page.locator("main").inner_text()
    page.fill("input[name=as_of]", timezone.localdate().isoformat())
    page.click("main button:has-text('启动')")
    page.wait_for_url("**/grading/runs/*/")
    run = EvaluationRun.objects.get(scheme__code="public")
    assert page.locator("progress.run-progress").get_attribute("value") == "100"
    assert "已完成，待审核" in page.locator(".run-status").inner_text()
    page.check("input[name=confirm]")
    page.click("button:has-text('发布本次评价')")
    page.wait_for_load_state()
    assert "已发布" in page.locator(".run-status").inner_text()
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
