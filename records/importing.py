"""Bulk intake of records from spreadsheets (SPEC §5 record intake, §7 ``import_records``).

Two templates are accepted, told apart by their header row:

- the general record template, one record per row
  (主体名称, 主体类别, 主体代码, 信息类别, 决定文书号, 决定日期, 处罚类别, 罚款金额（元）, 严重程度, 内容);
- the platform's 双公示 administrative-penalty template, with Chinese headers or the national field
  codes (CF_XDR_MC …); fines there are in 万元.

Every row goes through the same validation as a single entry (``record_clean`` and the subject
registry's identifier rules). Good rows are kept, bad rows are reported with row number, column and
reason; a row already entered (same department, subject, document number and violation) is counted
as a duplicate and skipped, so uploading the same file again creates nothing new. The work is
set-based: reference data and existing subjects and records are loaded once per chunk, and the new
rows are written with bulk inserts.

An import must not hurt the other users of the system (SPEC §6), so it is bounded and it yields:

- before anything is written the file is read through once, streaming: an ``.xlsx`` is a zip archive
  whose declared unpacked size and compression ratio are checked before openpyxl opens it (Python's
  zip reader never unpacks more than a member declares), then the data rows are counted up to the
  caps, and a damaged workbook or a wrong header row is found; any of these refuses the whole file
  with a clear message and writes nothing;
- the second pass validates a chunk of rows outside any transaction and writes it in a short
  transaction of its own, so other writers (a login, on SQLite too) wait at most one chunk; the
  job's progress is committed with each chunk. Memory stays bounded by a chunk: caches, rejected rows
  and duplicate checks are per chunk (rows of earlier chunks are found in the database).
"""

import csv
import datetime
import hashlib
import io
import logging
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department
from audit.services import audit_log_write
from creditreg.history import history_copy
from creditreg.text import UNSAFE, unsafe_character_message
from creditreg.xlsx import xlsx_bytes
from exchange.producers import records_outbox_enqueue_bulk
from subjects.identifiers import (
    mask_resident_id,
    mask_resident_ids_in_text,
    normalize_identifier,
    validate_resident_id,
)
from subjects.models import Subject, SubjectKind
from subjects.services import subject_clean_new, subjects_register_bulk

from .hooks import regrade_after_commit
from .models import (
    CreditRecord,
    ImportBatch,
    ImportRowError,
    ImportUpload,
    RecordSource,
    RecordStatus,
    RecordTransition,
    Sanction,
)
from .services import record_values, sanction_rows
from .validation import RecordCatalog, RecordInput, SanctionInput, parse_amount, record_clean, squash

logger = logging.getLogger(__name__)

# Columns read from a sheet; the templates have at most 30. A row padded to a sheet's declared width
# (up to 16,384 columns) would otherwise cost that much per row.
MAX_COLUMNS = 100
# Blank rows allowed beyond the cap on data rows before a sheet counts as too long.
BLANK_ROWS_ALLOWED = 10_000
TEN_THOUSAND = Decimal(10000)

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
# (Chinese header, national field code) of the 双公示 administrative-penalty template.
PENALTY_COLUMNS = [
    ("行政相对人名称", "CF_XDR_MC"),
    ("行政相对人类别", "CF_XDR_LB"),
    ("统一社会信用代码", "CF_XDR_SHXYM"),
    ("工商注册号", "CF_XDR_GSDJ"),
    ("组织机构代码", "CF_XDR_ZDM"),
    ("税务登记号", "CF_XDR_SWDJ"),
    ("事业单位证书号", "CF_XDR_SYDW"),
    ("社会组织登记证号", "CF_XDR_SHZZ"),
    ("法定代表人", "CF_FR"),
    ("法定代表人证件类型", "CF_FR_ZJLX"),
    ("法定代表人证件号码", "CF_FR_ZJHM"),
    ("证件类型", "CF_XDR_ZJLX"),
    ("证件号码", "CF_XDR_ZJHM"),
    ("行政处罚决定书文号", "CF_WSH"),
    ("违法行为类型", "CF_WFXW"),
    ("违法事实", "CF_SY"),
    ("处罚依据", "CF_YJ"),
    ("处罚类别", "CF_CFLB"),
    ("处罚内容", "CF_NR"),
    ("罚款金额（万元）", "CF_NR_FK"),
    ("没收违法所得、没收非法财物的金额（万元）", "CF_NR_WFFF"),
    ("暂扣或吊销证照名称及编号", "CF_NR_ZKDX"),
    ("处罚决定日期", "CF_JDRQ"),
    ("处罚有效期", "CF_YXQ"),
    ("公示截止期", "CF_GSJZQ"),
    ("处罚机关", "CF_CFJG"),
    ("处罚机关统一社会信用代码", "CF_CFJGDM"),
    ("数据来源单位", "CF_SJLY"),
    ("数据来源单位统一社会信用代码", "CF_SJLYDM"),
    ("备注", "BZ"),
]
PENALTY_REQUIRED = [
    "行政相对人名称",
    "行政相对人类别",
    "行政处罚决定书文号",
    "违法行为类型",
    "处罚类别",
    "处罚决定日期",
]
ERROR_COLUMN = "错误原因"
# 000 Art. 13: the complainant's identity is never kept in plain text, so a rejected row does not keep it
# either (nor does the error workbook show it); the clerk fills it in again.
CONFIDENTIAL_COLUMNS = {"投诉举报人", "投诉举报人联系方式"}

