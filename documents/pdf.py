"""Drawing a document as PDF (ReportLab), from what it states.

One layout for every document: a header with the issuing office and the title, the 文号 of a letter
if it has one, whom it is issued to, the blocks it states (paragraphs and tables), and a footer on
every page with the document number, the date of issue, the verification code and a QR code pointing
at the public check (SPEC §5 Documents, §7). The same input gives the same bytes (ReportLab's
``invariant`` mode: no creation time, no random id), so a letter can be drawn again from what it stated
and still match the SHA-256 kept when it was issued.

Fonts: Noto Sans SC (SIL OFL 1.1, converted to TrueType outlines, which ReportLab embeds), and for the
rare ideographs it lacks (𠮷 and other CJK Extension B characters) a supplement cut from Noto Sans JP;
both ship in ``documents/fonts`` (``build.py`` there says how they were made). Only the glyphs used
are embedded, so a report stays small.
"""

import gzip
import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_DIR = Path(__file__).resolve().parent / "fonts"
MAIN_FONT = "NotoSansSC"
SUPPLEMENT_FONT = "NotoSansJPSupplement"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode map, with characters beyond the Basic Multilingual Plane written as UTF-16
    surrogate pairs as the PDF standard asks (ReportLab writes their code point, which a reader takes
    for another character): so 𠮷 is copied and extracted as 𠮷."""

    def utf16(value: int) -> str:
        return "".join(f"{unit:04X}" for unit in _utf16_units(value))

    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def _utf16_units(value: int) -> tuple[int, ...]:
    if value < 0x10000:
        return (value,)
    value -= 0x10000
    return (0xD800 + (value >> 10), 0xDC00 + (value & 0x3FF))


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@lru_cache(maxsize=1)
def fonts_register() -> frozenset[int]:
    """Register the two fonts once per process; the code points the main font draws."""
    main = ttfonts.TTFont(
        MAIN_FONT, io.BytesIO(gzip.decompress((FONT_DIR / "NotoSansSC-Regular.ttf.gz").read_bytes()))
    )
    supplement = ttfonts.TTFont(SUPPLEMENT_FONT, str(FONT_DIR / "NotoSansJP-Supplement.ttf"))
    pdfmetrics.registerFont(main)
    pdfmetrics.registerFont(supplement)
    return frozenset(main.face.charToGlyph)


def markup(text: str) -> str:
    """``text`` as Paragraph markup: escaped, line breaks kept, and each run of characters the main
    font lacks set in the supplement font."""
    covered = fonts_register()
    out: list[str] = []
    for line_no, line in enumerate(str(text).split("\n")):
        if line_no:
            out.append("<br/>")
        run: list[str] = []
        in_supplement = False
        for char in line:
            missing = ord(char) not in covered and ord(char) > 0x2E7F
            if missing != in_supplement and run:
                chunk = escape("".join(run))
                out.append(f'<font face="{SUPPLEMENT_FONT}">{chunk}</font>' if in_supplement else chunk)
                run = []
            in_supplement = missing
            run.append(char)
        if run:
            chunk = escape("".join(run))
            out.append(f'<font face="{SUPPLEMENT_FONT}">{chunk}</font>' if in_supplement else chunk)
    return "".join(out)


def _styles() -> dict[str, ParagraphStyle]:
    fonts_register()
    base = ParagraphStyle("body", fontName=MAIN_FONT, fontSize=10.5, leading=16, wordWrap="CJK", spaceAfter=3)
    return {
        "body": base,
        "office": ParagraphStyle("office", parent=base, fontSize=12, alignment=TA_CENTER, leading=18),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER),
        "wenhao": ParagraphStyle("wenhao", parent=base, alignment=TA_CENTER),
        "heading": ParagraphStyle(
            "heading", parent=base, fontSize=12.5, leading=20, spaceBefore=8, spaceAfter=3, keepWithNext=1
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5, spaceAfter=0),
        "head_cell": ParagraphStyle(
            "head_cell", parent=base, fontSize=8.5, leading=11.5, spaceAfter=0, textColor=colors.white
        ),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_RIGHT),
    }


def _table(block: dict, styles: dict, width: float):
    columns = block.get("columns") or []
    rows = block.get("rows") or []
    data = [[Paragraph(markup(c), styles["head_cell"]) for c in columns]]
    data += [[Paragraph(markup(cell), styles["cell"]) for cell in row] for row in rows]
    table = Table(data, colWidths=[width / max(1, len(columns))] * len(columns), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#33506e")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _flowables(*, office: str, title: str, stated: dict, styles: dict, width: float) -> Iterable:
    yield Paragraph(markup(office), styles["office"])
    yield Paragraph(markup(title), styles["title"])
    if stated.get("wenhao"):
        yield Paragraph(markup(stated["wenhao"]), styles["wenhao"])
    yield Spacer(1, 4 * mm)
    for line in stated.get("intro") or []:
        yield Paragraph(markup(line), styles["body"])
    for block in stated.get("blocks") or []:
        if block.get("heading"):
            yield Paragraph(markup(block["heading"]), styles["heading"])
        for line in block.get("text") or []:
            yield Paragraph(markup(line), styles["body"])
        if block.get("columns"):
            if block.get("rows"):
                yield _table(block, styles, width)
            else:
                yield Paragraph(markup(block.get("empty") or "—"), styles["body"])
    if stated.get("sign"):
        yield Spacer(1, 8 * mm)
    for line in stated.get("sign") or []:
        yield Paragraph(markup(line), styles["sign"])


def _draw_qr(canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (no image library, the same bytes every time)."""
    qr = segno.make(url, error="m", micro=False)
    matrix = list(qr.matrix_iter(border=0))
    module = size / len(matrix)
    canvas.setFillColor(colors.black)
    for row_no, row in enumerate(matrix):
        for col_no, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + col_no * module, y + size - (row_no + 1) * module, module, module, stroke=0, fill=1
                )


def pdf_render(
    *,
    number: str,
    verification_code: str,
    office: str,
    title: str,
    issued_on: str,
    verify_url: str,
    stated: dict,
    footer_labels: dict[str, str],
) -> bytes:
    """The PDF of a document: the same arguments give the same bytes."""
    styles = _styles()
    buffer = io.BytesIO()
    left = right = 18 * mm
    width = A4[0] - left - right
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=left,
        rightMargin=right,
        topMargin=16 * mm,
        bottomMargin=34 * mm,
        title=f"{title} {number}",
        author=office,
        subject=number,
        creator="creditreg",
        invariant=1,
    )
    footer = [
        f"{footer_labels['number']}：{number}",
        f"{footer_labels['issued']}：{issued_on}    {footer_labels['code']}：{verification_code}",
        f"{footer_labels['check']}：{verify_url}",
    ]

    def on_page(canvas, document):
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#9aa7b4"))
        canvas.line(left, 30 * mm, A4[0] - right, 30 * mm)
        canvas.setFont(MAIN_FONT, 8)
        y = 25 * mm
        for line in footer:
            canvas.drawString(left, y, line)
            y -= 4.5 * mm
        canvas.drawRightString(A4[0] - right - 26 * mm, 10 * mm, f"{document.page}")
        _draw_qr(canvas, verify_url, A4[0] - right - 22 * mm, 6 * mm, 22 * mm)
        canvas.restoreState()

    doc.build(
        list(_flowables(office=office, title=title, stated=stated, styles=styles, width=width)),
        onFirstPage=on_page,
        onLaterPages=on_page,
    )
    return buffer.getvalue()
