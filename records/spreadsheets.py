"""Reading the record spreadsheets (SPEC §5 record intake, §7 ``import_records``): a file's rows become
validated intake items with their row numbers; ``records.intake`` writes them.

Three templates are accepted, told apart by their header row:

- the general record template, one record per row
  (主体名称, 主体类别, 主体代码, 信息类别, 决定文书号, 决定日期, 处罚类别, 罚款金额（元）, 严重程度, 内容);
- the platform's 双公示 administrative-penalty template (``exchange.columns``), with Chinese headers
  or the national field codes (CF_XDR_MC …); fines there are in 万元;
- the platform's 双公示 administrative-licence template (``exchange.columns``, 004 §4(3)), with
  Chinese headers or the national field codes (XK_XDR_MC …): each row an administrative licence.

Every row goes through the same validation as a single entry (``record_clean``; the subject registry's
identifier rules when the writer registers its subject). A file is read streaming and bounded: an
``.xlsx`` is a zip archive whose declared unpacked size and compression ratio are checked before
openpyxl opens it (Python's zip reader never unpacks more than a member declares), at most
``MAX_COLUMNS`` columns of a row are read, and a sheet reaching far beyond the cap on rows is refused
while it is read. Reading and validating write nothing.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.text import UNSAFE, unsafe_character_message
from exchange.columns import (
    LICENCE_HEADER_OF_CODE,
    LICENCE_HEADERS,
    LICENCE_REQUIRED,
    PENALTY_HEADER_OF_CODE,
    PENALTY_HEADERS,
    PENALTY_REQUIRED,
    yuan_from_wan,
)
from subjects.models import SubjectKind

from .intake import IntakeItem, SubjectInput, error_messages
from .models import ImportBatch, ImportRowError
from .validation import (
    LicenceInput,
    RecordCatalog,
    RecordInput,
    SanctionInput,
    parse_amount,
    record_clean,
    squash,
)

# Columns read from a sheet; the templates have at most 30. A row padded to a sheet's declared width
# (up to 16,384 columns) would otherwise cost that much per row.
MAX_COLUMNS = 100
# Blank rows allowed beyond the cap on data rows before a sheet counts as too long.
BLANK_ROWS_ALLOWED = 10_000

GENERAL_COLUMNS = [
    "主体名称",
    "主体类别",
    "主体代码",
    "信息类别",
    "决定文书号",
    "决定日期",
    "处罚类别",
    "罚款金额（元）",
    "严重程度",
    "内容",
]
GENERAL_OPTIONAL = ["违法行为", "依据", "评定等级", "投诉举报人", "投诉举报人联系方式", "严重程度认定理由"]
ERROR_COLUMN = "错误原因"
# 000 Art. 13: the complainant's identity is never kept in plain text, so a rejected row does not keep it
# either (nor does the error workbook show it); the clerk fills it in again.
CONFIDENTIAL_COLUMNS = {"投诉举报人", "投诉举报人联系方式"}

# How the templates type their cells (``blank_templates``, the error workbook): dates as dates, amounts
# as numbers, codes and numbers of documents as text — and an import refuses a code Excel turned into a
# number (an 18-digit identity number keeps only 15 digits as a number).
DATE_COLUMNS = frozenset(
    {"决定日期", "处罚决定日期", "许可决定日期", "有效期自", "有效期至", "处罚有效期", "公示截止期"}
)
AMOUNT_COLUMNS = frozenset({"罚款金额（元）", "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）"})
CODE_COLUMNS = frozenset(
    {
        "主体代码",
        "统一社会信用代码",
        "证件号码",
        "法定代表人证件号码",
        "工商注册号",
        "组织机构代码",
        "税务登记号",
        "事业单位证书号",
        "社会组织登记证号",
        "处罚机关统一社会信用代码",
        "许可机关统一社会信用代码",
        "数据来源单位统一社会信用代码",
        "许可编号",
    }
)

# Names departments write in 处罚类别 (national data standard, old and new Administrative Penalty Law).
SANCTION_ALIASES = {
    "没收违法所得": "confiscation",
    "没收非法财物": "confiscation",
    "没收违法所得、没收非法财物": "confiscation",
    "暂扣许可证": "licence_suspension",
    "暂扣执照": "licence_suspension",
    "暂扣许可证件": "licence_suspension",
    "吊销许可证": "licence_revocation",
    "吊销执照": "licence_revocation",
    "吊销营业执照": "licence_revocation",
    "暂扣或者吊销许可证、暂扣或者吊销执照": "licence_revocation",
    "暂扣或吊销许可证、暂扣或吊销执照": "licence_revocation",
    "责令停产停业": "production_suspension",
    "其他": "other",
    "罚金": "fine",
}

# Which column a validation error of a field belongs to, per template.
GENERAL_FIELD_COLUMNS = {
    "subject": "主体代码",
    "code": "主体代码",
    "kind_subject": "主体类别",
    "name": "主体名称",
    "kind": "信息类别",
    "document_number": "决定文书号",
    "decision_date": "决定日期",
    "sanctions": "处罚类别",
    "severity": "严重程度",
    "severity_reason": "严重程度认定理由",
    "matter": "内容",
    "external_grade": "评定等级",
    "complainant_name": "投诉举报人",
    "legal_representative": "",
    # A licence has a template of its own: the general one is refused for it on its kind.
    "licence_category": "信息类别",
}
PENALTY_FIELD_COLUMNS = {
    "subject": "统一社会信用代码",
    "code": "统一社会信用代码",
    "kind_subject": "行政相对人类别",
    "name": "行政相对人名称",
    "kind": "处罚类别",
    "document_number": "行政处罚决定书文号",
    "decision_date": "处罚决定日期",
    "sanctions": "处罚类别",
    "matter": "违法行为类型",
    "severity": "处罚类别",
    "legal_representative": "法定代表人证件号码",
}
LICENCE_FIELD_COLUMNS = {
    "subject": "统一社会信用代码",
    "code": "统一社会信用代码",
    "kind_subject": "行政相对人类别",
    "name": "行政相对人名称",
    "document_number": "行政许可决定文书号",
    "decision_date": "许可决定日期",
    "matter": "许可内容",
    "content": "许可内容",
    "legal_representative": "法定代表人证件号码",
    "licence_document_name": "行政许可决定文书名称",
    "licence_category": "许可类别",
    "licence_certificate": "许可证书名称",
    "licence_number": "许可编号",
    "licence_valid_from": "有效期自",
    "licence_valid_to": "有效期至",
    "licence_authority": "许可机关",
    "licence_authority_code": "许可机关统一社会信用代码",
    "licence_status": "当前状态",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, too large, damaged, wrong headers, no rows."""


