"""Administrative licences (双公示 行政许可, 004 §4(3)): import in either header style, bad rows reported,
re-import idempotent, web entry with its checks, the blank template, and the export read back in."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from accounts.models import Department
from exchange.columns import LICENCE_HEADERS, LICENCE_REQUIRED
from exchange.models import OutboxItem
from records.importing import error_workbook, records_import
from records.models import CreditRecord, ImportBatch, LicenceStatus, RecordKind, RecordStatus
from records.publication import add_months
from records.services import record_approve, record_create, record_submit
from records.spreadsheets import ImportFileError
from records.validation import LicenceInput, RecordInput
from subjects.models import Subject, SubjectKind
from tests.factories import make_company, make_resident_id, make_uscc

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(offset: int) -> str:
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


CODE_HEADERS = {
    "行政相对人名称": "XK_XDR_MC",
    "行政相对人类别": "XK_XDR_LB",
    "统一社会信用代码": "XK_XDR_SHXYM",
    "法定代表人": "XK_FRDB",
    "法定代表人证件类型": "XK_FR_ZJLX",
    "法定代表人证件号码": "XK_FR_ZJHM",
    "证件类型": "XK_XDR_ZJLX",
    "证件号码": "XK_XDR_ZJHM",
    "行政许可决定文书名称": "XK_XKWS",
    "行政许可决定文书号": "XK_WSH",
    "许可类别": "XK_XKLB",
    "许可证书名称": "XK_XKZS",
    "许可编号": "XK_XKBH",
    "许可内容": "XK_NR",
    "许可决定日期": "XK_JDRQ",
    "有效期自": "XK_YXQZ",
    "有效期至": "XK_YXQZI",
    "许可机关": "XK_XKJG",
    "当前状态": "XK_ZT",
}
HEADERS = list(CODE_HEADERS)


def licence_row(code, **values) -> dict:
    row = {
        "行政相对人名称": "西峡县许可测试食品有限公司",
        "行政相对人类别": "法人及非法人组织",
        "统一社会信用代码": code,
        "法定代表人": "",
        "法定代表人证件类型": "",
        "法定代表人证件号码": "",
        "证件类型": "",
        "证件号码": "",
        "行政许可决定文书名称": "准予行政许可决定书",
        "行政许可决定文书号": "西市监许〔2026〕1号",
        "许可类别": "普通",
        "许可证书名称": "食品经营许可证",
        "许可编号": "JY14113230000001",
        "许可内容": "预包装食品销售",
        "许可决定日期": day(-30),
        "有效期自": day(-30),
        "有效期至": day(5 * 365),
        "许可机关": "西峡县市场监督管理局",
        "当前状态": "1",
    }
    row.update(values)
    return row


def csv_bytes(rows: list[dict], *, headers=HEADERS, bom: bool = True) -> bytes:
    lines = [",".join(headers)] + [",".join(str(row.get(h, "")) for h in HEADERS) for row in rows]
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_bytes(rows: list[list], headers: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def scjg():
    return Department.objects.get(code="scjg")


@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_chinese_headers_enters_licences_and_links_the_representative(scjg, tmp_path, capsys, bom):
    code, rep, person = make_uscc(), make_resident_id("19700101"), make_resident_id("19850505")
    rows = [
        licence_row(code, 法定代表人="钱五", 法定代表人证件类型="身份证", 法定代表人证件号码=rep),
        licence_row(
            person,
            行政相对人名称="赵四",
            行政相对人类别="自然人",
            统一社会信用代码="",
            证件类型="身份证",
            证件号码=person,
            行政许可决定文书号="西市监许〔2026〕2号",
            许可类别="其他（备案）",
            许可证书名称="",
            许可内容="小餐饮登记",
            有效期至="",
            当前状态="",
        ),
    ]
    path = tmp_path / "licences.csv"
    path.write_bytes(csv_bytes(rows, bom=bom))
    call_command("import_records", str(path), department="scjg")
    out, _err = capsys.readouterr()
    assert "2 records created" in out and "0 rejected" in out
    assert ImportBatch.objects.get().template == ImportBatch.Template.LICENCE
    firm = Subject.objects.get(code=code)
    assert firm.legal_representative.code == rep and firm.legal_representative.name == "钱五"
    first = CreditRecord.objects.get(subject=firm)
    assert (first.kind.code, first.status, first.department) == (
        "administrative_licence",
        RecordStatus.SUBMITTED,
        scjg,
    )
    assert first.document_number == "西市监许〔2026〕1号" and first.matter == "食品经营许可证"
    assert first.licence_category == "ordinary" and first.licence_number == "JY14113230000001"
    assert first.licence_valid_from == TODAY - datetime.timedelta(days=30)
    assert first.publish_until == first.licence_valid_to == TODAY + datetime.timedelta(days=5 * 365)
    assert first.content == "预包装食品销售" and first.licence_status == LicenceStatus.VALID
    assert first.severity == "" and first.fine_total == 0
    second = CreditRecord.objects.get(subject__code=person)
    assert second.subject.kind == SubjectKind.NATURAL_PERSON
    assert (second.licence_category, second.licence_category_note) == ("other", "备案")
    assert second.matter == "小餐饮登记" and second.licence_status == LicenceStatus.VALID
    # No 有效期至: published for the configured months from the decision (records.publication).
    assert second.licence_valid_to is None
    assert second.publish_until == add_months(second.decision_date, 36)


@pytest.mark.parametrize("end_code", ["XK_YXQZI", "XK_YXQJZ"])
def test_xlsx_with_field_codes_excel_dates_and_serial_numbers(scjg, end_code):
    code = make_uscc()
    headers = [CODE_HEADERS[h] for h in HEADERS]
    headers[HEADERS.index("有效期至")] = end_code
    decided = TODAY - datetime.timedelta(days=10)
    row = licence_row(
        code,
        许可决定日期=datetime.datetime.combine(decided, datetime.time()),
        有效期自=(decided - datetime.date(1899, 12, 30)).days,  # an Excel serial
        有效期至=datetime.datetime(2099, 12, 31),  # 长期 in the standard
        当前状态=1,
    )
    result = records_import(
        content=xlsx_bytes([[row[h] for h in HEADERS]], headers), file_name="许可.xlsx", department=scjg
    )
    assert [e.message for e in result.errors] == [] and result.batch.template == ImportBatch.Template.LICENCE
    record = CreditRecord.objects.get()
    assert record.decision_date == record.licence_valid_from == decided
    assert record.licence_valid_to == record.publish_until == datetime.date(2099, 12, 31)


def test_bad_rows_are_reported_with_row_and_chinese_reason_and_good_rows_kept(scjg, tmp_path, capsys):
    code = make_uscc()
    bad_code = code[:17] + ("0" if code[17] != "0" else "1")
    rows = [
        licence_row(code),
        licence_row(bad_code, 行政许可决定文书号="西市监许〔2026〕3号"),
        licence_row(code, 行政许可决定文书号=""),
        licence_row(code, 行政许可决定文书号="西市监许〔2026〕5号", 有效期自=day(-10), 有效期至=day(-20)),
        licence_row(code, 行政许可决定文书号="西市监许〔2026〕6号", 许可类别="批准"),
        licence_row(code, 行政许可决定文书号="西市监许〔2026〕7号", 当前状态="3"),
        licence_row(code, 行政许可决定文书号="西市监许〔2026〕8号", 有效期至="1900-01-01"),
        licence_row(code, 行政许可决定文书号="西市监许〔2026〕9号", 许可内容="", 许可证书名称=""),
        licence_row(code, 行政许可决定文书号="西市监许〔2026〕10号", 许可证书名称="道路运输经营许可证"),
    ]
    path = tmp_path / "licences.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError) as exc:
        call_command("import_records", str(path), department="scjg")
    assert exc.value.returncode == 2
    out, err = capsys.readouterr()
    assert "2 records created" in out and "7 rejected" in out
    assert "row 3 [统一社会信用代码]" in err and "第18位校验码应为" in err
    assert "row 4 [行政许可决定文书号]" in err and "文书号" in err
    assert "row 5 [有效期至]" in err and "早于有效期自" in err
    assert "row 6 [许可类别]" in err and "未知的许可类别“批准”" in err
    assert "row 7 [当前状态]" in err and "1（有效）或 2（无效）" in err
    assert "row 8 [有效期至]" in err and "过早" in err
    assert "row 9 [许可内容]" in err and "许可内容" in err
    assert not Subject.objects.filter(code=bad_code).exists()
    assert sorted(CreditRecord.objects.values_list("document_number", flat=True)) == [
        "西市监许〔2026〕10号",
        "西市监许〔2026〕1号",
    ]
    batch = ImportBatch.objects.get()
    sheet = load_workbook(io.BytesIO(error_workbook(batch))).active
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0][:-1]) == LICENCE_HEADERS and lines[0][-1] == "错误原因"
    assert len(lines) == 8 and "早于有效期自" in str(lines[3][-1])


def test_a_licence_kind_in_the_general_template_is_sent_to_the_licence_template(scjg):
    from tests.records.test_import import _csv, _general

    content = _csv([_general(make_uscc(), kind="行政许可", sanctions="", fine="")])
    with translation.override("zh-hans"):
        result = records_import(content=content, file_name="general.csv", department=scjg)
    error = result.errors.get()
    assert result.batch.rows_rejected == 1 and error.column == "信息类别" and "行政许可模板" in error.message


def test_reimport_creates_nothing_and_a_changed_status_is_refused_not_skipped(scjg):
    code = make_uscc()
    content = csv_bytes([licence_row(code), licence_row(code, 行政许可决定文书号="西市监许〔2026〕2号")])
    first = records_import(content=content, file_name="a.csv", department=scjg, approve=True)
    assert (first.batch.rows_created, first.batch.rows_rejected) == (2, 0)
    again = records_import(content=content, file_name="a.csv", department=scjg, approve=True)
    assert (again.batch.rows_created, again.batch.rows_duplicate, again.batch.rows_rejected) == (0, 2, 0)
    # The platform's way of saying a licence was revoked: the same row with 当前状态 2. Entering it
    # again or skipping it would both leave a wrong record: it is refused with what to do instead.
    revoked = csv_bytes([licence_row(code, 当前状态="2")])
    with translation.override("zh-hans"):
        result = records_import(content=revoked, file_name="b.csv", department=scjg, approve=True)
    error = result.errors.get()
    assert (error.row_number, error.column) == (2, "当前状态")
    assert "已作为记录" in error.message and "无效" in error.message and "更正或撤销" in error.message
    assert CreditRecord.objects.count() == 2
    assert set(CreditRecord.objects.values_list("licence_status", flat=True)) == {LicenceStatus.VALID}


def test_web_form_enters_a_licence_and_checks_its_dates(client, clerk):
    client.force_login(clerk)
    firm = make_company("西峡县表单许可测试有限公司")
    url = reverse("records:create", args=["administrative_licence"])
    page = client.get(url).content.decode()
    assert 'name="licence_valid_to"' in page and 'name="matter"' not in page and 'name="severity"' not in page
    data = {
        "subject_code": firm.code,
        "document_number": "西发改许〔2026〕1号",
        "decision_date": day(-3),
        "content": "固定资产投资项目核准",
        "licence_category": "approval",
        "licence_document_name": "项目核准批复",
        "licence_valid_from": day(-3),
        "licence_valid_to": day(-4),
        "licence_status": "valid",
    }
    page = client.post(url, data).content.decode()
    assert "早于有效期自" in page and not CreditRecord.objects.exists()
    page = client.post(url, {**data, "licence_valid_to": "2300-01-01"}).content.decode()
    assert "2099-12-31" in page and not CreditRecord.objects.exists()
    page = client.post(
        url, {**data, "licence_valid_to": "", "licence_valid_from": "1960-01-01"}
    ).content.decode()
    assert "过早" in page and not CreditRecord.objects.exists()
    page = client.post(url, {**data, "licence_valid_to": "", "licence_category": ""}).content.decode()
    assert "许可类别" in page and not CreditRecord.objects.exists()
    response = client.post(url, {**data, "licence_valid_to": day(700)})
    record = CreditRecord.objects.get()
    assert response.status_code == 302 and record.status == RecordStatus.DRAFT
    assert record.matter == "固定资产投资项目核准" and record.licence_category == "approval"
    assert record.publish_until == record.licence_valid_to == TODAY + datetime.timedelta(days=700)
    detail = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert "项目核准批复" in detail and "核准" in detail
    edit = client.get(reverse("records:edit", args=[record.pk])).content.decode()
    assert 'value="项目核准批复"' in edit
    # The history keeps the licence fields (they are the record's own columns).
    assert record.history.get().licence_category == "approval"


def test_only_a_licence_carries_licence_fields(clerk):
    firm = make_company()
    data = RecordInput(
        kind="warning",
        document_number="西发改〔2026〕9号",
        decision_date=TODAY - datetime.timedelta(days=1),
        matter="未按期报送",
        licence=LicenceInput(category="普通"),
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        record_create(actor=clerk, subject=firm, data=data)
    assert "行政许可" in str(exc.value) and not CreditRecord.objects.exists()


def test_blank_licence_template_marks_required_columns_and_imports_once_filled(client, clerk, scjg):
    client.force_login(clerk)
    response = client.get(reverse("records:template", args=["licence"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    data, instructions = book.worksheets
    header = [c.value for c in data[1]]
    assert header == LICENCE_HEADERS and data.max_row == 1
    fills = {c.value: c.fill.start_color.rgb for c in data[1]}
    required = {fills[h] for h in LICENCE_REQUIRED}
    assert len(required) == 1 and fills["备注"] not in required and fills["许可编号"] not in required
    text = " ".join(str(c.value) for row in instructions.iter_rows() for c in row if c.value)
    assert "填写说明" in instructions.title or "说明" in text
    assert "2099-12-31" in text and "其他（备案）" in text
    # Filled in and uploaded, the data sheet imports (the instructions sheet is not read).
    data.append([licence_row(make_uscc()).get(h, "") for h in header])
    buffer = io.BytesIO()
    book.save(buffer)
    result = records_import(content=buffer.getvalue(), file_name="filled.xlsx", department=scjg)
    assert result.ok and result.batch.rows_created == 1
    # The other templates keep their header rows exactly, with instructions of their own.
    for template, first in (("general", "主体名称"), ("penalty", "行政相对人名称")):
        other = load_workbook(io.BytesIO(client.get(reverse("records:template", args=[template])).content))
        assert other.worksheets[0]["A1"].value == first and len(other.worksheets) == 2


def test_export_writes_the_licence_columns_and_reads_back_as_the_same_licence(scjg, tmp_path):
    code, rep = make_uscc(), make_resident_id("19700101")
    rows = [
        licence_row(code, 法定代表人="钱五", 法定代表人证件类型="身份证", 法定代表人证件号码=rep),
        licence_row(code, 行政许可决定文书号="西市监许〔2026〕2号", 许可类别="其他-备案", 有效期至=""),
    ]
    records_import(content=csv_bytes(rows), file_name="a.csv", department=scjg, approve=True)
    assert OutboxItem.objects.filter(payload__kind="administrative_licence").count() == 2
    drop = tmp_path / "drop"
    call_command("push_outbox", transport="file", directory=str(drop), stdout=io.StringIO())
    exported = next(drop.glob("*-行政许可.xlsx"))
    sheet = load_workbook(exported, read_only=True).active
    lines = list(sheet.values)
    assert list(lines[0]) == LICENCE_HEADERS and len(lines) == 3
    first = dict(zip(lines[0], lines[1], strict=True))
    assert first["许可类别"] == "普通" and first["当前状态"] == "1" and first["法定代表人证件号码"] == rep
    assert first["许可机关"] == "西峡县市场监督管理局" and first["数据来源单位"] == scjg.name
    # Read back in by another department: the same licences, field for field.
    zjj = Department.objects.get(code="zjj")
    result = records_import(content=exported.read_bytes(), file_name=exported.name, department=zjj)
    assert result.ok and result.batch.rows_created == 2
    fields = [
        "document_number",
        "decision_date",
        "matter",
        "content",
        "licence_document_name",
        "licence_category",
        "licence_category_note",
        "licence_certificate",
        "licence_number",
        "licence_valid_from",
        "licence_valid_to",
        "licence_authority",
        "licence_status",
        "publish_until",
        "subject_id",
    ]
    original = sorted(CreditRecord.objects.filter(department=scjg).values_list(*fields))
    again = sorted(CreditRecord.objects.filter(department=zjj).values_list(*fields))
    assert original == again and original[1][6] == "备案"


def test_a_penalty_export_is_unchanged_by_the_licence_columns(scjg, tmp_path):
    """The penalty rows still come out as before (SPEC §7), beside the licences."""
    from tests.records.test_import import _csv, _general

    records_import(content=_csv([_general(make_uscc())]), file_name="p.csv", department=scjg, approve=True)
    call_command("push_outbox", transport="file", directory=str(tmp_path), stdout=io.StringIO())
    assert not list(tmp_path.glob("*-行政许可.xlsx"))
    penalty = list(load_workbook(next(tmp_path.glob("*-行政处罚.xlsx")), read_only=True).active.values)
    row = dict(zip(penalty[0], penalty[1], strict=True))
    assert row["处罚类别"] == "警告;罚款" and row["罚款金额（万元）"] == 0.5


def test_licence_kind_is_reference_data():
    kind = RecordKind.objects.get(code="administrative_licence")
    assert (kind.name, kind.polarity, kind.has_licence, kind.has_sanctions) == (
        "行政许可",
        "neutral",
        True,
        False,
    )


def test_a_licence_goes_through_four_eyes(clerk, reviewer):
    firm = make_company()
    data = RecordInput(
        kind="administrative_licence",
        document_number="西发改许〔2026〕5号",
        decision_date=TODAY - datetime.timedelta(days=2),
        matter="",
        content="企业投资项目备案",
        licence=LicenceInput(category="其他（备案）", valid_to=day(365)),
    )
    record = record_create(actor=clerk, subject=firm, data=data)
    record_submit(actor=clerk, record=record)
    with pytest.raises(PermissionDenied):
        record_approve(actor=clerk, record=record)
    record = record_approve(actor=reviewer, record=record)
    assert record.status == RecordStatus.EFFECTIVE and record.licence_category_note == "备案"


def test_a_correction_carries_the_licence_fields_into_the_new_version(clerk, reviewer):
    from records.services import record_correct_by_decision
    from records.validation import record_input_of
    from tests.records.conftest import days, licence

    record = licence(clerk, reviewer, make_company(), "西发改许〔2026〕30号", number="XK-30")
    data = record_input_of(record)
    data.licence.valid_to = days(100)
    new = record_correct_by_decision(
        actor=reviewer, record=record, data=data, reason="有效期录入有误", decision="YY-2026-000001"
    )
    record.refresh_from_db()
    assert (record.status, new.status, new.version) == (RecordStatus.CORRECTED, RecordStatus.EFFECTIVE, 2)
    assert (new.licence_number, new.licence_category, new.licence_certificate) == (
        "XK-30",
        "ordinary",
        "证书西发改许〔2026〕30号",
    )
    assert new.licence_valid_to == new.publish_until == days(100)
    item = OutboxItem.objects.get(idempotency_key=f"record.effective:{new.pk}")
    assert item.payload["licence"]["valid_to"] == days(100).isoformat()


def test_a_licence_file_missing_a_required_column_is_refused_whole_naming_it(scjg):
    headers = [CODE_HEADERS[h] for h in HEADERS if h != "许可内容"]
    content = ("\ufeff" + ",".join(headers) + "\r\n" + ",".join("x" for _ in headers) + "\r\n").encode()
    with translation.override("zh-hans"), pytest.raises(ImportFileError) as exc:
        records_import(content=content, file_name="x.csv", department=scjg)
    assert "许可内容" in str(exc.value) and "主体类别" not in str(exc.value)
    assert not ImportBatch.objects.exists()
