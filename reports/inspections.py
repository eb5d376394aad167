"""Random inspections in the yearly summary (003 §3(4), §4, §6(1); SPEC §5): the inspections of the
year's drawn plans per department and grade at the draw, and per grade against the per-year caps
(the caps hold across every plan of every department; "most of one subject" shows they held)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from inspections.draw import GRADES
from inspections.selectors import caps_by_grade, inspections_by_department, inspections_by_grade

from .tables import Row, Table


def inspection_tables(*, year: int, department: Department | None) -> list[Table]:
    """The two tables, from one count per grade (four queries for the county)."""
    departments = [] if department is not None else list(Department.objects.all())
    by_grade = inspections_by_grade(year=year, department_id=getattr(department, "pk", None))
    return [
        inspections_table(year=year, department=department, departments=departments, by_grade=by_grade),
        inspection_caps_table(department=department, by_grade=by_grade),
    ]


def inspections_table(
    *, year: int, department: Department | None, departments: list[Department], by_grade: dict
) -> Table:
    """Rows: departments (a joint plan's inspection counts for each of its departments); the totals
    are the county's, where a joint inspection counts once."""
    counts = inspections_by_department(year=year, department_id=getattr(department, "pk", None))
    shown = (
        [department]
        if department is not None
        else [d for d in departments if d.is_active or any(key[0] == d.pk for key in counts)]
    )
    return Table(
        key="inspections",
        title=_("Random inspections by grade at the draw"),
        headers=[_("Department")] + list(GRADES) + [_("All grades")],
        rows=[
            Row(
                label=d.name,
                key=d.code,
                values=[counts.get((d.pk, g), 0) for g in GRADES]
                + [sum(counts.get((d.pk, g), 0) for g in GRADES)],
            )
            for d in shown
        ],
        totals=[by_grade[g]["inspections"] for g in GRADES]
        + [sum(by_grade[g]["inspections"] for g in GRADES)],
        note=_(
            "Inspections of the year's drawn plans; a joint plan's inspection counts for each of its "
            "departments, and once in the total."
        ),
    )


def inspection_caps_table(*, department: Department | None, by_grade: dict) -> Table:
    caps = caps_by_grade()
    no_cap = _("no cap")
    return Table(
        key="inspection-caps",
        title=_("Random inspections against the caps per year"),
        headers=[
            _("Grade"),
            _("Cap per year"),
            _("Subjects inspected"),
            _("Inspections"),
            _("Most inspections of one subject"),
        ],
        rows=[
            Row(
                label=g,
                key=g,
                values=[
                    no_cap if caps[g] is None else caps[g],
                    by_grade[g]["subjects"],
                    by_grade[g]["inspections"],
                    by_grade[g]["most"],
                ],
            )
            for g in GRADES
        ],
        note=_(
            "003 §4: A+ and A are not sampled except on complaint, B at most once a year, C and C- at most "
            "three times, D and D- without cap; the count of one subject covers every department's plans."
        ),
    )
