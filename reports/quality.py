"""Department data quality (004 §4(3): departments enter and publish their records within seven
working days; issue 19): per department and month — records entered, the share returned by the
reviewer, records that took effect after their publication deadline, objections filed and upheld,
repairs, and reminders overdue. The county's yearly summary carries the year's figures per department
(``quality_table``); the page and its spreadsheet show them per month."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from objections.models import Objection, ObjectionStatus
from records.models import CreditRecord, RecordStatus, RecordTransition
from reminders.models import Reminder, ReminderStatus

from .tables import Row, Table

MEASURES = ["entered", "returned", "late", "objections", "upheld", "repaired", "reminders_overdue"]
HEADERS = [
    _("Records entered"),
    _("Returned"),
    _("Returned share (%)"),
    _("Published after 7 working days"),
    _("Objections filed"),
    _("Objections upheld"),
    _("Repairs"),
    _("Reminders overdue"),
]


@dataclass
class QualityRow:
    department: Department
    month: int  # 0: the whole year
    counts: dict = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))

    @property
    def returned_share(self) -> float:
        entered = self.counts["entered"]
        return round(100 * self.counts["returned"] / entered, 1) if entered else 0.0

    @property
    def values(self) -> list:
        c = self.counts
        return [
            c["entered"],
            c["returned"],
            self.returned_share,
            c["late"],
            c["objections"],
            c["upheld"],
            c["repaired"],
            c["reminders_overdue"],
        ]


def _by_month(queryset, *, department: str, when: str) -> dict[tuple[int, int], int]:
    rows = (
        queryset.annotate(month=ExtractMonth(when))
        .values_list(department, "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(dept, month): n for dept, month, n in rows}


def department_quality(
    *, year: int, department: Department | None = None, today: datetime.date | None = None
) -> list[QualityRow]:
    """One row per department and month of ``year`` (only months with something to count), the
    departments in their order; six grouped queries whatever the number of departments."""
    today = today or timezone.localdate()
    records = CreditRecord.objects.filter(created_at__year=year)
    transitions = RecordTransition.objects.filter(at__year=year)
    objections = Objection.objects.filter(submitted_at__year=year, record__isnull=False)
    reminders = Reminder.objects.filter(due_date__year=year, status=ReminderStatus.DUE, due_date__lt=today)
    if department is not None:
        records = records.filter(department=department)
        transitions = transitions.filter(record__department=department)
        objections = objections.filter(record__department=department)
        reminders = reminders.filter(department=department)
    counts: dict[tuple[int, int], dict] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    sources = {
        "entered": _by_month(records, department="department_id", when="created_at"),
        "returned": _by_month(
            transitions.filter(to_status=RecordStatus.RETURNED), department="record__department_id", when="at"
        ),
        # 004 §4(3): effective later than its publication deadline (seven working days).
        "late": _by_month(
            transitions.filter(to_status=RecordStatus.EFFECTIVE, at__date__gt=F("record__publish_due")),
            department="record__department_id",
            when="at",
        ),
        "objections": _by_month(objections, department="record__department_id", when="submitted_at"),
        "upheld": _by_month(
            objections.filter(Q(status=ObjectionStatus.UPHELD) | Q(status=ObjectionStatus.PARTLY_UPHELD)),
            department="record__department_id",
            when="submitted_at",
        ),
        "repaired": _by_month(
            transitions.filter(to_status=RecordStatus.REPAIRED), department="record__department_id", when="at"
        ),
        "reminders_overdue": _by_month(reminders, department="department_id", when="due_date"),
    }
    for measure, found in sources.items():
        for key, n in found.items():
            counts[key][measure] += n
    everyone = list(Department.objects.all())  # in their order; a county has a few dozen
    departments = {d.pk: d for d in everyone}
    order = [d.pk for d in everyone]
    rows = [
        QualityRow(department=departments[dept], month=month, counts=values)
        for (dept, month), values in counts.items()
        if dept in departments
    ]
    return sorted(rows, key=lambda r: (order.index(r.department.pk), r.month))


def quality_by_department(rows: list[QualityRow]) -> list[QualityRow]:
    """The year's figures per department (the months added up)."""
    year: dict[int, QualityRow] = {}
    for row in rows:
        total = year.setdefault(row.department.pk, QualityRow(department=row.department, month=0))
        for measure in MEASURES:
            total.counts[measure] += row.counts[measure]
    return list(year.values())


def quality_table(
    *, year: int, department: Department | None = None, today: datetime.date | None = None
) -> Table:
    """The yearly summary's table of department data quality: the county's, one row per department;
    a department's own, one row per month."""
    found = department_quality(year=year, department=department, today=today)
    if department is None:
        rows = quality_by_department(found)
        lines = [Row(label=r.department.name, key=r.department.code, values=r.values) for r in rows]
    else:
        rows = found
        lines = [Row(label=f"{year}-{r.month:02d}", key=str(r.month), values=r.values) for r in rows]
    table = Table(
        key="quality",
        title=_("Department data quality"),
        headers=[_("Department") if department is None else _("Month")] + HEADERS,
        rows=lines,
        note=_(
            "Records entered in the year; returned by the reviewer; taking effect after the 7-working-day "
            "publication deadline (004 §4(3)); objections filed and upheld; repairs; reminders overdue."
        ),
    )
    total = QualityRow(department=None, month=0)  # type: ignore[arg-type]
    for row in rows:
        for measure in MEASURES:
            total.counts[measure] += row.counts[measure]
    table.totals = total.values
    return table
