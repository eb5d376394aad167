"""The plain tables of the yearly summary (records by kind, the year's work, records by department):
the page and the spreadsheet render the same tables, whichever module counted them."""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass
class Row:
    label: str
    values: list
    key: str = ""


@dataclass
class Table:
    """A titled table with a totals row; the page and the spreadsheet render the same tables."""

    key: str
    title: str | Promise  # the labels are translated when shown (gettext_lazy)
    headers: list[str | Promise]
    rows: list[Row]
    totals: list | None = None
    note: str | Promise = ""

    def total(self, column: int) -> int:
        return sum(row.values[column] for row in self.rows)
