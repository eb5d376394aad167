"""The year's supervision work in the summary: measures applied, reminders and interviews, objections,
credit repair, the departments' own red and black lists (003 §6(1), 004 §7(4); SPEC §3.6).

Each table has one row per department for the county's summary, or the department's own row, and
its columns are conditional counts of one ``GROUP BY department`` query. Which rows belong to a year
(the seeds are silent; our choice): measures applied on a day of the year; reminders and interviews
falling due in the year; objections, repair applications and department listings filed (proposed) in
the year. "On time" compares the
day of the decision (in the county's time zone) with the deadline the application carried.
"""

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from measures.models import DepartmentListing, ListingStatus, ListType, MeasureApplication, MeasureKind
from objections.models import Objection, ObjectionStatus, ObjectionTarget
from reminders.models import Reminder, ReminderMethod, ReminderStatus
from repair.models import RepairApplication, RepairStatus

from .tables import Row, Table


def department_table(
    *,
    key: str,
    title,
    queryset: QuerySet,
    columns: list[tuple[object, Q | None]],
    department: Department | None,
    departments: list[Department],
    note="",
) -> Table:
    """Rows: every active department (or any department with rows), or only ``department``; columns:
    ``Count`` of the rows matching each filter (``None``: all rows)."""
    if department is not None:
        queryset = queryset.filter(department=department)
    aggregates = {f"c{i}": Count("id", filter=q) for i, (_header, q) in enumerate(columns)}
    counts = {
        row["department_id"]: [row[f"c{i}"] for i in range(len(columns))]
        for row in queryset.values("department_id").annotate(**aggregates).order_by()
    }
    if department is not None:
        shown = [department]
    else:  # every active department, and an inactive one that still has rows
        shown = [d for d in departments if d.is_active or d.pk in counts]
    table = Table(
        key=key,
        title=title,
        headers=[_("Department")] + [header for header, _q in columns],
        rows=[Row(label=d.name, key=d.code, values=counts.get(d.pk, [0] * len(columns))) for d in shown],
        note=note,
    )
    table.totals = [table.total(i) for i in range(len(columns))]
    return table


def _on_time(deadline: str) -> Q:
    return Q(decided_at__date__lte=F(deadline))


def _late(deadline: str) -> Q:
    return Q(decided_at__date__gt=F(deadline))


def measures_table(*, year: int, department: Department | None, departments: list[Department]) -> Table:
    """Measures applied in the year (004 §6(3): each application with its outcome)."""
    outcome = MeasureApplication.Outcome
    return department_table(
        key="measures",
        title=_("Measures applied"),
        queryset=MeasureApplication.objects.filter(applied_on__year=year),
        columns=[
            (_("Applications"), None),
            (_("Incentive"), Q(measure__kind=MeasureKind.INCENTIVE)),
            (_("Management"), Q(measure__kind=MeasureKind.MANAGEMENT)),
            (_("Punishment"), Q(measure__kind=MeasureKind.PUNISHMENT)),
            (_("Subject rectified"), Q(outcome=outcome.RECTIFIED)),
            (_("Not applied"), Q(outcome=outcome.NOT_APPLICABLE)),
        ],
        department=department,
        departments=departments,
        note=_("Measures recorded as applied on a day of the year, by the department that applied them."),
    )


def reminders_table(
    *, year: int, department: Department | None, today: datetime.date, departments: list[Department]
) -> Table:
    """Credit reminders and interviews falling due in the year, and how they were carried out
    (000 Art. 12, 001 Art. 14, 004 §6(2))."""
    carried_out = Q(status__in=[ReminderStatus.DONE, ReminderStatus.RECTIFIED, ReminderStatus.ESCALATED])
    return department_table(
        key="reminders",
        title=_("Credit reminders and interviews"),
        queryset=Reminder.objects.filter(due_date__year=year),
        columns=[
            (_("Falling due"), None),
            (_("Oral reminders"), carried_out & Q(method=ReminderMethod.ORAL)),
            (_("Written reminders"), carried_out & Q(method=ReminderMethod.WRITTEN)),
            (_("Interviews held"), carried_out & Q(method=ReminderMethod.INTERVIEW)),
            (_("Rectified"), Q(status=ReminderStatus.RECTIFIED)),
            (_("Not rectified in time"), Q(status=ReminderStatus.ESCALATED)),
            (_("Still due"), Q(status=ReminderStatus.DUE)),
            (_("Of them overdue"), Q(status=ReminderStatus.DUE, due_date__lt=today)),
            (_("Cancelled"), Q(status=ReminderStatus.CANCELLED)),
        ],
        department=department,
        departments=departments,
        note=_("Reminders and interviews falling due in the year, by the determining department."),
    )