class UnreadableRow:
    """A row the file format cannot deliver (a CSV cell longer than the csv module reads): the row is
    rejected with ``message`` and the other rows are still imported."""

    def __init__(self, message: str):
        self.message = message


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def xlsx_archive_check(content: bytes, *, max_uncompressed_bytes: int | None) -> None:
    """Refuse a workbook whose archive would unpack too large or is packed like a decompression bomb,
    before openpyxl opens it. The sizes are those the archive declares; Python's zip reader stops at
    the declared size and fails the checksum of a member that holds more, so they can be trusted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ImportFileError(_("The file cannot be read as an Excel .xlsx workbook.")) from exc
    too_large = _("Unpacked, the workbook is larger than %(mb)s MB; split it into smaller files.") % {
        "mb": _mb(max_uncompressed_bytes or 0)
    }
    if max_uncompressed_bytes is not None:
        if len(members) > 10_000 or sum(m.file_size for m in members) > max_uncompressed_bytes:
            raise ImportFileError(too_large)
    ratio_cap = settings.IMPORT_MAX_COMPRESSION_RATIO
    for member in members:
        if max_uncompressed_bytes is not None and member.file_size > max_uncompressed_bytes:
            raise ImportFileError(too_large)
        # Small parts compress freely (an empty style sheet); Excel and WPS pack sheet data 5–30 times.
        if member.file_size > 1024 * 1024 and member.file_size > ratio_cap * max(member.compress_size, 1):
            raise ImportFileError(
                _(
                    "The workbook is packed %(ratio)s times smaller than its content, which Excel and WPS "
                    "never do; it is not opened. Save it again from Excel or WPS, or upload it as CSV."
                )
                % {"ratio": member.file_size // max(member.compress_size, 1)}
            )


def import_file_check(*, content: bytes, file_name: str, max_uncompressed_bytes: int | None) -> None:
    """The checks that need no parsing (type, size of the archive), cheap enough for the web request."""
    name = file_name.lower()
    if name.endswith(".xlsx"):
        xlsx_archive_check(content, max_uncompressed_bytes=max_uncompressed_bytes)
    elif not name.endswith(".csv"):
        raise ImportFileError(_("Upload a .xlsx or .csv file."))


def _header_key(value) -> str:
    text = squash(value).replace(" ", "").replace("(", "（").replace(")", "）")
    return text.upper() if text.isascii() else text


def _too_many_rows(max_rows: int) -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(max)s data rows; split it into files of at most %(max)s rows.")
        % {"max": max_rows}
    )


def read_rows(
    content: bytes,
    file_name: str,
    *,
    max_rows: int | None = None,
    max_uncompressed_bytes: int | None = None,
) -> tuple[list[str], Iterator[tuple[int, list | UnreadableRow]]]:
    """Headers and (row number, values) of the first sheet; row numbers as the clerk sees them. Blank
    rows are skipped, but a sheet reaching far beyond ``max_rows`` is refused while it is read."""
    import_file_check(content=content, file_name=file_name, max_uncompressed_bytes=max_uncompressed_bytes)
    last_row = None if max_rows is None else max_rows + BLANK_ROWS_ALLOWED
    if file_name.lower().endswith(".xlsx"):
        rows = _xlsx_rows(content, last_row=last_row)
    else:
        rows = _csv_rows(content)

    def numbered():
        for number, values in enumerate(rows, start=1):
            if last_row is not None and number > last_row:
                raise _too_many_rows(max_rows)
            yield number, values

    def filled(values) -> bool:
        return isinstance(values, UnreadableRow) or any(squash(v) for v in values)

    lines = numbered()
    for _number, values in lines:
        if isinstance(values, UnreadableRow):
            raise ImportFileError(values.message)
        if filled(values):
            headers = [_header_key(v) for v in values]
            return headers, ((n, v) for n, v in lines if filled(v))
    raise ImportFileError(_("The file is empty."))


def _csv_rows(content: bytes) -> Iterator[list | UnreadableRow]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ImportFileError(_("The file is not UTF-8 text."))
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The csv module refuses a cell over csv.field_size_limit() (131,072 characters) and goes on
            # with the next line: that row is rejected, not the file.
            if "field larger than field limit" in str(exc):
                yield UnreadableRow(
                    _("This row cannot be read: a cell is longer than %(limit)s characters.")
                    % {"limit": csv.field_size_limit()}
                )
            else:
                yield UnreadableRow(_("This row cannot be read as CSV (%(error)s).") % {"error": exc})
        else:
            yield row


def _xlsx_rows(content: bytes, *, last_row: int | None) -> Iterator[list]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise ImportFileError(_("The file cannot be read as an Excel .xlsx workbook.")) from exc
    try:
        # Bounded: a row numbered a billion or a sheet declaring 16,384 columns costs nothing extra.
        for row in sheet.iter_rows(
            values_only=True, max_col=MAX_COLUMNS, max_row=None if last_row is None else last_row + 1
        ):
            yield [("" if v is None else v) for v in row]
    except ImportFileError:
        raise
    except Exception as exc:  # e.g. a cell pointing past the shared-string table: IndexError
        raise ImportFileError(
            _(
                "The file is damaged: some cells cannot be read. Open it in Excel or WPS, save it again "
                "and upload it again."
            )
        ) from exc
    finally:
        workbook.close()


def import_file_scan(
    *, content: bytes, file_name: str, max_rows: int | None, max_uncompressed_bytes: int | None
) -> tuple[str, dict[str, int], int]:
    """The first pass: template, column positions and the number of data rows, or ``ImportFileError``
    for a file that is too large, damaged, of no known template or without data rows. Streams the
    file (openpyxl's read-only mode, the csv reader) and stops at the cap; writes nothing."""
    headers, rows = read_rows(
        content, file_name, max_rows=max_rows, max_uncompressed_bytes=max_uncompressed_bytes
    )
    template, columns = detect_template(headers)
    total = 0
    for _item in rows:
        total += 1
        if max_rows is not None and total > max_rows:
            raise _too_many_rows(max_rows)
    if total == 0:
        raise ImportFileError(_("The file has a header row but no data rows."))
    return template, columns, total


def detect_template(headers: list[str]) -> tuple[str, dict[str, int]]:
    """The template of a header row and the position of each known column (Chinese name as key)."""
    position = {h: i for i, h in enumerate(headers) if h}
    penalty = {PENALTY_HEADER_OF_CODE.get(h, h): i for h, i in position.items()}
    licence = {LICENCE_HEADER_OF_CODE.get(h, h): i for h, i in position.items()}
    if all(c in position for c in GENERAL_COLUMNS):
        return ImportBatch.Template.GENERAL, position
    if all(c in penalty for c in PENALTY_REQUIRED):
        return ImportBatch.Template.PENALTY, penalty
    if all(c in licence for c in LICENCE_REQUIRED):
        return ImportBatch.Template.LICENCE, licence
    general_missing = [c for c in GENERAL_COLUMNS if c not in position]
    penalty_missing = [c for c in PENALTY_REQUIRED if c not in penalty]
    licence_missing = [c for c in LICENCE_REQUIRED if c not in licence]
    # The columns only one 双公示 template has tell which one the file was meant to be.
    shared = set(PENALTY_HEADERS) & set(LICENCE_HEADERS)
    looks_like_penalty = any(
        h in PENALTY_HEADER_OF_CODE or (h in PENALTY_HEADERS and h not in shared) for h in position
    )
    looks_like_licence = any(
        h in LICENCE_HEADER_OF_CODE or (h in LICENCE_HEADERS and h not in shared) for h in position
    )
    if looks_like_licence and not looks_like_penalty:
        missing = licence_missing
    elif looks_like_penalty or any(h in shared for h in position):
        missing = penalty_missing
    else:
        missing = general_missing
    raise ImportFileError(
        _(
            "The header row does not match a template; missing columns: %(columns)s. Download the blank template."  # noqa: E501
        )
        % {"columns": "、".join(missing)}
    )


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return squash(value)


def _date_cell(value):
    """Excel dates arrive as datetimes, or as serial numbers when the cell lost its format."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    if isinstance(value, datetime.datetime):
        return value.date()
    return value if isinstance(value, datetime.date) else _text(value)


def _split_sanctions(text: str, catalog: RecordCatalog) -> list[str]:
    names = []
    for part in [
        p for p in _text(text).replace("；", ";").replace("，", ";").replace(",", ";").split(";") if p.strip()
    ]:
        part = part.strip()
        if part in catalog.sanctions or part in SANCTION_ALIASES:
            names.append(part)
        elif "、" in part:
            names.extend(p.strip() for p in part.split("、") if p.strip())
        else:
            names.append(part)
    return [SANCTION_ALIASES.get(n, n) for n in names]


def _general_row(get, catalog: RecordCatalog) -> tuple[SubjectInput, RecordInput]:
    sanctions = [SanctionInput(kind=name) for name in _split_sanctions(get("处罚类别"), catalog)]
    amount = _text(get("罚款金额（元）"))
    if amount:
        fines = [s for s in sanctions if catalog.sanctions.get(s.kind) and catalog.sanctions[s.kind].has_fine]
        if fines:
            fines[0].fine_amount = amount
        else:
            sanctions.append(SanctionInput(kind="fine", fine_amount=amount))
    content = _text(get("内容"))
    matter = _text(get("违法行为")) or content[:200] or _text(get("信息类别"))
    subject = SubjectInput(
        kind_given=_text(get("主体类别")), code=_text(get("主体代码")), name=_text(get("主体名称"))
    )
    return subject, RecordInput(
        kind=_text(get("信息类别")),
        document_number=_text(get("决定文书号")),
        decision_date=_date_cell(get("决定日期")),
        matter=matter,
        content=content,
        legal_basis=_text(get("依据")),
        sanctions=sanctions,
        severity=_text(get("严重程度")),
        severity_reason=_text(get("严重程度认定理由")),
        external_grade=_text(get("评定等级")),
        complainant_name=_text(get("投诉举报人")),
        complainant_contact=_text(get("投诉举报人联系方式")),
    )


def _penalty_row(get, catalog: RecordCatalog) -> tuple[SubjectInput, RecordInput]:
    category = _text(get("行政相对人类别"))
    if category == "自然人":
        code = _text(get("证件号码"))
    else:
        code = _text(get("统一社会信用代码"))
    sanctions = [SanctionInput(kind=name) for name in _split_sanctions(get("处罚类别"), catalog)]
    amounts = {
        "fine": _text(get("罚款金额（万元）")),
        "confiscation": _text(get("没收违法所得、没收非法财物的金额（万元）")),
    }
    for sanction in sanctions:
        kind = catalog.sanctions.get(sanction.kind)
        if kind is not None and kind.code in amounts and amounts[kind.code]:
            try:
                sanction.fine_amount = yuan_from_wan(parse_amount(amounts[kind.code]))
            except (ValueError, TypeError):
                sanction.fine_amount = amounts[kind.code]
    content = "\n".join(t for t in (_text(get("违法事实")), _text(get("处罚内容"))) if t)
    subject = SubjectInput(
        kind_given=category,
        code=code,
        name=_text(get("行政相对人名称")),
        representative_code=_text(get("法定代表人证件号码")),
        representative_name=_text(get("法定代表人")),
    )
    return subject, RecordInput(
        kind="行政处罚",
        document_number=_text(get("行政处罚决定书文号")),
        decision_date=_date_cell(get("处罚决定日期")),
        matter=_text(get("违法行为类型")),
        content=content,
        legal_basis=_text(get("处罚依据")),
        sanctions=sanctions,
    )


def _licence_row(get, catalog: RecordCatalog) -> tuple[SubjectInput, RecordInput]:
    """One row of the 双公示 licence template: the subject as in the penalty template, the decision's
    number and date, 许可内容 as the content, and the licence's own fields (``record_clean`` reads
    the category, the status and the dates, and derives the matter)."""
    category = _text(get("行政相对人类别"))
    code = _text(get("证件号码")) if category == "自然人" else _text(get("统一社会信用代码"))
    subject = SubjectInput(
        kind_given=category,
        code=code,
        name=_text(get("行政相对人名称")),
        representative_code=_text(get("法定代表人证件号码")),
        representative_name=_text(get("法定代表人")),
    )
    return subject, RecordInput(
        kind="administrative_licence",
        document_number=_text(get("行政许可决定文书号")),
        decision_date=_date_cell(get("许可决定日期")),
        matter="",
        content=_text(get("许可内容")),
        licence=LicenceInput(
            category=_text(get("许可类别")),
            document_name=_text(get("行政许可决定文书名称")),
            certificate=_text(get("许可证书名称")),
            number=_text(get("许可编号")),
            valid_from=_date_cell(get("有效期自")),
            valid_to=_date_cell(get("有效期至")),
            authority=_text(get("许可机关")),
            authority_code=_text(get("许可机关统一社会信用代码")),
            status=_text(get("当前状态")),
        ),
    )


# Per template: the row builder, where a field's message goes, and whether the subject's code of a
# natural person is in 证件号码 (the 双公示 templates) rather than in the code column.
BUILDERS = {
    ImportBatch.Template.GENERAL: (_general_row, GENERAL_FIELD_COLUMNS, False),
    ImportBatch.Template.PENALTY: (_penalty_row, PENALTY_FIELD_COLUMNS, True),
    ImportBatch.Template.LICENCE: (_licence_row, LICENCE_FIELD_COLUMNS, True),
}


class SheetParser:
    """The rows of one file, given its template and column positions (``import_file_scan``), as
    validated intake items. A row that cannot be read or holds a forbidden character is refused here,
    before any of its text reaches a message or the database; a row the writer rejects gets its
    messages placed in the template's columns by ``row_errors``."""

    def __init__(self, *, template: str, columns: dict[str, int]):
        self.template, self.columns = template, columns
        self.builder, self.field_columns, self.person_code_apart = BUILDERS[template]
        self.catalog = RecordCatalog()
        self.today = timezone.localdate()
        # The columns whose values are kept with a rejected row, with their positions.
        self.kept_columns = [
            (name, index)
            for name, index in columns.items()
            if name != ERROR_COLUMN and name not in CONFIDENTIAL_COLUMNS
        ]

    def items(
        self, lines: list[tuple[int, list | UnreadableRow]]
    ) -> tuple[list[IntakeItem], list[ImportRowError]]:
        """Parse and validate ``lines`` (row number, cells): the items, and the rows refused already."""
        items, refused = [], []
        for number, cells in lines:
            if isinstance(cells, UnreadableRow):
                refused.append(ImportRowError(row_number=number, column="", message=cells.message, values={}))
                continue

            def get(name: str, cells=cells):
                index = self.columns.get(name)
                return cells[index] if index is not None and index < len(cells) else ""

            # Kept with a rejected row (a JSON column: PostgreSQL refuses a NUL in it); an Excel date
            # as the date alone, which the error workbook writes back as a date cell.
            values = {}
            for name, index in self.kept_columns:
                value = cells[index] if index < len(cells) else ""
                if isinstance(value, datetime.date):
                    values[name] = _date_cell(value).isoformat()
                else:
                    text = _text(value)
                    values[name] = UNSAFE.sub("", text) if text else ""
            problems = self.unsafe_cells(cells) or self.numeric_codes(cells)
            if problems:
                refused.extend(
                    ImportRowError(row_number=number, column=column, message=message, values=values)
                    for column, message in problems
                )
                continue
            subject, data = self.builder(get, self.catalog)
            try:
                record = record_clean(data=data, catalog=self.catalog, today=self.today)
            except ValidationError as exc:
                record = exc
            items.append(IntakeItem(position=number, subject=subject, record=record, values=values))
        return items, refused

    def unsafe_cells(self, cells: list) -> list[tuple[str, str]]:
        """(column, reason) of each cell holding a NUL, control or text-direction character."""
        # One search over the row first (the pattern matches single characters): most rows hold none.
        if not UNSAFE.search("".join(cell for cell in cells if isinstance(cell, str))):
            return []
        problems = []
        for name, index in self.columns.items():
            if index < len(cells) and (message := unsafe_character_message(cells[index])):
                problems.append(("" if name in CONFIDENTIAL_COLUMNS else name, message))
        return problems

    def numeric_codes(self, cells: list) -> list[tuple[str, str]]:
        """(column, reason) of each code cell Excel holds as a number: its last digits are lost (Excel
        keeps 15), so the row is refused with what happened rather than a checksum or birth-date error
        about digits the clerk never typed."""
        problems = []
        for name, index in self.columns.items():
            if name not in CODE_COLUMNS or index >= len(cells):
                continue
            value = cells[index]
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 1e9:
                problems.append(
                    (
                        name,
                        _(
                            "Excel turned the code into the number %(number)s and lost its last digits. "
                            "Format the column as text (the template does) and type the code again."
                        )
                        % {"number": f"{value:.15g}"},
                    )
                )
        return problems

    def row_errors(self, item: IntakeItem, exc: ValidationError) -> list[ImportRowError]:
        """The rejected row's messages, each in the column of the field it is about."""
        person = isinstance(item.subject, SubjectInput) and item.subject.kind == SubjectKind.NATURAL_PERSON
        errors = []
        for field_name, text in error_messages(exc):
            column = self.field_columns.get(field_name, "")
            if field_name == "code" and person and self.person_code_apart:
                column = "证件号码"
            errors.append(
                ImportRowError(row_number=item.position, column=column, message=text, values=item.values)
            )
        return errors


def template_headers(template: str) -> list[str]:
    if template == ImportBatch.Template.GENERAL:
        return GENERAL_COLUMNS + GENERAL_OPTIONAL
    if template == ImportBatch.Template.LICENCE:
        return list(LICENCE_HEADERS)
    return list(PENALTY_HEADERS)
