"""The yearly summary, read from the database in a bounded number of set-based queries.

003 §6(1) asks every department to report the year's credit grading and classification work to the
credit office by December 20; 004 §7(4) asks the same of every member unit. The summary is built for
one year and one scope — the county (every subject, every department) or one department — as a list of
sections: subjects by grade and class with the change from last year, one per yearly evaluation run
(``grade_sections``), and plain tables: records by kind, the year's work (measures applied, reminders
and interviews, objections, credit repair: ``reports.work``) and — for the county — records by
department.

What a department's summary counts (the seeds are silent; our choice): the subjects the department
supervises, meaning the subjects it has a credit record about that took effect (effective, expired or
repaired; revoked records do not count) with a decision date on or before the run's as-of date. Its
grade sections are the county scheme's grades of those subjects and the grades of the department's own
scheme runs, again for those subjects. The county's summary counts every graded subject.

Which run is "the year's": the run of the scheme (and department) with an as-of date in that year —
the published one if there is one, otherwise the latest completed one (a summary built on December 20
may precede publication). "Last year" is the same choice for the year before.
"""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.permissions import is_credit_office, is_department_staff
from grading.models import EvaluationRun, Grade, RunStatus, SchemeKind
from grading.selectors import grades_in_force_rows
from records.models import CreditRecord, RecordKind, RecordStatus, Severity

from .inspections import inspection_tables
from .models import YearlyReport
from .quality import quality_table
from .tables import Row, Table
from .work import work_tables

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class Shown(TypedDict):
        shown: str

    # A run's grades annotated with the grade the summary counts (``_run_grades``), for the type checker.
    RunGrades: TypeAlias = QuerySet[WithAnnotations[Grade, Shown]]

MIN_YEAR, MAX_YEAR = 2000, 2100

# 003 §3(1): four classes, seven levels.
PUBLIC_LEVELS = ["A+", "A", "B", "C", "C-", "D", "D-"]
PUBLIC_CLASSES = [
    (_("Honest and law-abiding"), ["A+", "A"]),
    (_("Minor dishonesty"), ["B"]),
    (_("General dishonesty"), ["C", "C-"]),
    (_("Serious dishonesty"), ["D", "D-"]),
]
# 001 Art. 8 (SPEC §3.1): A good, B general dishonesty, C serious dishonesty.
DEPARTMENT_LEVELS = ["A", "B", "C"]
DEPARTMENT_CLASSES = [
    (_("Good credit"), ["A"]),
    (_("General dishonesty"), ["B"]),
    (_("Serious dishonesty"), ["C"]),
]
NOT_GRADED = ""

# A record "took effect" in the year: the current version, once effective (drafts and submissions
# awaiting review are not records yet; a corrected record's current version stands for it).
RECORD_STATUSES = [RecordStatus.EFFECTIVE, RecordStatus.EXPIRED, RecordStatus.REPAIRED, RecordStatus.REVOKED]
SUPERVISED_STATUSES = [RecordStatus.EFFECTIVE, RecordStatus.EXPIRED, RecordStatus.REPAIRED]


@dataclass(kw_only=True)
class _Count:
    """A count this year and the year before."""

    now: int
    before: int

    @property
    def delta(self) -> int:
        return self.now - self.before


@dataclass(kw_only=True)
class LevelCount(_Count):
    grade: str
    label: str  # the class the level belongs to


@dataclass(kw_only=True)
class ClassCount(_Count):
    label: str
    grades: list[str]


