"""Imports that cannot hurt others (issue 13 §2): caps, damaged files, forbidden characters, and what
is written back to a spreadsheet."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from accounts.models import Department
from records.importing import error_workbook, records_import
from records.models import CreditRecord, ImportBatch, ImportRowError
from records.spreadsheets import GENERAL_COLUMNS, ImportFileError
from subjects.models import Subject
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def fgw():
    return Department.objects.get(code="fgw")


def _row(code, *, doc="西发改罚〔2026〕1号", name="西峡县测试商贸有限公司", content="未按规定明码标价"):
    return [name, "法人", code, "行政处罚", doc, "2026-03-02", "警告;罚款", "5000", "", content]


def _csv(rows) -> bytes:
    lines = [",".join(GENERAL_COLUMNS)] + [",".join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _xlsx(rows, *, headers=GENERAL_COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(content: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return out.getvalue()


def _upload(client, content: bytes, name: str, capture):
    with capture(execute=True):
        return client.post(reverse("records:import"), {"file": SimpleUploadedFile(name, content)})


# --- caps --------------------------------------------------------------------------------------------


def test_a_workbook_unpacking_beyond_the_cap_is_refused_in_the_request(
    client, clerk, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4000
    client.force_login(clerk)
    content = _xlsx([_row(make_uscc(), doc=f"第{i}号") for i in range(20)])
    response = _upload(client, content, "big.xlsx", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "解压后超过" in response.content.decode()
    assert not ImportBatch.objects.exists() and not CreditRecord.objects.exists()


def test_a_decompression_bomb_is_refused_before_it_is_parsed(fgw):
    # 8 MB of blanks inside the sheet: valid XML that packs about a thousand times smaller.
    content = _rewrite(
        _xlsx([_row(make_uscc())]),
        "xl/worksheets/sheet1.xml",
        lambda data: data.replace(b"<sheetData>", b"<sheetData>" + b" " * (8 * 1024 * 1024)),
    )
    assert len(content) < 100_000
    with pytest.raises(ImportFileError, match="压缩比"):
        records_import(content=content, file_name="bomb.xlsx", department=fgw)
    assert not CreditRecord.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_web_upload_over_the_row_cap_is_refused_and_writes_nothing(
    client, clerk, settings, django_capture_on_commit_callbacks, kind
):
    settings.IMPORT_MAX_ROWS = 3
    client.force_login(clerk)
    rows = [_row(make_uscc(), doc=f"第{i}号") for i in range(4)]
    content = _csv(rows) if kind == "csv" else _xlsx(rows)
    response = _upload(client, content, f"many.{kind}", django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.FAILED
    assert "超过 3 行" in batch.failure and batch.rows_created == 0
    assert not CreditRecord.objects.exists() and not Subject.objects.filter(code=rows[0][2]).exists()
    from records.models import ImportUpload

    assert not ImportUpload.objects.exists()  # the file is not kept
    page = client.get(reverse("records:import_result", args=[batch.pk]))
    assert "超过 3 行" in page.content.decode() and "Refresh" not in page


def test_a_sheet_reaching_far_beyond_the_cap_with_blank_rows_is_refused(fgw):
    # One data row, then a cell at row 1,000,000: openpyxl would yield a million blank rows.
    content = _rewrite(
        _xlsx([_row(make_uscc())]),
        "xl/worksheets/sheet1.xml",
        lambda data: data.replace(
            b"</sheetData>",
            b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    with pytest.raises(ImportFileError, match="超过 5 行"):
        records_import(content=content, file_name="far.xlsx", department=fgw, max_rows=5)
    assert not CreditRecord.objects.exists()


def test_the_command_has_its_own_caps_and_may_raise_them(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 2
    path = tmp_path / "history.csv"
    path.write_bytes(_csv([_row(make_uscc(), doc=f"第{i}号") for i in range(4)]))
    with pytest.raises(CommandError, match="超过 3 行"):
        call_command("import_records", str(path), department="fgw", max_rows=3)
    assert not CreditRecord.objects.exists()
    call_command("import_records", str(path), department="fgw")  # the web's cap does not apply
    assert CreditRecord.objects.count() == 4


# --- damaged input -----------------------------------------------------------------------------------


def test_a_csv_cell_over_the_csv_limit_rejects_its_row_only(fgw):
    good, long = make_uscc(), make_uscc()
    content = _csv([_row(good), _row(long, doc="第2号", content="长" * 140_000), _row(good, doc="第3号")])
    result = records_import(content=content, file_name="long.csv", department=fgw)
    batch = result.batch
    assert (batch.rows_total, batch.rows_created, batch.rows_rejected) == (3, 2, 1)
    error = ImportRowError.objects.get()
    assert error.row_number == 3 and "131072" in error.message


def test_an_xlsx_with_a_bad_shared_string_index_is_refused_as_damaged(fgw):
    content = _rewrite(
        _xlsx([_row(make_uscc()), _row(make_uscc(), doc="第2号")]),
        "xl/worksheets/sheet1.xml",
        # A cell pointing at entry 99,999 of a shared-string table that has none.
        lambda data: re.sub(
            rb'<c r="A3" t="inlineStr"><is><t>[^<]*</t></is></c>', b'<c r="A3" t="s"><v>99999</v></c>', data
        ),
    )
    with pytest.raises(ImportFileError, match="损坏"):
        records_import(content=content, file_name="damaged.xlsx", department=fgw)
    assert not CreditRecord.objects.exists() and not ImportBatch.objects.exists()


# --- forbidden characters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        (0, "西峡县\x00测试有限公司"),
        (4, "西发改罚〔2026〕\u202e1号"),
        (9, "内容\u2066隔离\u2069"),
        (0, "西峡县测试\u200f有限公司"),
    ],
)
def test_nul_and_text_direction_characters_are_refused_row_by_row(fgw, column, value):
    bad = _row(make_uscc(), doc="第2号")
    bad[column] = value
    content = _csv([_row(make_uscc()), bad])
    result = records_import(content=content, file_name="chars.csv", department=fgw)
    assert (result.batch.rows_created, result.batch.rows_rejected) == (1, 1)
    error = ImportRowError.objects.get()
    assert error.row_number == 3 and error.column == GENERAL_COLUMNS[column]
    assert "字符" in error.message
    assert not any(c in str(error.values) for c in "\x00\u202e\u2066\u200f")
    assert not CreditRecord.objects.filter(document_number__contains="\u202e").exists()


def test_the_shared_validator_refuses_text_direction_characters_for_the_api(clerk):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(clerk)
    payload = {
        "subject_code": make_uscc(),
        "subject_kind": "legal_person",
        "subject_name": "西峡县测试有限公司",
        "kind": "administrative_penalty",
        "document_number": "西发改罚〔2026〕\u202e1号",
        "decision_date": "2026-03-02",
        "matter": "未按规定公示价格",
        "sanctions": [{"kind": "警告"}],
    }
    response = api.post("/api/records/", payload, format="json")
    assert response.status_code == 400 and "document_number" in str(response.data)
    assert not CreditRecord.objects.exists()


# --- what is written back ----------------------------------------------------------------------------

FORMULAS = ["=1+1", "+86 137", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x.example")']


def test_the_error_workbook_writes_every_text_as_text_and_reads_back_the_same(fgw):
    rows = [
        _row(make_uscc(), name=text, doc=f"第{i}号", content=text) + [] for i, text in enumerate(FORMULAS)
    ]
    for row in rows:
        row[5] = "2099-01-01"  # in the future: rejected
    result = records_import(content=_csv(rows), file_name="f.csv", department=fgw)
    assert result.batch.rows_rejected == len(FORMULAS)
    content = error_workbook(result.batch)
    for data_only in (False, True):
        sheet = load_workbook(io.BytesIO(content), data_only=data_only).active
        cells = list(sheet.iter_rows(min_row=2))
        assert [row[0].value for row in cells] == FORMULAS
        # Every text a text cell, never a formula; the decision date (F) a date, the fine (H) a number.
        typed = (6, 8)
        assert all(
            c.data_type == "s" for row in cells for c in row if c.value is not None and c.column not in typed
        )
        assert all(row[5].is_date and row[5].value.year == 2099 and row[7].value == 5000 for row in cells)
    # Uploaded again as it is, it reads the same values (and is refused for the same reason).
    again = records_import(content=content, file_name="f-again.xlsx", department=fgw)
    assert [e.values["主体名称"] for e in again.errors] == FORMULAS


def test_the_yearly_summary_writes_names_as_text(county_with_formula_department):
    from reports.selectors import summary_build
    from reports.spreadsheet import summary_workbook

    summary = summary_build(year=2026, department=None)
    book = load_workbook(io.BytesIO(summary_workbook(summary=summary)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == "=1+2"]
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.fixture
def county_with_formula_department(db):
    Department.objects.create(code="formula", name="=1+2", is_active=True)
