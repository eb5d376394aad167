"""The blank record templates offered for download (SPEC §7): the data sheet first, its header row
exactly the one ``import_records`` reads (``spreadsheets.template_headers``), the columns a row must
fill marked by style rather than by text, and the instructions with an example row on a sheet of
their own, which the import never reads (it reads the first sheet only).

The headers are the data standard's (Chinese, never translated); what the instructions say is
interface text in the user's language.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.xlsx import (
    BOLD,
    CODE,
    DATE,
    MARK_STYLES,
    NUMBER,
    TEXT,
    TITLE,
    WRAP,
    Column,
    Sheet,
    Styled,
    column_letter,
    xlsx_bytes,
)
from exchange.columns import LICENCE_CATEGORY_OF_NAME, LICENCE_REQUIRED, PENALTY_REQUIRED
from subjects.identifiers import uscc_check_char

from .models import ImportBatch, RecordKind, SanctionKind
from .spreadsheets import (
    AMOUNT_COLUMNS,
    CODE_COLUMNS,
    DATE_COLUMNS,
    ERROR_COLUMN,
    GENERAL_COLUMNS,
    template_headers,
)
from .validation import parse_amount, parse_date

# The marks of the data sheet's header row: red, a column every row fills; yellow, one some rows fill
# (``core.xlsx`` styles).
REQUIRED, SOME_ROWS, OPTIONAL = "required", "some_rows", "optional"

DATE_NOTE = gettext_lazy("A date written YYYY-MM-DD (or an Excel date); not in the future.")
NOTES: dict[str, Promise] = {
    # General record template.
    "主体名称": gettext_lazy("Name of the enterprise, organisation or person."),
    "主体类别": gettext_lazy("法人, 非法人组织, 个体工商户 or 自然人."),
    "主体代码": gettext_lazy(
        "The 18-character unified social credit code; for 自然人 the resident identity number."
    ),
    "决定文书号": gettext_lazy("Number of the decision document."),
    "决定日期": DATE_NOTE,
    "处罚类别": gettext_lazy(
        "For an administrative penalty: its sanctions, separated by ; (e.g. 警告;罚款)."
    ),
    "罚款金额（元）": gettext_lazy("The fine in yuan, when a sanction is a fine."),
    "严重程度": gettext_lazy("轻微, 一般 or 严重; left empty, derived from the sanctions or the kind."),
    "内容": gettext_lazy("What happened, in a sentence or two."),
    "评定等级": gettext_lazy("For a grade given by another department's grading: that grade."),
    "投诉举报人": gettext_lazy("For a complaint or report only; kept confidential."),
    "投诉举报人联系方式": gettext_lazy("For a complaint or report only; kept confidential."),
    "严重程度认定理由": gettext_lazy("Needed when 严重程度 is filled in."),
    # Both 双公示 templates.
    "行政相对人名称": gettext_lazy("Name of the enterprise, organisation or person."),
    "行政相对人类别": gettext_lazy("法人及非法人组织, 个体工商户 or 自然人."),
    "统一社会信用代码": gettext_lazy(
        "The 18-character unified social credit code; needed unless the subject is a natural person."
    ),
    "法定代表人": gettext_lazy(
        "Name of the legal representative; with the identity number beside it, it links the subject "
        "to that person."
    ),
    "法定代表人证件号码": gettext_lazy("The legal representative's resident identity number."),
    "证件类型": gettext_lazy("For a natural person: 身份证."),
    "证件号码": gettext_lazy("For a natural person: the resident identity number (needed)."),
    # Administrative penalties.
    "行政处罚决定书文号": gettext_lazy("Number of the penalty decision."),
    "违法行为类型": gettext_lazy("The violation; each violation of a decision is a row of its own."),
    "罚款金额（万元）": gettext_lazy("The fine in 万元 (10,000 yuan)."),
    "没收违法所得、没收非法财物的金额（万元）": gettext_lazy("The amount confiscated in 万元 (10,000 yuan)."),
    "处罚决定日期": DATE_NOTE,
    # Administrative licences.
    "行政许可决定文书名称": gettext_lazy("Name of the licensing decision document, e.g. 准予行政许可决定书."),
    "行政许可决定文书号": gettext_lazy(
        "Number of the licensing decision. With the certificate's name it identifies the licence: a row "
        "uploaded again is not entered twice."
    ),
    "许可类别": gettext_lazy(
        "普通, 特许, 认可, 核准, 登记 or 其他; after 其他 name the kind, e.g. 其他（备案）."
    ),
    "许可证书名称": gettext_lazy("Name of the certificate the licence grants, if any."),
    "许可编号": gettext_lazy("Number of that certificate, if any."),
    "许可内容": gettext_lazy("What the licence permits."),
    "许可决定日期": DATE_NOTE,
    "有效期自": gettext_lazy("First day of validity, YYYY-MM-DD; left empty, the decision date."),
    "许可机关": gettext_lazy("The licensing authority; left empty, the department importing the file."),
    "许可机关统一社会信用代码": gettext_lazy("The licensing authority's unified social credit code."),
    "当前状态": gettext_lazy(
        "1 (有效, valid) or 2 (无效, invalid); left empty, 1. An invalid licence is not published."
    ),
}

# Columns some rows must fill (the others every row, or none), per template.
SOME_ROWS_COLUMNS = {
    ImportBatch.Template.GENERAL: {"处罚类别", "罚款金额（元）", "评定等级", "严重程度认定理由"},
    ImportBatch.Template.PENALTY: {"统一社会信用代码", "证件号码", "罚款金额（万元）"},
    ImportBatch.Template.LICENCE: {"统一社会信用代码", "证件号码"},
}
REQUIRED_COLUMNS = {
    ImportBatch.Template.GENERAL: set(GENERAL_COLUMNS[:6]),
    ImportBatch.Template.PENALTY: set(PENALTY_REQUIRED),
    ImportBatch.Template.LICENCE: set(LICENCE_REQUIRED),
}
FILE_NAMES = {
    ImportBatch.Template.GENERAL: "信用记录通用模板.xlsx",
    ImportBatch.Template.PENALTY: "双公示行政处罚模板.xlsx",
    ImportBatch.Template.LICENCE: "双公示行政许可模板.xlsx",
}


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    need: str
    note: str
    kind: str = TEXT  # how its cells are typed (``core.xlsx``)


def template_columns(template: str) -> list[TemplateColumn]:
    """The template's columns in the order of its header row, each with what a row must do with it."""
    columns = []
    for header in template_headers(template):
        if header in REQUIRED_COLUMNS[template]:
            need = REQUIRED
        elif header in SOME_ROWS_COLUMNS[template]:
            need = SOME_ROWS
        else:
            need = OPTIONAL
        kind = (
            DATE
            if header in DATE_COLUMNS
            else NUMBER
            if header in AMOUNT_COLUMNS
            else CODE
            if header in CODE_COLUMNS
            else TEXT
        )
        columns.append(TemplateColumn(header, need, _note(template, header), kind))
    return columns


