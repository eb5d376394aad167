"""Read-side queries of random inspections: what the draw reads (the eligible subjects with their
``public`` grade in force, the caps of the measures catalogue, the inspections of the year), what
staff see (scoped to their department; the credit office sees all) and what the public sees (plans
once their seed hash is published, draws and final results, natural persons masked)."""

import hashlib
import hmac
from collections.abc import Callable
from decimal import Decimal

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.crypto import salted_hmac

from accounts.permissions import is_credit_office, is_department_staff
from grading.models import GradeInForce, Scheme
from grading.population import Population
from measures.models import Measure
from records.models import RecordStatus
from subjects.models import SubjectKind

from .draw import GRADES
from .models import (
    Inspection,
    InspectionMatter,
    InspectionPlan,
    Inspector,
    InspectorConflict,
    Outcome,
    PlanStatus,
)

PUBLIC_SCHEME = "public"
# SPEC §7: the ratios ``inspection_draw`` uses without ``--ratios``; the measures catalogue carries them
# as ``sampling_ratio`` beside each grade's cap (measures/migrations/0006), which the pages offer.
DEFAULT_RATIOS = {"A+": "0", "A": "0", "B": "0.05", "C": "0.1", "C-": "0.1", "D": "0.3", "D-": "0.3"}
# A failed inspection's result is public once its record took effect (an approved record, not a draft
# the reviewer may still return); a record revoked on an objection takes its result off the pages.
RESULT_PUBLIC_RECORD = [RecordStatus.EFFECTIVE, RecordStatus.EXPIRED, RecordStatus.REPAIRED]


# --- what the draw reads ----------------------------------------------------------------------------


def _inspection_measures() -> QuerySet[Measure]:
    return Measure.objects.filter(scheme__code=PUBLIC_SCHEME, is_active=True)


def caps_by_grade() -> dict[str, int | None]:
    """The per-year cap of each ``public`` grade from the catalogue (003 §4: A+/A 0, B 1, C/C- 3, D/D-
    none): the lowest number any active measure of the grade sets; None (no cap) where none sets one."""
    caps: dict[str, int | None] = {grade: None for grade in GRADES}
    for measure in _inspection_measures().filter(parameters__has_key="inspections_per_year"):
        cap = measure.parameters.get("inspections_per_year")
        for grade in measure.grades:
            if grade in caps and cap is not None:
                current = caps[grade]
                caps[grade] = cap if current is None else min(current, cap)
    return caps


def catalogue_ratios() -> dict[str, str]:
    """The default sampling ratio of each grade: the catalogue's ``sampling_ratio``, else SPEC §7's."""
    ratios = dict(DEFAULT_RATIOS)
    for measure in _inspection_measures().filter(parameters__has_key="sampling_ratio"):
        for grade in measure.grades:
            if grade in ratios:
                ratios[grade] = str(Decimal(str(measure.parameters["sampling_ratio"])))
    return ratios


