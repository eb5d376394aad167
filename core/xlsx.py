"""A minimal, fast writer of ``.xlsx`` files (Office Open XML, inline strings).

The delivery of a 100,000-grade run writes 100,000 spreadsheet rows; openpyxl's write-only mode
spends ~2.5 ms per row building an element tree, which alone would take minutes. This writer streams
the sheet XML as text into the zip member (about 20× faster, memory bounded by one row); the files
open in Excel, WPS and openpyxl alike (the tests read them back with openpyxl).

Every text is written as an inline string: a cell whose text starts with ``=``, ``+``, ``-`` or ``@``
stays that text and never becomes a formula, so a workbook uploaded again reads the same values.
Without column types, only numbers are numeric cells and dates are written as ``YYYY-MM-DD`` text.

With ``columns`` (``Column``) the first sheet is typed the way a clerk's Excel types it: a ``DATE``
column holds date cells (shown ``yyyy-mm-dd``), a ``NUMBER`` column numbers, a ``CODE`` column text
cells formatted as text (``@``) — also the cells still empty, so an identity number typed in later
stays text instead of losing its last digits to a 15-digit float; the header cells carry a mark
(required, some rows, optional) as a fill, and a column with a closed list has a drop-down (a data
validation reading the list from a range, usually on an instructions sheet). Further small sheets
(``Sheet``) follow the first one, their cells plain values or ``Styled``.
"""

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

# Column types.
TEXT, CODE, DATE, NUMBER = "text", "code", "date", "number"
# Cell styles (indexes into cellXfs of STYLES).
PLAIN, DATE_STYLE, TEXT_STYLE, REQUIRED, SOME_ROWS, OPTIONAL, BOLD, TITLE, WRAP = range(9)
MARK_STYLES = {"required": REQUIRED, "some_rows": SOME_ROWS, "optional": OPTIONAL, "bold": BOLD}

STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="5">'
    '<font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><color rgb="FF7F6000"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="13"/><name val="Calibri"/></font>'
    "</fonts>"
    '<fills count="5">'
    '<fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF4B6B6"/><bgColor rgb="FFF4B6B6"/></patternFill></fill>'  # noqa: E501
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFE699"/><bgColor rgb="FFFFE699"/></patternFill></fill>'  # noqa: E501
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE7E6E6"/><bgColor rgb="FFE7E6E6"/></patternFill></fill>'  # noqa: E501
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="4" borderId="0" xfId="0" applyFill="1" '
    'applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="4" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
FROZEN_HEADER = (
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
    'state="frozen"/></sheetView></sheetViews>'
)
# Characters XML 1.0 does not allow (control characters other than tab, newline, carriage return).
# The control characters XML 1.0 forbids (all below 32 but tab, line feed and carriage return). A
# regular expression: ``str.translate`` with a table walks a Chinese text ten times slower.
_remove_illegal = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]").sub
EXCEL_EPOCH = datetime.date(1899, 12, 30)
LAST_ROW = 1_048_576


@dataclass(frozen=True)
class Column:
    """A column of the first sheet: its header, the type of its cells, its width, the mark of its
    header cell (``MARK_STYLES``), and for a closed list the range its drop-down reads (a formula such
    as ``'说明'!$F$2:$F$5``); ``strict`` refuses other values, else the list only offers them."""

    header: str
    kind: str = TEXT
    width: float = 0
    mark: str = ""
    choices: str = ""
    strict: bool = True
    prompt: str = ""


@dataclass(frozen=True)
class Styled:
    value: object
    style: int


@dataclass
class Sheet:
    """A small sheet after the first one: rows of values or ``Styled`` cells, widths by column index
    (1-based)."""

    title: str
    rows: list[list] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape(text: str) -> str:
    return _remove_illegal("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_cell(value, style: int) -> str:
    text = _escape(str(value))
    s = f' s="{style}"' if style else ""
    return f'<c t="inlineStr"{s}><is><t xml:space="preserve">{text}</t></is></c>'


def _row(row: Sequence, kinds: Sequence[str]) -> str:
    """One ``<row>``. A non-empty text in an untyped column — most cells of a large sheet — is written
    here; every other cell by ``_cell``."""
    typed = len(kinds)
    cells = []
    for i, value in enumerate(row):
        if value.__class__ is str and value and (i >= typed or kinds[i] == TEXT):
            cells.append(f'<c t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>')
        else:
            cells.append(_cell(value, PLAIN, kinds[i] if i < typed else TEXT))
    return "<row>" + "".join(cells) + "</row>"


def _cell(value, style: int = PLAIN, kind: str = TEXT) -> str:
    if isinstance(value, Styled):
        value, style = value.value, value.style
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f"<c{s}/>"
    if isinstance(value, bool):
        return f'<c t="b"{s}><v>{int(value)}</v></c>'
    if kind == CODE:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return _text_cell(value, style or TEXT_STYLE)
    if isinstance(value, int | float | Decimal):
        return f"<c{s}><v>{value}</v></c>"
    if isinstance(value, datetime.date):
        if kind == DATE:
            day = value.date() if isinstance(value, datetime.datetime) else value
            return f'<c s="{style or DATE_STYLE}"><v>{(day - EXCEL_EPOCH).days}</v></c>'
        value = value.isoformat()
    return _text_cell(value, style)


def _sheet_frame(*, widths: dict[int, tuple[float, int]], frozen: bool) -> str:
    head = SHEET_HEAD + (FROZEN_HEADER if frozen else "")
    if widths:
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w or 12}" customWidth="1"'
            + (f' style="{st}"/>' if st else "/>")
            for i, (w, st) in sorted(widths.items())
        )
        head += f"<cols>{cols}</cols>"
    return head + "<sheetData>"