def _note(template: str, header: str) -> str:
    if header == "信息类别":
        # A licence has a template of its own (the general one has no columns for its fields).
        kinds = RecordKind.objects.filter(is_active=True, has_licence=False)
        names = "、".join(kinds.values_list("name", flat=True))
        return _("The kind of information, one of: %(names)s.") % {"names": names}
    if header == "有效期至":
        return _(
            "Last day of validity, YYYY-MM-DD; 2099-12-31 for a licence without end. The licence is "
            "published until that day; left empty, for %(months)s months from the decision."
        ) % {"months": settings.LICENCE_PUBLICATION_MONTHS_WITHOUT_END}
    note = NOTES.get(header)
    return str(note) if note is not None else ""


def _example_code() -> str:
    first17 = "91411323MA0000001"
    return first17 + uscc_check_char(first17)


def example_row(template: str) -> list:
    """One filled row, as a department would fill it (shown on the instructions sheet only)."""
    code = _example_code()
    examples: dict[str, dict[str, str]] = {
        ImportBatch.Template.GENERAL: {
            "主体名称": "西峡县示例商贸有限公司",
            "主体类别": "法人",
            "主体代码": code,
            "信息类别": "行政处罚",
            "决定文书号": "西发改罚〔2026〕1号",
            "决定日期": "2026-03-02",
            "处罚类别": "警告;罚款",
            "罚款金额（元）": "5000",
            "内容": "未按规定明码标价",
        },
        ImportBatch.Template.PENALTY: {
            "行政相对人名称": "西峡县示例商贸有限公司",
            "行政相对人类别": "法人及非法人组织",
            "统一社会信用代码": code,
            "法定代表人": "张三",
            "行政处罚决定书文号": "西市监罚〔2026〕1号",
            "违法行为类型": "未按规定明码标价",
            "处罚类别": "警告;罚款",
            "罚款金额（万元）": "0.5",
            "处罚决定日期": "2026-03-02",
            "处罚机关": "西峡县市场监督管理局",
        },
        ImportBatch.Template.LICENCE: {
            "行政相对人名称": "西峡县示例商贸有限公司",
            "行政相对人类别": "法人及非法人组织",
            "统一社会信用代码": code,
            "法定代表人": "张三",
            "行政许可决定文书名称": "准予行政许可决定书",
            "行政许可决定文书号": "西市监许〔2026〕1号",
            "许可类别": "普通",
            "许可证书名称": "食品经营许可证",
            "许可编号": "JY14113230000001",
            "许可内容": "预包装食品销售（含冷藏冷冻食品）",
            "许可决定日期": "2026-03-02",
            "有效期自": "2026-03-02",
            "有效期至": "2031-03-01",
            "许可机关": "西峡县市场监督管理局",
            "当前状态": "1",
        },
    }
    values = examples[template]
    return [values.get(header, "") for header in template_headers(template)]