@dataclass
class GradeSection:
    """Subjects by grade and class in one yearly run, against the run of the year before."""

    scheme_code: str
    scheme_name: str
    department: Department | None  # the department whose scheme ran (None: the county scheme)
    run: EvaluationRun | None
    previous: EvaluationRun | None
    levels: list[LevelCount] = field(default_factory=list)
    classes: list[ClassCount] = field(default_factory=list)
    upgraded: int = 0
    downgraded: int = 0
    unchanged: int = 0
    newly_graded: int = 0
    other_changes: int = 0
    # (class last year, [subjects now in each class, in the order of ``classes``])
    matrix: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.department is None:
            return self.scheme_name
        return f"{self.scheme_name}（{self.department.name}）"

    @property
    def total_now(self) -> int:
        return sum(level.now for level in self.levels)

    @property
    def total_before(self) -> int:
        return sum(level.before for level in self.levels)

    @property
    def key(self) -> str:
        return f"{self.scheme_code}-{self.department.code if self.department else 'county'}"


@dataclass
class Summary:
    year: int
    department: Department | None
    grade_sections: list[GradeSection]
    tables: list[Table]
    generated_at: datetime.datetime | None = None

    @property
    def scope_name(self) -> str | Promise:
        return self.department.name if self.department else _("the whole county")

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


# --- permissions (lists through selectors; the object check is in permissions.py) ------------------


def summary_departments_visible_to(*, user) -> QuerySet[Department]:
    """The credit office sees every department's summary; department staff only their own."""
    qs = Department.objects.filter(is_active=True)
    if is_credit_office(user):
        return qs
    if is_department_staff(user):
        return qs.filter(pk=user.department_id)
    return qs.none()


def reports_visible_to(*, user) -> QuerySet[YearlyReport]:
    qs = YearlyReport.objects.select_related("department", "generated_by")
    if is_credit_office(user):
        return qs
    if is_department_staff(user):
        return qs.filter(department_id=user.department_id)
    return qs.none()


# --- grades -----------------------------------------------------------------------------------------


def supervised_subject_ids(*, department: Department, on: datetime.date) -> QuerySet:
    """Subject ids the department has a record about that took effect, decided on or before ``on``
    (a subquery, never fetched)."""
    return (
        CreditRecord.objects.filter(
            department=department,
            is_current=True,
            status__in=SUPERVISED_STATUSES,
            decision_date__lte=on,
        )
        .values("subject_id")
        .distinct()
    )