def _validations(columns: Sequence[Column]) -> str:
    items = []
    for index, column in enumerate(columns, start=1):
        if not column.choices:
            continue
        letter = column_letter(index)
        prompt = (
            f' showInputMessage="1" prompt="{escape(column.prompt[:255], {chr(34): "&quot;"})}"'
            if column.prompt
            else ""
        )
        items.append(
            f'<dataValidation type="list" allowBlank="1" showErrorMessage="{int(column.strict)}"{prompt} '
            f'sqref="{letter}2:{letter}{LAST_ROW}"><formula1>{escape(column.choices)}</formula1></dataValidation>'
        )
    if not items:
        return ""
    return f'<dataValidations count="{len(items)}">{"".join(items)}</dataValidations>'


def xlsx_write(
    out,
    *,
    title: str,
    headers: list[str],
    rows: Iterable[list],
    columns: Sequence[Column] | None = None,
    sheets: Sequence[Sheet] = (),
) -> None:
    """Write the sheet named ``title`` (the header row, then ``rows``), then ``sheets``, into the
    binary file ``out``; ``rows`` may be a generator: it is consumed one row at a time. ``columns``
    (by position, may be shorter than ``headers``) types the first sheet."""
    titles = [title] + [s.title for s in sheets]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(titles)))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook(titles))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(titles)))
        archive.writestr("xl/styles.xml", STYLES)
        kinds = [c.kind for c in columns or ()]
        marks = [MARK_STYLES.get(c.mark, PLAIN) for c in columns or ()]
        widths = {
            i: (c.width, TEXT_STYLE if c.kind == CODE else DATE_STYLE if c.kind == DATE else PLAIN)
            for i, c in enumerate(columns or (), start=1)
            if c.width or c.kind in (CODE, DATE)
        }
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            parts = [_sheet_frame(widths=widths, frozen=bool(columns))]
            header = "".join(
                _cell(v, marks[i] if i < len(marks) else (BOLD if columns else PLAIN))
                for i, v in enumerate(headers)
            )
            parts.append(f"<row>{header}</row>")
            size = 0
            for row in rows:
                text = _row(row, kinds)
                parts.append(text)
                size += len(text)
                if size > 1 << 20:
                    sheet.write("".join(parts).encode("utf-8"))
                    parts, size = [], 0
            parts.append("</sheetData>" + _validations(columns or ()) + "</worksheet>")
            sheet.write("".join(parts).encode("utf-8"))
        for number, extra in enumerate(sheets, start=2):
            # A date on a further sheet is a date cell too (an example row shows what to type).
            body = "".join(
                "<row>"
                + "".join(_cell(v, PLAIN, DATE if isinstance(v, datetime.date) else TEXT) for v in row)
                + "</row>"
                for row in extra.rows
            )
            frame = _sheet_frame(widths={i: (w, PLAIN) for i, w in extra.widths.items()}, frozen=False)
            archive.writestr(f"xl/worksheets/sheet{number}.xml", frame + body + "</sheetData></worksheet>")


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook(titles: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(t[:31], {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
        for n, t in enumerate(titles, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(count: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{n}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    styles = (
        f'<Relationship Id="rId{count + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{rels}{styles}</Relationships>"
    )


def xlsx_bytes(
    *,
    title: str,
    headers: list[str],
    rows: Iterable[list],
    columns: Sequence[Column] | None = None,
    sheets: Sequence[Sheet] = (),
) -> bytes:
    """The sheet named ``title`` (the header row, then ``rows``), then ``sheets``."""
    buffer = io.BytesIO()
    xlsx_write(buffer, title=title, headers=headers, rows=rows, columns=columns, sheets=sheets)
    return buffer.getvalue()