def closed_lists(template: str) -> dict[str, tuple[list[str], bool]]:
    """The columns whose values come from a closed list: the list, and whether a cell holds one value
    of it (``True``) or several separated by ``;`` (处罚类别, where the drop-down only offers them)."""
    subject_kinds = (
        ["法人", "非法人组织", "个体工商户", "自然人"]
        if template == ImportBatch.Template.GENERAL
        else ["法人及非法人组织", "自然人", "个体工商户"]
    )
    lists: dict[str, tuple[list[str], bool]] = {
        "主体类别": (subject_kinds, True),
        "行政相对人类别": (subject_kinds, True),
        "严重程度": ([str(label) for label in ("轻微", "一般", "严重")], True),
        "处罚类别": (list(SanctionKind.objects.order_by("rank").values_list("name", flat=True)), False),
        "信息类别": (
            list(
                RecordKind.objects.filter(is_active=True, has_licence=False)
                .order_by("pk")
                .values_list("name", flat=True)
            ),
            True,
        ),
        "许可类别": (list(LICENCE_CATEGORY_OF_NAME), False),
        "当前状态": (["1", "2"], True),
    }
    headers = set(template_headers(template))
    return {header: value for header, value in lists.items() if header in headers}


def typed_value(kind: str, value):
    """A cell's value as Excel types it: a date for a date column, a number for an amount; a text that
    does not read as one stays text (the clerk sees what was given, beside the reason)."""
    if value in (None, "") or kind not in (DATE, NUMBER):
        return value
    try:
        if kind == DATE:
            return parse_date(value)
        amount = parse_amount(value)
    except (ValueError, TypeError):
        return value
    if amount is None:
        return value
    return int(amount) if amount == amount.to_integral_value() and abs(amount) < 10**15 else amount


