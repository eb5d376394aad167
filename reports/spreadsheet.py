"""The yearly summary as a Chinese ``.xlsx`` workbook (003 §6(1), 004 §7(4)).

One sheet per part: an overview, subjects by grade and class against last year, the changes from last
year, and one sheet per table (records by kind, by department, and the work sections). Every table ends
with a 合计 row. Labels come from the translation catalogue and the workbook is always written in the
site's language (Chinese), whoever or whatever asks for it.
"""

import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .selectors import GradeSection, Summary
from .tables import Table

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The tables drawn as a native chart beside them (their first column of figures).
CHARTED_TABLES = {"records", "departments", "quality"}


def summary_title(summary: Summary) -> str:
    return _("Credit grading and classification work summary %(year)s (%(scope)s)") % {
        "year": summary.year,
        "scope": summary.scope_name,
    }


def _sheet_name(text: str) -> str:
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    return text[:31]


def _plain(value):
    return str(value) if isinstance(value, Promise) else value


def _put(ws, row: int, column: int, value):
    """A cell whose text stays text: openpyxl turns a string starting with ``=`` into a formula, and a
    department or kind name is entered by people (SPEC §6: what we write back is what was entered)."""
    cell = ws.cell(row=row, column=column, value=_plain(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def _header(ws, row: int, values: list) -> int:
    for col, value in enumerate(values, start=1):
        cell = _put(ws, row, col, value)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    return row + 1


def _line(ws, row: int, values: list, *, bold: bool = False) -> int:
    for col, value in enumerate(values, start=1):
        cell = _put(ws, row, col, value)
        if bold:
            cell.font = BOLD
    return row + 1


def _widths(ws, first: int = 22, others: int = 12) -> None:
    ws.column_dimensions["A"].width = first
    for col in range(2, max(ws.max_column, 2) + 1):
        ws.column_dimensions[get_column_letter(col)].width = others


def _run_text(run) -> str:
    if run is None:
        return _("no yearly evaluation")
    return f"{run.as_of:%Y-%m-%d} · {run.get_status_display()}"


def _overview(ws, summary: Summary) -> None:
    _put(ws, 1, 1, summary_title(summary)).font = TITLE
    generated = timezone.localtime(summary.generated_at or timezone.now())
    row = 3
    for label, value in [
        (_("Year"), summary.year),
        (_("Scope"), summary.scope_name),
        (_("Generated at"), f"{generated:%Y-%m-%d %H:%M}"),
    ]:
        row = _line(ws, row, [label, value])
    row += 1
    row = _header(
        ws,
        row,
        [
            _("Grading scheme"),
            _("This year's evaluation"),
            _("Last year's evaluation"),
            _("Subjects graded"),
            _("Last year"),
        ],
    )
    for section in summary.grade_sections:
        row = _line(
            ws,
            row,
            [
                section.title,
                _run_text(section.run),
                _run_text(section.previous),
                section.total_now,
                section.total_before,
            ],
        )
    if not summary.grade_sections:
        row = _line(ws, row, [_("No yearly evaluation in this year or the year before.")])
    _widths(ws, 30, 24)


def _grades(ws, sections: list[GradeSection]) -> None:
    row = 1
    for section in sections:
        _put(ws, row, 1, section.title).font = BOLD
        title_row = row
        row = _header(
            ws, row + 1, [_("Grade"), _("Class"), _("This year"), _("Last year"), _("Increase or decrease")]
        )
        first = row
        for level in section.levels:
            row = _line(
                ws, row, [level.grade or _("not graded"), level.label, level.now, level.before, level.delta]
            )
        if section.levels:
            # A native Excel chart beside the table (issue 19): this year against last year by grade.
            _bar_chart(
                ws,
                title=section.title,
                categories=(1, first, row - 1),
                series=[(3, first - 1, row - 1), (4, first - 1, row - 1)],
                anchor=f"G{title_row}",
            )
        row = _line(
            ws,
            row,
            [
                _("Total"),
                "",
                section.total_now,
                section.total_before,
                section.total_now - section.total_before,
            ],
            bold=True,
        )
        row = _header(
            ws,
            row + 1,
            [_("Class"), _("Grades in the class"), _("This year"), _("Last year"), _("Increase or decrease")],
        )
        for item in section.classes:
            row = _line(ws, row, [item.label, "、".join(item.grades), item.now, item.before, item.delta])
        row = _line(
            ws,
            row,
            [
                _("Total"),
                "",
                sum(c.now for c in section.classes),
                sum(c.before for c in section.classes),
                sum(c.delta for c in section.classes),
            ],
            bold=True,
        )
        row += 2
    _widths(ws, 24, 14)


def _changes(ws, sections: list[GradeSection]) -> None:
    row = 1
    for section in sections:
        _put(ws, row, 1, section.title).font = BOLD
        row += 1
        if section.previous is None or section.run is None:
            row = _line(ws, row, [_("No evaluation of last year to compare with.")]) + 1
            continue
        row = _header(
            ws,
            row,
            [
                _("Upgraded"),
                _("Downgraded"),
                _("Unchanged"),
                _("Newly graded"),
                _("Other changes"),
                _("Total"),
            ],
        )
        counts = [
            section.upgraded,
            section.downgraded,
            section.unchanged,
            section.newly_graded,
            section.other_changes,
        ]
        row = _line(ws, row, counts + [sum(counts)])
        row += 1
        labels = [c.label for c in section.classes]
        row = _header(ws, row, [_("Last year's class → this year's class")] + labels + [_("Total")])
        for label, values in section.matrix:
            row = _line(ws, row, [label] + values + [sum(values)])
        row += 2
    _widths(ws, 30, 14)


def _bar_chart(ws, *, title: str, categories: tuple, series: list[tuple], anchor: str) -> None:
    """A clustered bar chart of the sheet's own cells: ``categories`` (column, first row, last row),
    each series (column, header row, last row) titled by its header cell."""
    chart = BarChart()
    chart.type, chart.grouping, chart.title = "col", "clustered", str(title)[:80]
    chart.height, chart.width = 7.5, 16
    for column, header, last in series:
        chart.add_data(Reference(ws, min_col=column, min_row=header, max_row=last), titles_from_data=True)
    column, first, last = categories
    chart.set_categories(Reference(ws, min_col=column, min_row=first, max_row=last))
    ws.add_chart(chart, anchor)


def _table(ws, table: Table) -> None:
    _put(ws, 1, 1, str(table.title)).font = BOLD
    row = 2
    if table.note:
        row = _line(ws, row, [table.note])
    row = _header(ws, row + 1, table.headers)
    first = row
    for item in table.rows:
        row = _line(ws, row, [item.label] + item.values)
    if table.rows and table.key in CHARTED_TABLES:
        _bar_chart(
            ws,
            title=str(table.title),
            categories=(1, first, row - 1),
            series=[(2, first - 1, row - 1)],
            anchor=f"{get_column_letter(len(table.headers) + 2)}2",
        )
    if table.totals is not None:
        _line(ws, row, [_("Total")] + table.totals, bold=True)
    _widths(ws, 26, 12)


def summary_workbook(*, summary: Summary) -> bytes:
    """The workbook's bytes, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        wb = Workbook()
        overview = wb.active
        overview.title = _sheet_name(_("Overview"))
        _overview(overview, summary)
        if summary.grade_sections:
            _grades(wb.create_sheet(_sheet_name(_("Subjects by grade"))), summary.grade_sections)
            _changes(wb.create_sheet(_sheet_name(_("Changes from last year"))), summary.grade_sections)
        for table in summary.tables:
            _table(wb.create_sheet(_sheet_name(str(table.title))), table)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