def inspections_used(*, year: int) -> dict[int, int]:
    """How many recorded inspections each subject had in ``year``, over every drawn plan of every
    department (a joint plan's inspection counts once)."""
    rows = (
        Inspection.objects.filter(plan__year=year, plan__status=PlanStatus.DRAWN)
        .values("subject_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["subject_id"]: row["n"] for row in rows}


def eligible_rows(
    *, scope: str, subject_kinds: list[str], department_ids: list[int]
) -> list[tuple[int, str, str, str]]:
    """``(subject id, code, kind, grade)`` of every subject with a ``public`` grade in force, of the
    kinds given (none given: every kind), and — for a plan of the departments' field — a subject of
    one of ``department_ids`` (a record of theirs that took effect, or graded by them: SPEC §3.6)."""
    rows = GradeInForce.objects.filter(
        scheme__code=PUBLIC_SCHEME, department__isnull=True, grade__isnull=False
    ).exclude(grade="")
    if subject_kinds:
        rows = rows.filter(subject__kind__in=subject_kinds)
    if scope == "field":
        department_scheme = Scheme.objects.filter(code="abc").values_list("pk", flat=True).first()
        field = Q(pk__in=[])
        for department_id in department_ids:
            field |= Population(department_scheme or 0, department_id).subject_q("subject_id")
        rows = rows.filter(field)
    # A million rows: read as plain tuples through the cursor, without the model layer per row.
    columns = rows.values_list("subject_id", "subject__code", "subject__kind", "grade").order_by()
    sql, params = columns.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def person_tokens(*, seed_sha256: str) -> Callable[[str], str]:
    """A natural person's identifier in a published eligible list, from the code: opaque (a keyed hash
    the public cannot recompute from a guessed identity number) and different for every seed, so two
    plans' lists cannot be joined. The key is derived from the project's secret once per draw."""
    key = salted_hmac("inspections.person", "", algorithm="sha256").digest()
    base = hmac.new(key, f"{seed_sha256}:".encode(), hashlib.sha256)

    def token(code: str) -> str:
        mac = base.copy()
        mac.update(code.encode())
        return "P" + mac.hexdigest()[:20]

    return token


def person_token(*, seed_sha256: str, code: str) -> str:
    return person_tokens(seed_sha256=seed_sha256)(code)


def published_ident(*, seed_sha256: str, code: str, kind: str) -> str:
    if kind == SubjectKind.NATURAL_PERSON:
        return person_token(seed_sha256=seed_sha256, code=code)
    return code


def pool(*, department_ids: list[int]) -> list[Inspector]:
    """The active inspectors of the plan's departments, in a stable order."""
    return list(
        Inspector.objects.filter(department_id__in=department_ids, is_active=True).order_by(
            "certificate_number"
        )
    )


def conflicts_of(*, inspector_ids: list[int]) -> list[tuple[int, int]]:
    """(inspector id, subject id) of every conflict in force of ``inspector_ids``."""
    return list(
        InspectorConflict.objects.filter(
            inspector_id__in=inspector_ids, withdrawn_at__isnull=True
        ).values_list("inspector_id", "subject_id")
    )


# --- staff ------------------------------------------------------------------------------------------


def _scoped(qs: QuerySet, *, user, field: str = "department_id") -> QuerySet:
    if is_credit_office(user):
        return qs
    if is_department_staff(user):
        return qs.filter(**{field: user.department_id})
    return qs.none()


def matters_visible_to(*, user) -> QuerySet[InspectionMatter]:
    return _scoped(InspectionMatter.objects.select_related("department"), user=user)


def inspectors_visible_to(*, user) -> QuerySet[Inspector]:
    return _scoped(Inspector.objects.select_related("department"), user=user)


def inspector_conflicts(*, inspector: Inspector) -> QuerySet[InspectorConflict]:
    return inspector.conflicts.select_related("subject", "declared_by")


def plans_visible_to(*, user) -> QuerySet[InspectionPlan]:
    """Plans of the user's department, the joint ones it takes part in included; all for the office."""
    qs = InspectionPlan.objects.select_related("department").prefetch_related("departments")
    if is_credit_office(user):
        return qs
    if is_department_staff(user):
        return qs.filter(departments=user.department_id).distinct()
    return qs.none()


def plans_with_awaiting(plans: QuerySet[InspectionPlan]) -> QuerySet[InspectionPlan]:
    """``plans`` with ``awaiting``: how many of their drawn subjects have no result yet (one subquery,
    not a query a plan)."""
    awaiting = (
        Inspection.objects.filter(plan=OuterRef("pk"), status=Outcome.PENDING)
        .order_by()
        .values("plan")
        .annotate(n=Count("id"))
        .values("n")
    )
    return plans.annotate(awaiting=Coalesce(Subquery(awaiting, output_field=IntegerField()), 0))


def inspections_awaiting_result(*, user) -> QuerySet[Inspection]:
    """The drawn inspections of the user's department's plans (joint ones included) that have no result
    yet: SPEC §5 wants the results public within 20 working days, so the staff who enter them are shown
    what is still open, and what is open past the plan's period as overdue."""
    if not is_department_staff(user):
        return Inspection.objects.none()
    return Inspection.objects.filter(
        status=Outcome.PENDING,
        plan__status=PlanStatus.DRAWN,
        plan__in=InspectionPlan.objects.filter(departments=user.department_id).values("pk"),
    )


def plan_get(*, user, pk: int) -> InspectionPlan | None:
    return plans_visible_to(user=user).filter(pk=pk).first()


def plan_inspections(*, plan: InspectionPlan) -> QuerySet[Inspection]:
    return plan.inspections.select_related("subject", "record").order_by("position")


def inspection_get(*, user, pk: int) -> Inspection | None:
    plans = plans_visible_to(user=user).values("pk")
    return (
        Inspection.objects.select_related("plan__department", "subject", "record")
        .filter(pk=pk, plan__in=plans)
        .first()
    )


# --- public (一公开) ---------------------------------------------------------------------------------


def plans_public(*, year: int | None = None) -> QuerySet[InspectionPlan]:
    """Plans whose seed hash is published (before the draw) or drawn, newest first."""
    qs = InspectionPlan.objects.filter(
        status__in=[PlanStatus.ANNOUNCED, PlanStatus.DRAWN], source="web"
    ).select_related("department")
    if year:
        qs = qs.filter(year=year)
    return qs.prefetch_related("departments").order_by("-announced_at", "-id")


def plan_public_get(*, pk: int) -> InspectionPlan | None:
    return (
        InspectionPlan.objects.filter(pk=pk, status__in=[PlanStatus.ANNOUNCED, PlanStatus.DRAWN])
        .select_related("department")
        .prefetch_related(
            "departments", Prefetch("matters", queryset=InspectionMatter.objects.order_by("name"))
        )
        .first()
    )


def result_is_public(inspection: Inspection) -> bool:
    if inspection.status == Outcome.PENDING:
        return False
    if inspection.status == Outcome.FAILED:
        return inspection.record is not None and inspection.record.status in RESULT_PUBLIC_RECORD
    return True


# --- the yearly summary -----------------------------------------------------------------------------


def inspections_by_department(*, year: int, department_id: int | None = None) -> dict[tuple[int, str], int]:
    """{(department id, grade at the draw): inspections} of the year's drawn plans; a joint plan's
    inspection counts for each of its departments."""
    drawn = Inspection.objects.filter(plan__year=year, plan__status=PlanStatus.DRAWN)
    rows = drawn.values("plan__departments", "grade").annotate(n=Count("id")).order_by()
    counts = {(row["plan__departments"], row["grade"]): row["n"] for row in rows}
    if department_id is not None:
        counts = {key: n for key, n in counts.items() if key[0] == department_id}
    return counts


def inspections_by_grade(*, year: int, department_id: int | None = None) -> dict[str, dict[str, int]]:
    """Per grade at the draw: inspections, subjects inspected, the most inspections one subject had in
    the year (every plan of every department: the cap's own count) — the county's check that the caps
    of 003 §4 held."""
    drawn = Inspection.objects.filter(plan__year=year, plan__status=PlanStatus.DRAWN)
    if department_id is not None:
        drawn = drawn.filter(plan__departments=department_id)
    per_subject = list(drawn.values("subject_id", "grade").annotate(n=Count("id", distinct=True)).order_by())
    year_counts: dict[int, int] = {}
    if department_id is None:  # every inspection of the year is here already
        for row in per_subject:
            year_counts[row["subject_id"]] = year_counts.get(row["subject_id"], 0) + row["n"]
    else:
        totals = Inspection.objects.filter(plan__year=year, plan__status=PlanStatus.DRAWN).values(
            "subject_id"
        )
        year_counts = {r["subject_id"]: r["n"] for r in totals.annotate(n=Count("id")).order_by()}
    result: dict[str, dict[str, int]] = {g: {"inspections": 0, "subjects": 0, "most": 0} for g in GRADES}
    for row in per_subject:
        grade = result.setdefault(row["grade"], {"inspections": 0, "subjects": 0, "most": 0})
        grade["inspections"] += row["n"]
        grade["subjects"] += 1
        grade["most"] = max(grade["most"], year_counts.get(row["subject_id"], 0))
    return result
