"""The spreadsheet loop (SPEC §7 templates; issue 19): the template types its cells and offers the
closed lists, the error workbook writes the rejected rows back typed as Excel types them, and the
corrected workbook imports."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import Department
from records.blank_templates import blank_template
from records.importing import error_workbook, records_import
from records.models import CreditRecord
from records.spreadsheets import GENERAL_COLUMNS
from tests.factories import make_resident_id, make_uscc

pytestmark = pytest.mark.django_db

LAST_MONTH = datetime.datetime(2026, 10, 16)


@pytest.fixture
def fgw():
    return Department.objects.get(code="fgw")


def filled_template(rows: list[dict]) -> bytes:
    """The downloaded template filled in as Excel fills it: dates as dates, amounts as numbers."""
    book = load_workbook(io.BytesIO(blank_template("general")))
    data = book.worksheets[0]
    header = [c.value for c in data[1]]
    for row in rows:
        data.append([row.get(h) for h in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def penalty(code: str, number: int, **extra) -> dict:
    return {
        "主体名称": f"西峡县循环测试{number}有限公司",
        "主体类别": "法人",
        "主体代码": code,
        "信息类别": "行政处罚",
        "决定文书号": f"西发改罚〔2026〕{number}号",
        "决定日期": LAST_MONTH,
        "处罚类别": "警告;罚款",
        "罚款金额（元）": 5000,
        "内容": "未按规定明码标价",
    } | extra


def test_the_template_types_its_columns_and_offers_the_closed_lists():
    with translation.override("zh-hans"):
        book = load_workbook(io.BytesIO(blank_template("general")))
    data, instructions = book.worksheets
    assert [c.value for c in data[1]][: len(GENERAL_COLUMNS)] == GENERAL_COLUMNS and data.max_row == 1
    assert data.title == "数据" and instructions.title == "填写说明"
    # The code column is text (an identity number typed in stays text), the date column a date.
    assert data.column_dimensions["C"].number_format == "@"
    assert data.column_dimensions["F"].number_format == "yyyy-mm-dd"
    lists = {str(v.sqref)[0]: v for v in data.data_validations.dataValidation}
    assert set(lists) >= {"B", "D", "G", "I"}  # 主体类别, 信息类别, 处罚类别, 严重程度
    assert lists["B"].showErrorMessage and not lists["G"].showErrorMessage  # 处罚类别 takes "警告;罚款"

    def values(validation):
        sheet_range = validation.formula1.split("!")[1].replace("$", "")
        return [c.value for row in instructions[sheet_range] for c in row]

    assert values(lists["B"]) == ["法人", "非法人组织", "个体工商户", "自然人"]
    assert (
        "警告" in values(lists["D"])
        and "罚款" in values(lists["G"])
        and values(lists["I"]) == ["轻微", "一般", "严重"]
    )
    # The example row is typed too.
    example = [
        row for row in instructions.iter_rows(values_only=True) if row and row[0] == "西峡县示例商贸有限公司"
    ]
    assert example and isinstance(example[0][5], datetime.datetime) and example[0][7] == 5000


def test_the_error_workbook_corrected_imports_as_it_is(fgw):
    person = make_resident_id("19800101")
    rows = [
        penalty(make_uscc(), 1),
        # Excel turned the identity number into a number: it lost its last digits.
        penalty(person, 2, 主体类别="自然人", 主体代码=float(person[:17] + "0"), 主体名称="王五"),
        penalty(make_uscc(), 3, 决定日期=datetime.datetime(2099, 1, 1)),
        # A 警告 record whose sanction repeats its kind is accepted.
        penalty(make_uscc(), 4, 信息类别="警告", 处罚类别="警告") | {"罚款金额（元）": None},
    ]
    with translation.override("zh-hans"):
        first = records_import(content=filled_template(rows), file_name="十月.xlsx", department=fgw)
        assert first.batch.rows_created == 2 and first.batch.rows_rejected == 2
        messages = {e.row_number: e.message for e in first.errors}
        assert "Excel" in messages[3] and "文本" in messages[3]
        content = error_workbook(first.batch)
    book = load_workbook(io.BytesIO(content))
    data = book.worksheets[0]
    header = [c.value for c in data[1]]
    cells = {h: i for i, h in enumerate(header)}
    bad = list(data.iter_rows(min_row=2))
    assert len(bad) == 2
    for row in bad:
        assert isinstance(row[cells["决定日期"]].value, datetime.datetime)  # a date cell, not text
        assert row[cells["罚款金额（元）"]].value == 5000
        reason = row[cells["错误原因"]].value
        assert "。；" not in reason and reason.endswith("。")
    # Corrected in Excel: the number typed again as text, the date changed.
    bad[0][cells["主体代码"]].value = person
    bad[1][cells["决定日期"]].value = datetime.datetime(2026, 10, 20)
    buffer = io.BytesIO()
    book.save(buffer)
    second = records_import(content=buffer.getvalue(), file_name="十月-改.xlsx", department=fgw)
    assert second.ok and second.batch.rows_created == 2 and second.batch.rows_rejected == 0
    assert CreditRecord.objects.filter(department=fgw).count() == 4


def test_a_date_written_back_as_text_with_a_time_still_imports(fgw):
    row = [penalty(make_uscc(), 9, 决定日期="2026-10-16T00:00:00")]
    result = records_import(content=filled_template(row), file_name="t.xlsx", department=fgw)
    assert result.ok and CreditRecord.objects.get().decision_date == datetime.date(2026, 10, 16)


def test_the_template_download_is_the_typed_workbook(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("records:template", args=["penalty"]))
    data = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert data["A1"].value == "行政相对人名称" and data.data_validations.dataValidation