SUBJECT_KIND_NAMES = {
    "法人": SubjectKind.LEGAL_PERSON,
    "企业法人": SubjectKind.LEGAL_PERSON,
    "法人及非法人组织": SubjectKind.LEGAL_PERSON,
    "非法人组织": SubjectKind.UNINCORPORATED,
    "其他组织": SubjectKind.UNINCORPORATED,
    "社会组织": SubjectKind.SOCIAL_ORGANISATION,
    "事业单位": SubjectKind.PUBLIC_INSTITUTION,
    "个体工商户": SubjectKind.INDIVIDUAL_BUSINESS,
    "自然人": SubjectKind.NATURAL_PERSON,
}
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


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, too large, damaged, wrong headers, no rows."""


class UnreadableRow:
    """A row the file format cannot deliver (a CSV cell longer than the csv module reads): the row is
    rejected with ``message`` and the other rows are still imported."""

    def __init__(self, message: str):
        self.message = message


@dataclass
class ImportResult:
    batch: ImportBatch

    @property
    def errors(self):
        """The rejected rows' reasons, in row order (read from the database: they are written with
        each chunk, not kept in memory)."""
        return self.batch.errors.all()

    @property
    def ok(self) -> bool:
        return self.batch.rows_rejected == 0


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
    from openpyxl import load_workbook

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
    code_to_name = {code: name for name, code in PENALTY_COLUMNS}
    penalty = {code_to_name.get(h, h): i for h, i in position.items()}
    if all(c in position for c in GENERAL_COLUMNS):
        return ImportBatch.Template.GENERAL, position
    if all(c in penalty for c in PENALTY_REQUIRED):
        return ImportBatch.Template.PENALTY, penalty
    general_missing = [c for c in GENERAL_COLUMNS if c not in position]
    penalty_missing = [c for c in PENALTY_REQUIRED if c not in penalty]
    looks_like_penalty = any(h in code_to_name or h in code_to_name.values() for h in position)
    missing = penalty_missing if looks_like_penalty else general_missing
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


@dataclass
class ParsedRow:
    number: int
    values: dict
    subject_kind: str
    subject_code: str
    subject_name: str
    rep_number: str
    rep_name: str
    data: RecordInput


def _general_row(number: int, get, catalog) -> ParsedRow:
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
    return ParsedRow(
        number=number,
        values={},
        subject_kind=_text(get("主体类别")),
        subject_code=_text(get("主体代码")),
        subject_name=_text(get("主体名称")),
        rep_number="",
        rep_name="",
        data=RecordInput(
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
        ),
    )


def _penalty_row(number: int, get, catalog) -> ParsedRow:
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
                sanction.fine_amount = parse_amount(amounts[kind.code]) * TEN_THOUSAND  # 万元 → yuan
            except (ValueError, TypeError):
                sanction.fine_amount = amounts[kind.code]
    content = "\n".join(t for t in (_text(get("违法事实")), _text(get("处罚内容"))) if t)
    return ParsedRow(
        number=number,
        values={},
        subject_kind=category,
        subject_code=code,
        subject_name=_text(get("行政相对人名称")),
        rep_number=_text(get("法定代表人证件号码")),
        rep_name=_text(get("法定代表人")),
        data=RecordInput(
            kind="行政处罚",
            document_number=_text(get("行政处罚决定书文号")),
            decision_date=_date_cell(get("处罚决定日期")),
            matter=_text(get("违法行为类型")),
            content=content,
            legal_basis=_text(get("处罚依据")),
            sanctions=sanctions,
        ),
    )


def _subject_kind(row: ParsedRow) -> str:
    kind = SUBJECT_KIND_NAMES.get(row.subject_kind, "")
    # 双公示 puts firms and organisations in one class; an individual business's code begins with 92.
    if kind == SubjectKind.LEGAL_PERSON and normalize_identifier(row.subject_code).startswith("92"):
        return SubjectKind.INDIVIDUAL_BUSINESS
    return kind


class _Importer:
    def __init__(
        self,
        *,
        department: Department,
        actor,
        approve: bool,
        template: str,
        columns: dict[str, int],
        push: bool = True,
    ):
        self.department, self.actor, self.approve, self.push = department, actor, approve, push
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        self.template, self.columns = template, columns
        self.field_columns = (
            GENERAL_FIELD_COLUMNS if template == ImportBatch.Template.GENERAL else PENALTY_FIELD_COLUMNS
        )
        self.catalog = RecordCatalog()
        self.today = timezone.localdate()
        # Per chunk: rows of earlier chunks are found in the database, so memory stays bounded.
        self.subjects: dict[str, Subject] = {}
        self.new_subjects: dict[str, Subject] = {}
        self.seen_keys: set[tuple] = set()
        self.errors: list[ImportRowError] = []
        self.processed = self.rejected = 0
        self.touched_subjects: set[int] = set()
        self.subjects_created = 0
        self.batch: ImportBatch | None = None

    def parse(self, number: int, values: list) -> ParsedRow:
        def get(name: str):
            index = self.columns.get(name)
            return values[index] if index is not None and index < len(values) else ""

        builder = _general_row if self.template == ImportBatch.Template.GENERAL else _penalty_row
        row = builder(number, get, self.catalog)
        row.values = {
            # Stored with the rejected row (a JSON column: PostgreSQL refuses a NUL in it).
            name: UNSAFE.sub("", _text(get(name)))
            if not isinstance(get(name), datetime.date)
            else get(name).isoformat()
            for name in self.columns
            if name != ERROR_COLUMN and name not in CONFIDENTIAL_COLUMNS
        }
        return row

    def unsafe_cells(self, values: list) -> list[tuple[str, str]]:
        """(column, reason) of each cell holding a NUL, control or text-direction character."""
        problems = []
        for name, index in self.columns.items():
            if index < len(values) and (message := unsafe_character_message(values[index])):
                problems.append(("" if name in CONFIDENTIAL_COLUMNS else name, message))
        return problems

    def reject(self, row: ParsedRow, exc: ValidationError, *, natural_person: bool = False) -> None:
        items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        for field_name, messages in items:
            column = self.field_columns.get(field_name, "")
            if field_name == "code" and natural_person and self.template == ImportBatch.Template.PENALTY:
                column = "证件号码"
            for message in messages:
                self.errors.append(
                    ImportRowError(row_number=row.number, column=column, message=message, values=row.values)
                )

    def load_chunk(self, rows: list[ParsedRow]) -> None:
        codes = {normalize_identifier(r.subject_code) for r in rows} | {
            normalize_identifier(r.rep_number) for r in rows
        }
        codes -= set(self.subjects) | set(self.new_subjects) | {""}
        codes = list(codes)
        for start in range(0, len(codes), 500):
            for subject in Subject.objects.filter(code__in=codes[start : start + 500]):
                self.subjects[subject.code] = subject

    def existing_keys(self, rows: list[tuple[ParsedRow, Subject, object]]) -> set[tuple]:
        numbers = list({clean.document_number for _r, _s, clean in rows})
        keys: set[tuple] = set()
        for start in range(0, len(numbers), 500):
            keys.update(
                CreditRecord.objects.filter(
                    department=self.department,
                    is_current=True,
                    document_number__in=numbers[start : start + 500],
                ).values_list("subject__code", "document_number", "matter_key")
            )
        return keys

    def resolve_subject(self, row: ParsedRow) -> tuple[Subject, list[Subject]]:
        """The row's subject, registered or to be registered (with its legal representative); the new
        ones are only staged by the caller once the whole row is valid, so a bad row registers nothing."""
        kind = _subject_kind(row)
        if not kind:
            raise ValidationError(
                {
                    "kind_subject": _(
                        "Unknown subject kind “%(value)s”; use 法人, 非法人组织, 个体工商户 or 自然人."
                    )
                    % {"value": row.subject_kind}
                }
            )
        code = normalize_identifier(row.subject_code)
        subject = self.subjects.get(code) or self.new_subjects.get(code)
        if subject is not None:
            return subject, []
        code, name = subject_clean_new(kind=kind, code=row.subject_code, name=row.subject_name)
        new: list[Subject] = []
        representative = None
        if row.rep_number and kind != SubjectKind.NATURAL_PERSON:
            try:
                rep_code = validate_resident_id(normalize_identifier(row.rep_number))
            except ValidationError as exc:
                raise ValidationError({"legal_representative": exc.messages}) from None
            representative = self.subjects.get(rep_code) or self.new_subjects.get(rep_code)
            if representative is None and row.rep_name:
                representative = Subject(kind=SubjectKind.NATURAL_PERSON, code=rep_code, name=row.rep_name)
                new.append(representative)
        subject = Subject(kind=kind, code=code, name=name, legal_representative=representative)
        new.append(subject)
        return subject, new

    def run_chunk(self, items: list[tuple[int, list | UnreadableRow]]) -> None:
        """Validate a chunk outside any transaction, then write it (rows, rejected rows, progress) in one
        short transaction: the only time other writers may have to wait for this import."""
        prepared = self.prepare(items)
        with transaction.atomic():
            self.commit(prepared)
            self.processed += len(items)
            rejected = len({e.row_number for e in self.errors})
            for error in self.errors:
                error.batch = self.batch
            ImportRowError.objects.bulk_create(self.errors, batch_size=1000)
            self.errors = []
            self.rejected += rejected
            self.batch.rows_processed, self.batch.rows_rejected = self.processed, self.rejected
            self.batch.updated_at = timezone.now()
            ImportBatch.objects.filter(pk=self.batch.pk).update(
                rows_processed=self.processed, rows_rejected=self.rejected, updated_at=self.batch.updated_at
            )

    def prepare(self, items: list[tuple[int, list | UnreadableRow]]) -> list[tuple[ParsedRow, object]]:
        """Parse and validate each row (no writes); a row that cannot be read or holds a forbidden
        character is rejected here, before any of its text reaches a message or the database."""
        prepared = []
        for number, values in items:
            if isinstance(values, UnreadableRow):
                self.errors.append(
                    ImportRowError(row_number=number, column="", message=values.message, values={})
                )
                continue
            row = self.parse(number, values)
            problems = self.unsafe_cells(values)
            if problems:
                self.errors.extend(
                    ImportRowError(row_number=number, column=column, message=message, values=row.values)
                    for column, message in problems
                )
                continue
            try:
                clean = record_clean(data=row.data, catalog=self.catalog, today=self.today)
            except ValidationError as exc:
                clean = exc
            prepared.append((row, clean))
        return prepared

    def commit(self, prepared: list[tuple[ParsedRow, object]]) -> None:
        self.subjects, self.new_subjects, self.seen_keys = {}, {}, set()
        self.load_chunk([row for row, _clean in prepared])
        good: list[tuple[ParsedRow, Subject, object]] = []
        for row, clean in prepared:
            person = _subject_kind(row) == SubjectKind.NATURAL_PERSON
            try:
                subject, new = self.resolve_subject(row)
            except ValidationError as exc:
                self.reject(row, exc, natural_person=person)
                continue
            if isinstance(clean, ValidationError):
                self.reject(row, clean, natural_person=person)
                continue
            for staged in new:
                self.new_subjects[staged.code] = staged
            good.append((row, subject, clean))
        existing = self.existing_keys(good)
        fresh = []
        for row, subject, clean in good:
            key = (subject.code, clean.document_number, clean.matter_key)
            if key in existing or key in self.seen_keys:
                continue
            self.seen_keys.add(key)
            fresh.append((row, subject, clean))
        self.write(fresh)

    def write(self, rows: list[tuple[ParsedRow, Subject, object]]) -> None:
        pending = [s for s in self.new_subjects.values() if s.pk is None]
        # Representatives first, so the companies can point at them.
        people = [s for s in pending if s.kind == SubjectKind.NATURAL_PERSON]
        others = [s for s in pending if s.kind != SubjectKind.NATURAL_PERSON]
        for group in (people, others):
            for subject in group:
                if subject.legal_representative is not None:
                    subject.legal_representative_id = subject.legal_representative.pk
            subjects_register_bulk(actor=self.actor, subjects=group)
        self.subjects_created += len(pending)
        if not rows:
            return
        now = timezone.now()
        status = RecordStatus.EFFECTIVE if self.approve else RecordStatus.SUBMITTED
        records = [
            CreditRecord(
                subject_id=subject.pk,
                department=self.department,
                status=status,
                source=RecordSource.IMPORT,
                import_batch=self.batch,
                created_by=self.user,
                submitted_by=self.user,
                effective_at=now if self.approve else None,
                **record_values(clean),
            )
            for _row, subject, clean in rows
        ]
        records = CreditRecord.objects.bulk_create(records, batch_size=1000)
        if any(r.pk is None for r in records):  # pragma: no cover - every supported backend returns ids
            raise RuntimeError("the database did not return the new record ids")
        sanctions = [
            s
            for record, (_r, _s, clean) in zip(records, rows, strict=True)
            for s in sanction_rows(record, clean)
        ]
        Sanction.objects.bulk_create(sanctions, batch_size=2000)
        # History and the first status line of every new record, copied set-based from the rows written.
        where, params = "import_batch_id = %s AND id >= %s", [self.batch.pk, min(r.pk for r in records)]
        history_copy(model=CreditRecord, where=where, params=params, user_id=getattr(self.user, "pk", None))
        reason = (
            _("Historical data imported by the credit office, effective at once.") if self.approve else ""
        )
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(RecordTransition._meta.db_table)} "
                "(record_id, from_status, to_status, actor_id, reason, at) "
                f"SELECT id, '', status, %s, %s, %s FROM {quote(CreditRecord._meta.db_table)} WHERE {where}",
                [getattr(self.user, "pk", None), reason, timezone.now(), *params],
            )
        if self.approve:
            self.touched_subjects.update(r.subject_id for r in records)
            if self.push:
                # Effective at once: the platform gets every record, queued in bulk in this transaction.
                by_record = {}
                for s in sanctions:
                    by_record.setdefault(id(s.record), []).append(s)
                records_outbox_enqueue_bulk(
                    rows=[
                        (record, subject, by_record.get(id(record), []))
                        for record, (_r, subject, _c) in zip(records, rows, strict=True)
                    ],
                    reason=reason,
                )


def records_import(
    *,
    content: bytes,
    file_name: str,
    department: Department,
    actor=None,
    approve: bool = False,
    push: bool = True,
    batch: ImportBatch | None = None,
    max_rows: int | None = None,
    max_uncompressed_bytes: int | None = None,
) -> ImportResult:
    """Import a spreadsheet for ``department``. Raises ``ImportFileError`` when the file as a whole is
    unusable — not a spreadsheet, over ``max_rows`` data rows or ``max_uncompressed_bytes`` unpacked,
    damaged, of no known template — and nothing is written then; otherwise keeps the good rows and
    returns the batch with its rejected rows. With ``approve`` the records take effect at once and are
    queued for the platform, unless ``push`` is off (data the platform itself pushed down).

    ``batch`` is the job's batch when the import runs as a job (records/jobs.py); otherwise a batch is
    created. Chunks are committed one by one: if the import stops half-way (a lost worker), the rows
    written stay, the batch says so, and importing the file again skips them as already entered."""
    started = time.perf_counter()
    file_name = UNSAFE.sub("", file_name)[:255]
    template, columns, total = import_file_scan(
        content=content, file_name=file_name, max_rows=max_rows, max_uncompressed_bytes=max_uncompressed_bytes
    )
    importer = _Importer(
        department=department, actor=actor, approve=approve, template=template, columns=columns, push=push
    )
    now = timezone.now()
    state = {
        "template": template,
        "approve": approve,
        "sha256": hashlib.sha256(content).hexdigest(),
        "rows_total": total,
        "rows_processed": 0,
        "rows_rejected": 0,
        "status": ImportBatch.Status.RUNNING,
        "started_at": now,
        "updated_at": now,
    }
    if batch is None:
        batch = ImportBatch.objects.create(
            department=department, uploaded_by=importer.user, file_name=file_name, **state
        )
    else:
        # A job started again (its worker was lost) reports afresh; rows it wrote are now duplicates.
        batch.errors.all().delete()
        for name, value in state.items():
            setattr(batch, name, value)
        batch.save()
    importer.batch = batch
    try:
        _headers, rows = read_rows(
            content, file_name, max_rows=max_rows, max_uncompressed_bytes=max_uncompressed_bytes
        )
        chunk: list = []
        for item in rows:
            chunk.append(item)
            if len(chunk) >= settings.IMPORT_CHUNK_ROWS:
                importer.run_chunk(chunk)
                chunk = []
        if chunk:
            importer.run_chunk(chunk)
    except Exception as exc:
        failure = str(exc) if isinstance(exc, ImportFileError) else str(IMPORT_STOPPED)
        try:
            _import_finish(importer, started=started, failure=failure)
        except Exception:  # e.g. inside a caller's transaction that is now broken: keep the first error
            logger.exception("import batch %s: its failure could not be recorded", batch.pk)
        raise
    _import_finish(importer, started=started)
    return ImportResult(batch=batch)


IMPORT_STOPPED = gettext_lazy(
    "The import stopped because of an internal error. The rows saved so far are kept; upload the file "
    "again to import the rest (rows already entered are skipped)."
)


def _import_finish(importer: _Importer, *, started: float, failure: str = "") -> None:
    """Counts, state and the audit entry of the batch, in one transaction; the regrade after it."""
    batch, approve = importer.batch, importer.approve
    with transaction.atomic():
        # Counted from the database: right also when a job ran again after its worker was lost.
        batch.rows_created = CreditRecord.objects.filter(import_batch=batch).count()
        batch.rows_rejected = importer.rejected
        batch.rows_processed = importer.processed
        batch.rows_duplicate = max(0, importer.processed - importer.rejected - batch.rows_created)
        batch.subjects_created = importer.subjects_created
        batch.seconds = round(time.perf_counter() - started, 3)
        batch.status = ImportBatch.Status.FAILED if failure else ImportBatch.Status.DONE
        batch.failure = failure
        batch.finished_at = batch.updated_at = timezone.now()
        batch.save()
        # One audit row for the batch: each record points at its batch (who, when, which file, checksum),
        # and has its own transition row and history row.
        audit_log_write(
            actor=importer.actor,
            action="record.import_effective" if approve else "record.import",
            target=batch,
            after={
                "file": batch.file_name,
                "sha256": batch.sha256,
                "template": batch.template,
                "created": batch.rows_created,
                "duplicates": batch.rows_duplicate,
                "rejected": batch.rows_rejected,
                "subjects_created": batch.subjects_created,
                **({"stopped": failure} if failure else {}),
            },
            reason=_("Historical data imported by the credit office, effective at once.") if approve else "",
        )
        regrade_after_commit(importer.touched_subjects)


def import_job_run(*, batch_id: int, language: str = "") -> None:
    """Run the import of a queued batch (the task's body). Idempotent: a finished batch is left alone,
    one whose worker was lost is run again (its rows already written are then duplicates)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        batch = ImportBatch.objects.select_related("department", "uploaded_by").filter(pk=batch_id).first()
        if batch is None or batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
            return
        upload = ImportUpload.objects.filter(batch=batch).first()
        try:
            if upload is None:
                raise ImportFileError(_("The uploaded file is no longer there; upload it again."))
            records_import(
                content=bytes(upload.content),
                file_name=batch.file_name,
                department=batch.department,
                actor=batch.uploaded_by,
                batch=batch,
                max_rows=settings.IMPORT_MAX_ROWS,
                max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            )
        except ImportFileError as exc:
            _fail(batch_id, str(exc))
        except Exception:
            logger.exception("import of batch %s stopped", batch_id)
            _fail(batch_id, str(IMPORT_STOPPED))
        finally:
            # The file is not kept once imported: its rows are, and its checksum identifies it.
            ImportUpload.objects.filter(batch_id=batch_id).delete()


def _fail(batch_id: int, message: str) -> None:
    """A file refused before any row was written (or a job that stopped): the batch says why."""
    now = timezone.now()
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]
    ).update(status=ImportBatch.Status.FAILED, failure=message, finished_at=now, updated_at=now)