def year_runs(
    *, year: int, department: Department | None = None
) -> list[tuple[EvaluationRun | None, EvaluationRun | None]]:
    """(the year's run, last year's run) for every scheme and department that ran in either year,
    county schemes first. One query. For a department's summary: the county runs and its own."""
    qs = (
        EvaluationRun.objects.filter(as_of__year__in=[year - 1, year])
        .exclude(status=RunStatus.RUNNING)
        .select_related("scheme", "department", "version")
        .annotate(
            preference=Case(
                When(status=RunStatus.PUBLISHED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("preference", "-as_of")
    )
    if department is not None:
        qs = qs.filter(Q(department__isnull=True) | Q(department=department))
    chosen: dict[tuple, dict[int, EvaluationRun]] = {}
    for run in qs:
        by_year = chosen.setdefault((run.scheme_id, run.department_id), {})
        by_year.setdefault(run.as_of.year, run)  # the first is the preferred one
    pairs = [(runs.get(year), runs.get(year - 1)) for runs in chosen.values()]

    def order(pair):
        run = pair[0] or pair[1]
        dept = run.department
        return (dept is not None, dept.sort_order if dept else 0, dept.code if dept else "", run.scheme.code)

    return sorted(pairs, key=order)


def _levels_of(run: EvaluationRun) -> tuple[list[str], list]:
    if run.scheme.kind == SchemeKind.SCORE:
        return PUBLIC_LEVELS, PUBLIC_CLASSES
    return DEPARTMENT_LEVELS, DEPARTMENT_CLASSES


def _run_grades(run: EvaluationRun, department: Department | None) -> "RunGrades":
    """The run's grades, each with ``shown``: the grade the summary counts. For the scheme's newest
    published run that is the subject's grade in force (SPEC §3.5: the yearly summary shows the value
    every reader shows — corrected by an objection or an adjustment, or recomputed since); for an
    older run, or one under review, the run's own grade."""
    qs = Grade.objects.filter(run=run)
    if department is not None:
        qs = qs.filter(subject_id__in=supervised_subject_ids(department=department, on=run.as_of))
    newest_published = (
        run.status == RunStatus.PUBLISHED
        and not EvaluationRun.objects.filter(
            Q(department_id=run.department_id),  # None: the county scheme (IS NULL)
            scheme_id=run.scheme_id,
            status=RunStatus.PUBLISHED,
            as_of__gt=run.as_of,
        ).exists()
    )
    if not newest_published:
        return qs.annotate(shown=F("grade"))
    in_force = grades_in_force_rows().filter(
        Q(department_id=run.department_id), subject_id=OuterRef("subject_id"), scheme_id=run.scheme_id
    )
    return qs.annotate(shown=Coalesce(Subquery(in_force.values("grade")[:1]), F("grade")))


def grade_section(
    *, run: EvaluationRun | None, previous: EvaluationRun | None, department: Department | None
) -> GradeSection:
    """Two GROUP BY queries: (this year's grade, last year's grade of the same subject) with counts,
    and last year's distribution (which also counts subjects graded last year and not this year)."""
    some = run or previous
    assert some is not None  # year_runs pairs a scheme's runs of the two years: one at least
    levels, classes = _levels_of(some)
    section = GradeSection(
        scheme_code=some.scheme.code,
        scheme_name=some.scheme.name,
        department=some.department,
        run=run,
        previous=previous,
    )
    pairs: dict[tuple[str, str | None], int] = {}
    if run is not None:
        qs = _run_grades(run, department)
        if previous is not None:
            # Last year's grade of the same subject by a join, not a subquery per row; the join finds at
            # most one grade, as a run grades a subject once (unique run and subject).
            qs = qs.annotate(
                previous_grade=FilteredRelation("subject__grades", condition=Q(subject__grades__run=previous))
            )
            rows = qs.values_list("shown", "previous_grade__grade").annotate(n=Count("id")).order_by()
            pairs = {(g, b): n for g, b, n in rows}
        else:
            pairs = {(g, None): n for g, n in qs.values_list("shown").annotate(n=Count("id")).order_by()}
    last: dict[str, int] = {}
    if previous is not None:
        last = dict(_run_grades(previous, department).values_list("grade").annotate(n=Count("id")).order_by())
    now: dict[str, int] = {}
    for (grade, _before), n in pairs.items():
        now[grade] = now.get(grade, 0) + n

    class_of = {g: label for label, grades in classes for g in grades}
    extra = sorted((set(now) | set(last)) - set(levels) - {NOT_GRADED})  # a grade renamed by a version
    shown = levels + extra + ([NOT_GRADED] if now.get(NOT_GRADED) or last.get(NOT_GRADED) else [])
    section.levels = [
        LevelCount(
            grade=g,
            label=class_of.get(g, _("not graded") if g == NOT_GRADED else ""),
            now=now.get(g, 0),
            before=last.get(g, 0),
        )
        for g in shown
    ]
    section.classes = [
        ClassCount(
            label=label,
            grades=grades,
            now=sum(now.get(g, 0) for g in grades),
            before=sum(last.get(g, 0) for g in grades),
        )
        for label, grades in classes
    ]

    rank = {g: i for i, g in enumerate(levels)}
    class_index = {g: i for i, (_label, grades) in enumerate(classes) for g in grades}
    matrix = [[0] * len(classes) for _class in classes]
    for (grade, before), n in pairs.items():
        if before is None:
            section.newly_graded += n
        elif grade == before:
            section.unchanged += n
        elif grade in rank and before in rank:
            if rank[grade] < rank[before]:
                section.upgraded += n
            else:
                section.downgraded += n
        else:  # to or from "not graded", or a level the default model does not know
            section.other_changes += n
        if before in class_index and grade in class_index:
            matrix[class_index[before]][class_index[grade]] += n
    if previous is not None and run is not None:
        section.matrix = [(classes[i][0], counts) for i, counts in enumerate(matrix)]
    return section


# --- records ----------------------------------------------------------------------------------------


def records_of_year(*, year: int, department: Department | None = None) -> QuerySet[CreditRecord]:
    qs = CreditRecord.objects.filter(is_current=True, status__in=RECORD_STATUSES, decision_date__year=year)
    if department is not None:
        qs = qs.filter(department=department)
    return qs


def records_by_kind(*, year: int, department: Department | None = None) -> Table:
    """Records decided in the year that took effect, by kind, with their current status and severity.
    One GROUP BY (kind, status, severity) and the list of kinds."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        records_of_year(year=year, department=department)
        .values_list("kind_id", "status", "severity")
        .annotate(n=Count("id"))
        .order_by()
    )
    for kind_id, status, severity, n in rows:
        c = counts.setdefault(kind_id, {})
        c["total"] = c.get("total", 0) + n
        c[status] = c.get(status, 0) + n
        if severity:
            c[severity] = c.get(severity, 0) + n
    columns = [
        "total",
        RecordStatus.EFFECTIVE,
        RecordStatus.EXPIRED,
        RecordStatus.REPAIRED,
        RecordStatus.REVOKED,
        Severity.MINOR,
        Severity.GENERAL,
        Severity.SERIOUS,
    ]
    table_rows = [
        Row(label=kind.name, key=kind.code, values=[counts.get(kind.pk, {}).get(c, 0) for c in columns])
        for kind in RecordKind.objects.filter(Q(is_active=True) | Q(pk__in=list(counts))).order_by(
            "sort_order", "code"
        )
    ]
    table = Table(
        key="records",
        title=_("Credit records by kind"),
        headers=[
            _("Record kind"),
            _("Records"),
            _("Effective"),
            _("Publication over"),
            _("Repaired"),
            _("Revoked"),
            _("Minor"),
            _("General"),
            _("Serious"),
        ],
        rows=table_rows,
        note=_("Records decided in the year that took effect, by their status today."),
    )
    table.totals = [table.total(i) for i in range(len(columns))]
    return table


def records_by_department(*, year: int) -> Table:
    """The county's summary: each department's records of the year and the subjects they concern."""
    counts = {
        dept_id: (n, subjects)
        for dept_id, n, subjects in records_of_year(year=year)
        .values_list("department_id")
        .annotate(n=Count("id"), subjects=Count("subject_id", distinct=True))
        .values_list("department_id", "n", "subjects")
        .order_by()
    }
    departments = Department.objects.filter(Q(is_active=True) | Q(pk__in=list(counts)))
    table = Table(
        key="departments",
        title=_("Credit records by department"),
        headers=[_("Department"), _("Records"), _("Subjects concerned")],
        rows=[Row(label=d.name, key=d.code, values=list(counts.get(d.pk, (0, 0)))) for d in departments],
    )
    # A subject may concern several departments: the county's distinct subjects, not the column's sum.
    table.totals = [table.total(0), records_of_year(year=year).values("subject_id").distinct().count()]
    return table


# --- the summary ------------------------------------------------------------------------------------


def summary_build(
    *, year: int, department: Department | None = None, today: datetime.date | None = None
) -> Summary:
    """Every section of the year's summary for the county (``department=None``) or one department."""
    today = today or timezone.localdate()
    sections = [
        grade_section(run=run, previous=previous, department=department)
        for run, previous in year_runs(year=year, department=department)
    ]
    tables = [records_by_kind(year=year, department=department)]
    tables += work_tables(year=year, department=department, today=today)
    tables += inspection_tables(year=year, department=department)
    if department is None:
        tables.append(records_by_department(year=year))
    tables.append(quality_table(year=year, department=department, today=today))
    return Summary(year=year, department=department, grade_sections=sections, tables=tables)