def template_workbook(template: str, rows: Iterable[list] = (), *, error_column: bool = False) -> bytes:
    """The template as an .xlsx: the data sheet first (typed cells, marked headers, drop-downs for the
    closed lists, ``rows`` below the header — with ``error_column`` the rejected rows of an import,
    their reason last), then the instructions with the allowed values and an example row."""
    columns = template_columns(template)
    instructions = _("Instructions")
    lists = closed_lists(template)
    sheet_rows, list_ranges = _instructions(template, columns, lists, instructions)
    data_columns = [
        Column(
            header=c.header,
            kind=c.kind,
            width=max(12, min(40, 2 * len(c.header) + 4)),
            mark=c.need,
            choices=list_ranges.get(c.header, ""),
            strict=lists.get(c.header, ([], True))[1],
        )
        for c in columns
    ]
    headers = [c.header for c in columns]
    if error_column:
        headers.append(ERROR_COLUMN)
        data_columns.append(Column(header=ERROR_COLUMN, width=60, mark="bold"))
    return xlsx_bytes(
        title=_("Data"),
        headers=headers,
        rows=rows,
        columns=data_columns,
        sheets=[Sheet(instructions, sheet_rows, widths=_instruction_widths(len(lists)))],
    )


def blank_template(template: str) -> bytes:
    """The template as an .xlsx: the empty data sheet first, then the instructions."""
    return template_workbook(template)


LISTS_FIRST_COLUMN = 5  # E: the allowed values, one column per closed list, right of the column table


def _instruction_widths(list_count: int) -> dict[int, float]:
    widths = {1: 40.0, 2: 14.0, 3: 80.0, 4: 4.0}
    widths.update({LISTS_FIRST_COLUMN + i: 22.0 for i in range(list_count)})
    return widths


def _instructions(
    template: str, columns: list[TemplateColumn], lists: dict[str, tuple[list[str], bool]], title: str
) -> tuple[list[list], dict[str, str]]:
    """The instructions sheet's rows, and for each closed list the range holding its values (which the
    data sheet's drop-down reads)."""
    rows: list[list] = [[Styled(_("How to fill in this template"), TITLE)]]
    for line in (
        _(
            "Fill in the first sheet, one row per record, from its second row on. Do not change, move or "
            "delete its header row."
        ),
        _(
            "Headers marked in red: every row fills the column. Marked in yellow: some rows fill it (see "
            "below). The others may be left empty."
        ),
        _("Write dates as YYYY-MM-DD. Save the file as .xlsx, or as .csv in UTF-8."),
        _(
            "Code columns are formatted as text: keep them so (a code Excel turns into a number loses its "
            "last digits). Columns with a closed list offer it in a drop-down; the allowed values are "
            "listed on the right of this sheet."
        ),
        _("This sheet is not imported."),
    ):
        rows.append([line])
    rows.append([])
    table_start = len(rows) + 1
    rows.append([Styled(_("Column"), BOLD), Styled(_("Needed"), BOLD), Styled(_("What to write"), BOLD)])
    needed = {REQUIRED: _("In every row"), SOME_ROWS: _("In some rows"), OPTIONAL: _("No")}
    for column in columns:
        rows.append(
            [Styled(column.header, MARK_STYLES[column.need]), needed[column.need], Styled(column.note, WRAP)]
        )
    rows.append([])
    rows.append([Styled(_("Example row"), BOLD)])
    rows.append([Styled(c.header, MARK_STYLES[c.need]) for c in columns])
    rows.append([typed_value(c.kind, v) for c, v in zip(columns, example_row(template), strict=True)])
    # The allowed values, one column per list, beside the column table.
    ranges: dict[str, str] = {}
    quoted = "'" + title.replace("'", "''") + "'"
    for offset, (header, (values, _single)) in enumerate(lists.items()):
        col = LISTS_FIRST_COLUMN + offset
        cells = [Styled(_("Allowed: %(column)s") % {"column": header}, BOLD)] + list(values)
        for i, value in enumerate(cells):
            row_index = table_start - 1 + i
            while len(rows) <= row_index:
                rows.append([])
            row = rows[row_index]
            while len(row) < col - 1:
                row.append("")
            row.append(value)
        letter = column_letter(col)
        ranges[header] = f"{quoted}!${letter}${table_start + 1}:${letter}${table_start + len(values)}"
    return rows, ranges