TEMPLATE_LABELS = {
    ImportBatch.Template.GENERAL: gettext_lazy("General record template"),
    ImportBatch.Template.PENALTY: gettext_lazy("Platform administrative-penalty template (双公示)"),
}


def template_headers(template: str) -> list[str]:
    if template == ImportBatch.Template.GENERAL:
        return GENERAL_COLUMNS + GENERAL_OPTIONAL
    return [name for name, _code in PENALTY_COLUMNS]


def workbook_bytes(headers: list[str], rows=None, *, title: str = "Sheet1") -> bytes:
    """A one-sheet workbook whose every text is a text cell, never a formula (creditreg/xlsx.py)."""
    return xlsx_bytes(title=title, headers=headers, rows=rows or [])


# Columns that hold a natural person's identity number, whatever the row (SPEC §7 templates).
PERSON_NUMBER_COLUMNS = ("法定代表人证件号码", "证件号码")
PERSON_KIND = "自然人"


def _row_masked(values: dict) -> dict:
    """A rejected row as a role that may not see identity numbers gets it (SPEC §6: error workbooks
    too): the person-number columns masked whatever they hold, the subject code of a natural person's
    row masked, and any identity number in any other cell."""
    masked = {key: mask_resident_ids_in_text(value) for key, value in values.items()}
    for column in PERSON_NUMBER_COLUMNS:
        if masked.get(column):
            masked[column] = mask_resident_id(str(values[column]))
    if values.get("主体类别") == PERSON_KIND and masked.get("主体代码"):
        masked["主体代码"] = mask_resident_id(str(values["主体代码"]))
    return masked


def error_workbook(batch: ImportBatch, *, masked: bool = False) -> bytes:
    """The rejected rows with their original values and the reasons, to fix and upload again. Every
    value is written back as the text it was read as (a cell starting with ``=`` stays text), and the
    rows are streamed from the database, so a large report costs one row of memory at a time.
    ``masked``: for a reader who neither uploaded the file nor may see identity numbers."""
    headers = template_headers(batch.template)

    def line(values: dict, reasons: list[str]) -> list:
        if masked:
            values, reasons = _row_masked(values), [mask_resident_ids_in_text(r) for r in reasons]
        return [values.get(h, "") for h in headers] + ["；".join(reasons)]

    def rows():
        current, values, reasons = None, {}, []
        errors = batch.errors.order_by("row_number", "id").values_list(
            "row_number", "column", "message", "values"
        )
        for number, column, message, row_values in errors.iterator(chunk_size=2000):
            if number != current:
                if current is not None:
                    yield line(values, reasons)
                current, values, reasons = number, row_values, []
            reasons.append(f"{column}：{message}" if column else message)
        if current is not None:
            yield line(values, reasons)

    return workbook_bytes(headers + [ERROR_COLUMN], rows(), title="errors")