def objections_table(
    *, year: int, department: Department | None, today: datetime.date, departments: list[Department]
) -> Table:
    """Objections filed in the year and whether they were decided within their 5-working-day deadline
    (003 §5(2))."""
    decided = Q(status__in=[ObjectionStatus.UPHELD, ObjectionStatus.PARTLY_UPHELD, ObjectionStatus.REJECTED])
    open_ = Q(status__in=[ObjectionStatus.SUBMITTED, ObjectionStatus.ACCEPTED])
    return department_table(
        key="objections",
        title=_("Objections"),
        queryset=Objection.objects.filter(submitted_at__year=year),
        columns=[
            (_("Filed"), None),
            (_("Against records"), Q(target=ObjectionTarget.RECORD)),
            (_("Against grades"), Q(target=ObjectionTarget.GRADE)),
            (_("Upheld"), Q(status=ObjectionStatus.UPHELD)),
            (_("Partly upheld"), Q(status=ObjectionStatus.PARTLY_UPHELD)),
            (_("Objection rejected"), Q(status=ObjectionStatus.REJECTED)),
            (_("Decided on time"), decided & _on_time("deadline")),
            (_("Decided late"), decided & _late("deadline")),
            (_("Open"), open_),
            (_("Open past the deadline"), open_ & Q(deadline__lt=today)),
        ],
        department=department,
        departments=departments,
        note=_(
            "Objections filed in the year, by the handling department; on time means decided by the deadline."
        ),
    )


def repairs_table(
    *, year: int, department: Department | None, today: datetime.date, departments: list[Department]
) -> Table:
    """Credit repair applications filed in the year (003 §5(3), 004 §6(6))."""
    decided = Q(status__in=[RepairStatus.APPROVED, RepairStatus.REFUSED])
    open_ = Q(status__in=[RepairStatus.SUBMITTED, RepairStatus.ACCEPTED])
    return department_table(
        key="repairs",
        title=_("Credit repair"),
        queryset=RepairApplication.objects.filter(submitted_at__year=year),
        columns=[
            (_("Filed"), None),
            (_("Repair approved"), Q(status=RepairStatus.APPROVED)),
            (_("Repair refused"), Q(status=RepairStatus.REFUSED)),
            (_("Withdrawn"), Q(status=RepairStatus.WITHDRAWN)),
            (_("Decided on time"), decided & _on_time("due_on")),
            (_("Decided late"), decided & _late("due_on")),
            (_("Open"), open_),
            (_("Open past the deadline"), open_ & Q(due_on__lt=today)),
        ],
        department=department,
        departments=departments,
        note=_("Repair applications filed in the year, by the department that determined the record."),
    )


def listings_table(*, year: int, department: Department | None, departments: list[Department]) -> Table:
    """A department's own red and black listings proposed in the year and what became of them (002 §3(1),
    §4(3); SPEC §3.6): the credit office sees every department's."""
    return department_table(
        key="listings",
        title=_("Department red and black lists"),
        queryset=DepartmentListing.objects.filter(proposed_at__year=year),
        columns=[
            (_("Proposed"), None),
            (_("Black lists"), Q(list_type=ListType.BLACK)),
            (_("Red lists"), Q(list_type=ListType.RED)),
            (_("Subject stated its case"), ~Q(statement="")),
            (_("Not listed after the statement"), Q(status=ListingStatus.DROPPED)),
            (_("In force"), Q(status=ListingStatus.EFFECTIVE)),
            (_("Ended"), Q(status=ListingStatus.ENDED)),
            (_("Still being decided"), Q(status__in=[ListingStatus.PROPOSED, ListingStatus.RETURNED])),
            (_("Subject being heard"), Q(status__in=[ListingStatus.HEARING, ListingStatus.STATEMENT])),
        ],
        department=department,
        departments=departments,
        note=_("Listings proposed in the year on a department's own red or black list, by that department."),
    )


def work_tables(*, year: int, department: Department | None, today: datetime.date) -> list[Table]:
    departments = [] if department is not None else list(Department.objects.all())  # one query for all
    return [
        measures_table(year=year, department=department, departments=departments),
        reminders_table(year=year, department=department, today=today, departments=departments),
        objections_table(year=year, department=department, today=today, departments=departments),
        repairs_table(year=year, department=department, today=today, departments=departments),
        listings_table(year=year, department=department, departments=departments),
    ]
