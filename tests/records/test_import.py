import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from accounts.models import Department
from audit.models import AuditLog
from records.importing import error_workbook, records_import
from records.models import CreditRecord, ImportBatch, RecordStatus
from records.spreadsheets import GENERAL_COLUMNS, ImportFileError
from subjects.models import Subject, SubjectKind
from tests.factories import make_company, make_resident_id, make_uscc

pytestmark = pytest.mark.django_db


def _csv(rows: list[list], *, bom: bool = True, headers=GENERAL_COLUMNS) -> bytes:
    lines = [",".join(headers)] + [",".join(str(v) for v in row) for row in rows]
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _xlsx(headers: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _general(
    code,
    *,
    kind="行政处罚",
    doc="西发改罚〔2026〕1号",
    date="2026-03-02",
    sanctions="警告;罚款",
    fine="5000",
    severity="",
    content="未按规定明码标价",
    name="西峡县测试商贸有限公司",
    subject_kind="法人",
):
    return [name, subject_kind, code, kind, doc, date, sanctions, fine, severity, content]


@pytest.fixture
def fgw():
    return Department.objects.get(code="fgw")


def test_general_csv_keeps_good_rows_reports_bad_ones_and_reimports_nothing(fgw, tmp_path, capsys):
    good_code, person = make_uscc(), make_resident_id()
    bad_code = good_code[:17] + ("0" if good_code[17] != "0" else "1")
    rows = [
        _general(good_code),
        _general(good_code, doc="西发改罚〔2026〕2号", sanctions="吊销许可证件", fine=""),
        _general(bad_code, doc="西发改罚〔2026〕3号"),
        _general(good_code, kind="表扬信", doc="X-4", sanctions="", fine=""),
        _general(
            person,
            subject_kind="自然人",
            name="赵四",
            kind="警告",
            doc="西发改罚〔2026〕5号",
            sanctions="",
            fine="",
        ),
        _general(good_code, doc="西发改罚〔2026〕6号", date="2026/13/01"),
    ]
    path = tmp_path / "records.csv"
    path.write_bytes(_csv(rows))
    with pytest.raises(CommandError) as exc:
        call_command("import_records", str(path), department="fgw")
    assert exc.value.returncode == 2
    out, err = capsys.readouterr()
    assert "3 records created" in out and "3 rejected" in out
    assert "row 4 [主体代码]" in err and "第18位校验码应为" in err
    assert "row 5 [信息类别]" in err and "row 7 [决定日期]" in err
    firm = Subject.objects.get(code=good_code)
    assert firm.kind == SubjectKind.LEGAL_PERSON and firm.name == "西峡县测试商贸有限公司"
    assert Subject.objects.get(code=person).kind == SubjectKind.NATURAL_PERSON
    assert not Subject.objects.filter(code=bad_code).exists()
    records = CreditRecord.objects.filter(subject=firm).order_by("document_number")
    assert [r.severity for r in records] == ["general", "serious"]
    assert all(r.status == RecordStatus.SUBMITTED and r.department == fgw for r in records)
    assert records[0].fine_total == Decimal("5000")
    # The same file again: nothing new, nothing duplicated.
    with pytest.raises(CommandError):
        call_command("import_records", str(path), department="fgw")
    out, _err = capsys.readouterr()
    assert "0 records created, 3 already entered" in out
    assert CreditRecord.objects.count() == 3


def test_penalty_template_with_field_codes_excel_dates_and_numbers_as_text(fgw):
    code, rep = make_uscc(), make_resident_id("19700101")
    headers = [
        "CF_XDR_MC",
        "CF_XDR_LB",
        "CF_XDR_SHXYM",
        "CF_FR",
        "CF_FR_ZJLX",
        "CF_FR_ZJHM",
        "CF_WSH",
        "CF_WFXW",
        "CF_SY",
        "CF_CFLB",
        "CF_NR_FK",
        "CF_JDRQ",
        "CF_CFJG",
    ]
    rows = [
        [
            "西峡县伏牛物流有限公司",
            "法人及非法人组织",
            code,
            "钱五",
            "身份证",
            rep,
            "西市监罚〔2026〕7号",
            "虚假宣传",
            "发布虚假广告",
            "警告;罚款",
            "1.5",
            datetime.datetime(2026, 4, 1),
            "西峡县市场监督管理局",
        ],
        [
            "西峡县伏牛物流有限公司",
            "法人及非法人组织",
            code,
            "钱五",
            "身份证",
            rep,
            "西市监罚〔2026〕8号",
            "无证经营",
            "",
            "没收违法所得、没收非法财物;罚款",
            "2",
            46113,
            "西峡县市场监督管理局",
        ],
    ]
    result = records_import(content=_xlsx(headers, rows), file_name="双公示.xlsx", department=fgw)
    assert [e.message for e in result.errors] == [] and result.batch.template == ImportBatch.Template.PENALTY
    firm = Subject.objects.get(code=code)
    assert firm.legal_representative.code == rep and firm.legal_representative.name == "钱五"
    first, second = CreditRecord.objects.filter(subject=firm).order_by("document_number")
    assert first.fine_total == Decimal("15000") and first.decision_date == datetime.date(2026, 4, 1)
    assert first.matter == "虚假宣传" and first.severity == "general"
    assert second.decision_date == datetime.date(2026, 4, 1)  # Excel serial 46113
    assert second.fine_total == Decimal("20000") and second.sanctions.count() == 2


def test_chinese_headers_of_the_penalty_template_and_wan_yuan_as_text(fgw, tmp_path):
    code = make_uscc("92")
    headers = [
        "行政相对人名称",
        "行政相对人类别",
        "统一社会信用代码",
        "行政处罚决定书文号",
        "违法行为类型",
        "处罚类别",
        "罚款金额（万元）",
        "处罚决定日期",
    ]
    path = tmp_path / "penalty.csv"
    path.write_bytes(
        _csv(
            [
                [
                    "西峡县王记面馆",
                    "个体工商户",
                    code,
                    "西市监罚〔2026〕9号",
                    "未亮证经营",
                    "罚款",
                    "0.05",
                    "2026-05-06",
                ]
            ],
            headers=headers,
            bom=False,
        )
    )
    call_command("import_records", str(path), department="fgw")
    record = CreditRecord.objects.get()
    assert record.subject.kind == SubjectKind.INDIVIDUAL_BUSINESS and record.fine_total == Decimal("500")


def test_with_approve_rows_take_effect_at_once_and_are_audited(fgw, django_capture_on_commit_callbacks):
    code = make_uscc()
    regrades = []
    from records.hooks import regrade_listener_add, regrade_listener_remove

    regrade_listener_add(regrades.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            records_import(
                content=_csv([_general(code)]), file_name="history.csv", department=fgw, approve=True
            )
    finally:
        regrade_listener_remove(regrades.append)
    record = CreditRecord.objects.get()
    assert record.status == RecordStatus.EFFECTIVE and record.effective_at is not None
    entry = AuditLog.objects.get(action="record.import_effective")
    assert entry.target_id == str(record.import_batch_id) and entry.after["created"] == 1
    assert "信用办" in entry.reason and record.transitions.get().reason == entry.reason
    assert regrades == [[record.subject_id]]


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"", "empty.csv", "空"),
        ("\ufeff".encode() + b"\r\n\r\n", "blank.csv", "空"),
        (_csv([]), "headers-only.csv", "没有数据"),
        ("名称,代码\n某公司,123\n".encode(), "wrong.csv", "主体类别"),
        (b"PK\x03\x04 not really", "broken.xlsx", "Excel"),
        (b"%PDF-1.4", "scan.pdf", ".xlsx"),
    ],
)
def test_unusable_files_are_refused_whole(fgw, content, name, fragment):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ImportFileError) as exc:
        records_import(content=content, file_name=name, department=fgw)
    assert fragment in str(exc.value)
    assert not ImportBatch.objects.exists() and not CreditRecord.objects.exists()


