"""A minimal, fast writer of one-sheet ``.xlsx`` files (Office Open XML, inline strings).

The delivery of a 100,000-grade run writes 100,000 spreadsheet rows; openpyxl's write-only mode
spends ~2.5 ms per row building an element tree, which alone would take minutes. This writer streams
the sheet XML as text into the zip member (about 20× faster, memory bounded by one row); the files
open in Excel, WPS and openpyxl alike (the tests read them back with openpyxl).

Every text is written as an inline string: a cell whose text starts with ``=``, ``+``, ``-`` or ``@``
stays that text and never becomes a formula, so a workbook uploaded again reads the same values.
Only numbers are numeric cells; dates are written as ``YYYY-MM-DD`` text, the form intake reads.
"""

import datetime
import io
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"
# Characters XML 1.0 does not allow (control characters other than tab, newline, carriage return).
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}


def _cell(value) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, datetime.date):
        value = value.isoformat()
    text = escape(str(value).translate(_ILLEGAL))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def xlsx_write(out, *, title: str, headers: list[str], rows: Iterable[list]) -> None:
    """Write one sheet named ``title`` (the header row, then ``rows``) into the binary file ``out``;
    ``rows`` may be a generator: it is consumed one row at a time."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=escape(title, {'"': "&quot;"})))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            parts = [SHEET_HEAD]
            size = 0
            for row in _chain(headers, rows):
                text = "<row>" + "".join(_cell(v) for v in row) + "</row>"
                parts.append(text)
                size += len(text)
                if size > 1 << 20:
                    sheet.write("".join(parts).encode("utf-8"))
                    parts, size = [], 0
            parts.append(SHEET_TAIL)
            sheet.write("".join(parts).encode("utf-8"))


def _chain(first: list, rest: Iterable[list]):
    yield first
    yield from rest


def xlsx_bytes(*, title: str, headers: list[str], rows: Iterable[list]) -> bytes:
    """One sheet named ``title``: the header row, then ``rows``."""
    buffer = io.BytesIO()
    xlsx_write(buffer, title=title, headers=headers, rows=rows)
    return buffer.getvalue()