def test_gb18030_csv_from_excel_is_read(fgw):
    code = make_uscc()
    text = "\r\n".join([",".join(GENERAL_COLUMNS), ",".join(_general(code))])
    result = records_import(content=text.encode("gb18030"), file_name="excel.csv", department=fgw)
    assert result.ok and CreditRecord.objects.get().subject.name == "西峡县测试商贸有限公司"


def test_existing_subject_is_reused_and_error_workbook_lists_rejected_rows(fgw):
    firm = make_company("西峡县已有企业有限公司")
    content = _csv([_general(firm.code, name="别的名字"), _general(firm.code, doc="", content="第二条")])
    result = records_import(content=content, file_name="mixed.csv", department=fgw)
    assert result.batch.rows_created == 1 and result.batch.rows_rejected == 1
    assert CreditRecord.objects.get().subject == firm
    sheet = load_workbook(io.BytesIO(error_workbook(result.batch))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "错误原因" and rows[1][2] == firm.code and "决定文书号" in rows[1][-1]


def test_unknown_department_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(_csv([_general(make_uscc())]))
    with pytest.raises(CommandError, match="department"):
        call_command("import_records", str(path), department="nope")
    assert not CreditRecord.objects.exists()


def test_a_rejected_complaint_row_keeps_no_complainant(fgw):
    headers = GENERAL_COLUMNS + ["投诉举报人", "投诉举报人联系方式"]
    row = _general(make_uscc(), kind="投诉举报", sanctions="", fine="", date="2099-01-01") + [
        "李保密",
        "13700000000",
    ]
    result = records_import(content=_csv([row], headers=headers), file_name="c.csv", department=fgw)
    assert result.batch.rows_rejected == 1
    stored = str(list(result.batch.errors.values_list("values", flat=True)))
    assert "李保密" not in stored and "13700000000" not in stored
    exported = [
        c
        for row in load_workbook(io.BytesIO(error_workbook(result.batch))).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "在将来" in str(exported) and "李保密" not in exported and "13700000000" not in exported


def test_imported_records_have_history_and_a_status_line(fgw, clerk):
    content = _csv([_general(make_uscc()), _general(make_uscc(), doc="第2号")])
    records_import(content=content, file_name="h.csv", department=fgw, actor=clerk)
    for record in CreditRecord.objects.all():
        created = record.history.get()
        assert (created.history_type, created.history_user, created.document_number) == (
            "+",
            clerk,
            record.document_number,
        )
        line = record.transitions.get()
        assert (line.from_status, line.to_status, line.actor) == ("", RecordStatus.SUBMITTED, clerk)
