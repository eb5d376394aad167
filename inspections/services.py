"""Writes of random inspections (双随机一公开; 003 §3(4), §4; 004 §5(2); SPEC §5, §7).

The draw: ``plan_announce`` fixes a random seed and publishes its SHA-256; ``plan_draw`` reads the
eligible subjects with their ``public`` grades in force and this year's inspections (under a lock of
the year, so that two draws cannot both take a subject's last allowed inspection), runs the pure
``inspections.draw`` algorithm, records one ``Inspection`` per drawn subject and keeps the published
draw — seed, eligible list (natural persons as per-plan tokens), pool, conflicts, result — as a file
anyone can recompute with ``verify_draw.py``. ``command_draw`` is the same for ``inspection_draw``.

Results: ``inspection_result_enter``; a failed inspection becomes a credit record of the entering
department through ``record_create`` and ``record_submit`` and takes effect only after its four-eyes
review, and so reaches the grade like any other record.
"""

import csv
import datetime
import gzip
import hashlib
import io
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, User
from audit.services import audit_log_write, audited_save, model_snapshot
from audit.workflow import Permission, Workflow
from core.masking import mask_resident_id
from core.text import text_clean
from records.services import record_create, record_submit
from records.validation import RecordInput, SanctionInput, parse_date
from subjects.identifiers import normalize_identifier
from subjects.models import Subject, SubjectKind

from . import selectors
from .draw import GRADES, Officer, Outcome, ShortOfInspectors, draw, ratio_value, seed_hash
from .models import (
    OUTCOME_TRANSITIONS,
    PLAN_TRANSITIONS,
    DrawYear,
    Inspection,
    InspectionMatter,
    InspectionPlan,
    InspectionTransition,
    Inspector,
    InspectorConflict,
    PlanScope,
    PlanSource,
    PlanStatus,
    PlanTransition,
)
from .models import Outcome as Result
from .permissions import can_enter_result, can_maintain

FORMAT = "creditreg-inspection-draw-1"
# What a failed inspection may become (SPEC §3.1: a daily inspection's 不合格 as minor, or the
# sanction it led to).
FAILED_KINDS = ("inspection_failed", "correction_order", "warning", "administrative_penalty")
MATTER_FIELDS = ["department", "name", "legal_basis", "subject_kinds", "is_active"]
INSPECTOR_FIELDS = ["department", "name", "certificate_number", "is_active"]
PLAN_FIELDS = [
    "title",
    "department",
    "matter_text",
    "year",
    "period_start",
    "period_end",
    "scope",
    "subject_kinds",
    "ratios",
]

PLANS = Workflow(
    PlanTransition,
    PLAN_TRANSITIONS,
    gettext_lazy("A plan that is “%(status)s” cannot be %(action)s."),
    related=("department",),
    audit_after=("seed_sha256", "eligible_count", "skipped_count"),
)
RESULTS = Workflow(
    InspectionTransition,
    OUTCOME_TRANSITIONS,
    gettext_lazy("An inspection whose result is “%(status)s” cannot be %(action)s."),
    related=("plan", "subject"),
    audit_after=("record",),
)


def _kinds(values) -> list[str]:
    kinds = sorted({str(v) for v in (values or [])})
    unknown = [k for k in kinds if k not in SubjectKind.values]
    if unknown:
        raise ValidationError({"subject_kinds": _("Unknown subject kind: %(kind)s.") % {"kind": unknown[0]}})
    return kinds


def _staff(actor, message) -> Department:
    if not getattr(actor, "is_department_staff", False):
        raise PermissionDenied(message)
    return actor.department


# --- matters and inspectors ----------------------------------------------------------------------------


@transaction.atomic
def matter_save(
    *,
    actor,
    name: str,
    legal_basis: str,
    subject_kinds=(),
    is_active: bool = True,
    matter: InspectionMatter | None = None,
) -> InspectionMatter:
    """Add a matter to the department's list of inspection matters (抽查事项清单), or change one."""
    department = _staff(actor, _("Only department staff keep their department's inspection matters."))
    if matter is None:
        matter = InspectionMatter(department=department)
    else:
        matter = InspectionMatter.objects.select_for_update().get(pk=matter.pk)
        if not can_maintain(actor, matter):
            raise PermissionDenied(_("Only department staff keep their department's inspection matters."))
    values = {
        "name": text_clean(name, field="name", label=_("matter"), max_length=200),
        "legal_basis": text_clean(legal_basis, field="legal_basis", label=_("legal basis"), max_length=300),
        "subject_kinds": _kinds(subject_kinds),
        "is_active": bool(is_active),
    }
    taken = InspectionMatter.objects.filter(department=matter.department, name=values["name"], is_active=True)
    if values["is_active"] and taken.exclude(pk=matter.pk).exists():
        raise ValidationError({"name": _("Your department already lists this matter.")})
    action = "inspection.matter_update" if matter.pk else "inspection.matter_create"
    audited_save(matter, actor=actor, action=action, fields=MATTER_FIELDS, values=values)
    return matter


@transaction.atomic
def inspector_save(
    *, actor, name: str, certificate_number: str, is_active: bool = True, inspector: Inspector | None = None
) -> Inspector:
    """Add an inspector to the department's pool (执法检查人员名录库), or change one; an inspector who
    left is made inactive, never removed (the draws that named them stay as they were)."""
    department = _staff(actor, _("Only department staff keep their department's inspector pool."))
    if inspector is None:
        inspector = Inspector(department=department)
    else:
        inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
        if not can_maintain(actor, inspector):
            raise PermissionDenied(_("Only department staff keep their department's inspector pool."))
    certificate = text_clean(
        certificate_number, field="certificate_number", label=_("certificate number"), max_length=40
    ).replace(" ", "")
    if not certificate.isascii() or "|" in certificate:
        raise ValidationError(
            {"certificate_number": _("Write the certificate number with letters, digits and dashes only.")}
        )
    if Inspector.objects.filter(certificate_number=certificate).exclude(pk=inspector.pk).exists():
        raise ValidationError(
            {"certificate_number": _("An inspector with this certificate number is listed.")}
        )
    values = {
        "name": text_clean(name, field="name", label=_("name"), max_length=50),
        "certificate_number": certificate,
        "is_active": bool(is_active),
    }
    action = "inspection.inspector_update" if inspector.pk else "inspection.inspector_create"
    audited_save(inspector, actor=actor, action=action, fields=INSPECTOR_FIELDS, values=values)
    return inspector


@transaction.atomic
def conflict_declare(*, actor, inspector: Inspector, subject_code: str, reason: str) -> InspectorConflict:
    """An inspector's declared conflict with a subject (回避): the draw never sends them there."""
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    if not can_maintain(actor, inspector):
        raise PermissionDenied(_("Only department staff keep their department's inspector pool."))
    subject = Subject.objects.filter(code=normalize_identifier(subject_code or "")).first()
    if subject is None:
        raise ValidationError({"subject_code": _("No subject has this code.")})
    reason = text_clean(reason, field="reason", label=_("reason"), max_length=200)
    if inspector.conflicts.filter(subject=subject, withdrawn_at__isnull=True).exists():
        raise ValidationError({"subject_code": _("This conflict is already declared.")})
    conflict = InspectorConflict.objects.create(
        inspector=inspector, subject=subject, reason=reason, declared_by=actor
    )
    audit_log_write(
        actor=actor,
        action="inspection.conflict_declare",
        target=conflict,
        after={"inspector": inspector.pk, "subject": subject.pk},
        reason=reason,
    )
    return conflict


@transaction.atomic
def conflict_withdraw(*, actor, conflict: InspectorConflict) -> InspectorConflict:
    conflict = InspectorConflict.objects.select_for_update().select_related("inspector").get(pk=conflict.pk)
    if not can_maintain(actor, conflict.inspector):
        raise PermissionDenied(_("Only department staff keep their department's inspector pool."))
    if conflict.withdrawn_at is None:
        conflict.withdrawn_at = timezone.now()
        conflict.save(update_fields=["withdrawn_at"])
        audit_log_write(
            actor=actor,
            action="inspection.conflict_withdraw",
            target=conflict,
            before={"withdrawn_at": None},
            after={"withdrawn_at": conflict.withdrawn_at.isoformat()},
        )
    return conflict


# --- plans ---------------------------------------------------------------------------------------------


def ratios_clean(ratios) -> dict[str, str]:
    """Ratios by grade as decimal strings between 0 and 1; a grade not given samples nobody."""
    clean: dict[str, str] = {}
    for grade, value in (ratios or {}).items():
        if grade not in GRADES:
            raise ValidationError({"ratios": _("Unknown grade: %(grade)s.") % {"grade": grade}})
        try:
            clean[grade] = str(ratio_value(value).normalize() if str(value).strip() else 0)
        except ValueError:
            raise ValidationError(
                {
                    "ratios": _("The ratio of %(grade)s is a number from 0 to 1, such as 0.05.")
                    % {"grade": grade}
                }
            ) from None
    return {grade: clean.get(grade, "0") for grade in GRADES}


def ratios_parse(text: str) -> dict[str, str]:
    """``"A+=0,A=0,B=0.05,…"`` (the command line's ``--ratios``) as a dict of the grades given, each
    value checked."""
    ratios = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        grade, sep, value = part.partition("=")
        if not sep:
            raise ValidationError({"ratios": _("Write the ratios as GRADE=RATIO separated by commas.")})
        ratios[grade.strip()] = value.strip()
    clean = ratios_clean(ratios)
    return {grade: clean[grade] for grade in ratios}


def _plan_values(
    *,
    title,
    matters,
    year,
    period_start,
    period_end,
    scope,
    subject_kinds,
    ratios,
    department,
) -> dict:
    def day(value, name):
        try:
            return parse_date(value)
        except (TypeError, ValueError):
            raise ValidationError(
                {name: _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}}
            ) from None

    start, end = day(period_start, "period_start"), day(period_end, "period_end")
    if end < start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give the year of the plan, such as 2026.")})
    if start.year != year or end.year != year:
        raise ValidationError({"period_end": _("The period lies within the plan's year.")})
    if scope not in PlanScope.values:
        raise ValidationError({"scope": _("Choose which subjects are eligible.")})
    for matter in matters:
        if matter.department_id != department.pk or not matter.is_active:
            raise ValidationError({"matters": _("Choose matters of your department's list in use.")})
    if not matters:
        raise ValidationError({"matters": _("Choose at least one inspection matter.")})
    return {
        "title": text_clean(title, field="title", label=_("title"), max_length=200),
        "matter_text": "；".join(m.name for m in matters)[:500],
        "year": year,
        "period_start": start,
        "period_end": end,
        "scope": scope,
        "subject_kinds": _kinds(subject_kinds),
        "ratios": ratios_clean(ratios),
    }


@transaction.atomic
def plan_create(
    *,
    actor,
    title: str,
    matters: list[InspectionMatter],
    year,
    period_start,
    period_end,
    scope: str = PlanScope.GRADED,
    subject_kinds=(),
    ratios=None,
    partners: Sequence[Department] = (),
) -> InspectionPlan:
    """A department's draft plan; ``partners`` make it a joint plan (联合抽查) that inspects a subject
    once for every department in it."""
    department = _staff(actor, _("Only department staff make inspection plans."))
    values = _plan_values(
        title=title,
        matters=list(matters),
        year=year,
        period_start=period_start,
        period_end=period_end,
        scope=scope,
        subject_kinds=subject_kinds,
        ratios=ratios if ratios is not None else selectors.catalogue_ratios(),
        department=department,
    )
    plan = InspectionPlan(department=department, source=PlanSource.WEB, created_by=actor, **values)
    plan.save()
    plan.matters.set(matters)
    plan.departments.set({department, *[p for p in partners if p.is_active]})
    PLANS.created(plan, actor=actor, action="inspection.plan_create", after=model_snapshot(plan, PLAN_FIELDS))
    return plan


@transaction.atomic
def plan_update(
    *,
    actor,
    plan: InspectionPlan,
    title: str,
    matters: list[InspectionMatter],
    year,
    period_start,
    period_end,
    scope: str,
    subject_kinds=(),
    ratios=None,
    partners: Sequence[Department] = (),
) -> InspectionPlan:
    """Change a draft; once the seed hash is published the plan is fixed (the public saw it)."""
    plan = PLANS.lock(plan)
    if not can_maintain(actor, plan):
        raise PermissionDenied(_("Only staff of the plan's department change it."))
    if plan.status != PlanStatus.DRAFT:
        PLANS.refuse(plan, verb=_("changed"))
    values = _plan_values(
        title=title,
        matters=list(matters),
        year=year,
        period_start=period_start,
        period_end=period_end,
        scope=scope,
        subject_kinds=subject_kinds,
        ratios=ratios or plan.ratios,
        department=plan.department,
    )
    audited_save(plan, actor=actor, action="inspection.plan_update", fields=PLAN_FIELDS, values=values)
    plan.matters.set(matters)
    plan.departments.set({plan.department, *[p for p in partners if p.is_active]})
    return plan


PLANNERS = Permission(
    can_maintain, gettext_lazy("Only staff of the plan's department publish, draw or cancel it.")
)


@transaction.atomic
def plan_announce(*, actor, plan: InspectionPlan, seed: str | None = None) -> InspectionPlan:
    """Draft → seed hash published: a random seed (256 bits) is fixed now and only its SHA-256 shown,
    so the draw cannot be re-rolled until it suits someone; the seed is shown after the draw."""
    plan = PLANS.begin(plan, PlanStatus.ANNOUNCED, actor=actor, verb=_("published"), permission=PLANNERS)
    seed = seed or secrets.token_hex(32)
    return PLANS.transition(
        plan,
        PlanStatus.ANNOUNCED,
        actor=actor,
        action="inspection.plan_announce",
        seed=seed,
        seed_sha256=seed_hash(seed),
        announced_at=timezone.now(),
    )


@transaction.atomic
def plan_cancel(*, actor, plan: InspectionPlan, reason: str) -> InspectionPlan:
    plan = PLANS.begin(plan, PlanStatus.CANCELLED, actor=actor, verb=_("cancelled"), permission=PLANNERS)
    reason = text_clean(reason, field="reason", label=_("reason"))
    return PLANS.transition(
        plan,
        PlanStatus.CANCELLED,
        actor=actor,
        action="inspection.plan_cancel",
        reason=reason,
        decision_reason=reason,
    )


# --- the draw ------------------------------------------------------------------------------------------


@dataclass
class Computed:
    """A draw and what it read: the outcome, the eligible list, the pool and the subjects behind the
    published identifiers."""

    outcome: Outcome
    entries: list[tuple[str, str, bool]]  # (id, grade, at cap)
    officers: list[Officer]
    conflicts: set[tuple[str, str]]
    subjects: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # ident -> (id, code, kind)
    inspectors: dict[str, Inspector] = field(default_factory=dict)  # certificate -> inspector


def draw_compute(
    *, seed: str, year: int, scope: str, subject_kinds: list[str], department_ids: list[int], ratios: dict
) -> Computed:
    """The draw over the subjects eligible now, with this year's inspections counted for the caps
    (records nothing)."""
    seed_sha256 = seed_hash(seed)
    caps = selectors.caps_by_grade()
    used = selectors.inspections_used(year=year)
    inspectors = selectors.pool(department_ids=department_ids)
    by_id = {i.pk: i for i in inspectors}
    conflict_rows = selectors.conflicts_of(inspector_ids=list(by_id))
    conflicted = {subject_id for _inspector, subject_id in conflict_rows}
    rows = selectors.eligible_rows(scope=scope, subject_kinds=subject_kinds, department_ids=department_ids)
    token = selectors.person_tokens(seed_sha256=seed_sha256)
    person = SubjectKind.NATURAL_PERSON
    limits = {grade: cap for grade, cap in caps.items() if cap is not None}
    # (id, grade, at cap) as plain tuples, and the subject behind each id kept only where needed.
    entries: list[tuple[str, str, bool]] = [
        (
            token(code) if kind == person else code,
            grade,
            grade in limits and used.get(sid, 0) >= limits[grade],
        )
        for sid, code, kind, grade in rows
    ]
    idents_of_conflicted = {
        row[0]: e[0] for e, row in zip(entries, rows, strict=True) if row[0] in conflicted
    }
    conflicts = {
        (by_id[inspector_id].certificate_number, idents_of_conflicted[subject_id])
        for inspector_id, subject_id in conflict_rows
        if subject_id in idents_of_conflicted
    }
    officers = [Officer(i.certificate_number, i.name) for i in inspectors]
    try:
        outcome = draw(seed=seed, entries=entries, ratios=ratios, officers=officers, conflicts=conflicts)
    except ShortOfInspectors as short:
        _sid, code, kind, _grade = next(
            row for e, row in zip(entries, rows, strict=True) if e[0] == short.ident
        )
        raise ValidationError(
            _(
                "The pool has fewer than two active inspectors without a declared conflict for %(subject)s: "
                "add inspectors to the pool (or to the plan's departments) and draw again. Nothing was drawn."
            )
            % {"subject": mask_resident_id(code) if kind == person else code}
        ) from None
    drawn = {d.ident for d in outcome.drawn}
    subjects = {e[0]: row[:3] for e, row in zip(entries, rows, strict=True) if e[0] in drawn}
    return Computed(
        outcome, entries, officers, conflicts, subjects, {i.certificate_number: i for i in inspectors}
    )


def _document(plan: InspectionPlan, computed: Computed) -> dict:
    """The published draw: everything ``verify_draw.py`` needs to recompute it."""
    drawn = {d.ident for d in computed.outcome.drawn}
    return {
        "format": FORMAT,
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "departments": [d.name for d in plan.departments.order_by("sort_order", "code")],
            "matters": plan.matter_text,
            "year": plan.year,
            "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
        },
        "seed_sha256": plan.seed_sha256,
        "seed": plan.seed,
        "ratios": plan.ratios,
        "caps": selectors.caps_by_grade(),
        "eligible": computed.entries,  # (id, grade, at cap) as arrays
        "inspectors": [[o.certificate, o.name] for o in computed.officers],
        "conflicts": sorted([c, i] for c, i in computed.conflicts if i in drawn),
        "strata": _strata(computed.outcome),
        "draw": [
            {"id": d.ident, "grade": d.grade, "inspectors": list(d.inspectors)}
            for d in computed.outcome.drawn
        ],
    }


def _strata(outcome: Outcome) -> list[dict]:
    return [
        {
            "grade": s.grade,
            "size": s.size,
            "ratio": str(s.ratio),
            "quota": s.quota,
            "drawn": s.drawn,
            "skipped": s.skipped,
        }
        for s in outcome.strata
    ]


def _inspections_write(plan: InspectionPlan, computed: Computed) -> None:
    """One row per drawn subject: on PostgreSQL through ``COPY`` (a draw over a million subjects
    writes tens of thousands), elsewhere in batches."""
    rows = []
    for position, drawn in enumerate(computed.outcome.drawn, start=1):
        names = [{"certificate": c, "name": computed.inspectors[c].name} for c in drawn.inspectors]
        rows.append((position, computed.subjects[drawn.ident][0], drawn.grade, drawn.ident, names))
    if connection.vendor != "postgresql":
        Inspection.objects.bulk_create(
            [
                Inspection(plan=plan, position=p, subject_id=s, grade=g, ident=i, drawn_inspectors=n)
                for p, s, g, i, n in rows
            ],
            batch_size=2000,
        )
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for position, subject_id, grade, ident, names in rows:
        writer.writerow(
            [
                plan.pk,
                position,
                subject_id,
                grade,
                ident,
                json.dumps(names, ensure_ascii=False),
                Result.PENDING,
                "",
                "",
            ]
        )
    buffer.seek(0)
    table = Inspection._meta.db_table
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} (plan_id, position, subject_id, grade, ident, drawn_inspectors, status, findings, "
            "decision_reason) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (findings, decision_reason))",
            buffer,
        )


def _record(plan: InspectionPlan, computed: Computed) -> None:
    _inspections_write(plan, computed)
    raw = json.dumps(_document(plan, computed), ensure_ascii=False, separators=(",", ":")).encode()
    packed = gzip.compress(raw, compresslevel=1, mtime=0)  # fast: a million entries
    plan.draw_sha256 = hashlib.sha256(packed).hexdigest()
    plan.draw_file.save(f"draw-{plan.pk}.json.gz", ContentFile(packed), save=False)


def _year_lock(year: int) -> None:
    DrawYear.objects.get_or_create(year=year)
    DrawYear.objects.select_for_update().get(year=year)


def _draw_and_record(*, actor, plan: InspectionPlan) -> tuple[InspectionPlan, Computed]:
    computed = draw_compute(
        seed=plan.seed,
        year=plan.year,
        scope=plan.scope,
        subject_kinds=plan.subject_kinds,
        department_ids=[d.pk for d in plan.departments.all()],
        ratios=plan.ratios,
    )
    _record(plan, computed)
    plan = PLANS.transition(
        plan,
        PlanStatus.DRAWN,
        actor=actor,
        action="inspection.draw",
        drawn_at=timezone.now(),
        eligible_count=len(computed.entries),
        skipped_count=computed.outcome.skipped,
        strata=_strata(computed.outcome),
    )
    return plan, computed


@transaction.atomic
def plan_draw(*, actor, plan: InspectionPlan) -> InspectionPlan:
    """Seed hash published → drawn (see the module's docstring); the seed is public from now on."""
    _year_lock(plan.year)
    plan = PLANS.begin(plan, PlanStatus.DRAWN, actor=actor, verb=_("drawn"), permission=PLANNERS)
    return _draw_and_record(actor=actor, plan=plan)[0]


@dataclass
class CommandDraw:
    plan: InspectionPlan | None  # None for a dry run
    lines: list[dict]
    strata: list[dict]
    skipped: int
    eligible: int
    recorded: bool  # an earlier draw of the same plan and seed, printed as recorded


def _lines(plan: InspectionPlan | None, computed: Computed) -> list[dict]:
    names = {c: i.name for c, i in computed.inspectors.items()}
    codes = {ident: computed.subjects[ident] for ident in (d.ident for d in computed.outcome.drawn)}
    subject_names = dict(
        Subject.objects.filter(pk__in=[v[0] for v in codes.values()]).values_list("pk", "name")
    )
    return [
        {
            "plan": plan.pk if plan else None,
            "position": position,
            "subject_code": codes[d.ident][1],
            "subject_name": subject_names.get(codes[d.ident][0], ""),
            "kind": codes[d.ident][2],
            "grade": d.grade,
            "inspectors": [names[c] for c in d.inspectors],
            "inspector_certificates": list(d.inspectors),
        }
        for position, d in enumerate(computed.outcome.drawn, start=1)
    ]


def plan_inspections_for_output(plan: InspectionPlan) -> list[dict]:
    """A recorded draw as ``inspection_draw`` prints it."""
    rows = plan.inspections.select_related("subject").order_by("position")
    return [
        {
            "plan": plan.pk,
            "position": i.position,
            "subject_code": i.subject.code,
            "subject_name": i.subject.name,
            "kind": i.subject.kind,
            "grade": i.grade,
            "inspectors": [x["name"] for x in i.drawn_inspectors],
            "inspector_certificates": [x["certificate"] for x in i.drawn_inspectors],
        }
        for i in rows.iterator(chunk_size=5000)
    ]


@transaction.atomic
def command_draw(
    *,
    department: Department,
    matter: str,
    year: int,
    seed: str,
    ratios: dict | None = None,
    dry_run: bool = False,
) -> CommandDraw:
    """``inspection_draw`` (SPEC §7): a plan of ``department`` for the free-text ``matter`` in ``year``
    over every subject graded under ``public``. The same plan (department, matter, year) drawn again
    with the same seed gives the recorded draw; with another seed it is refused. A dry run records
    nothing and counts toward no cap."""
    matter = text_clean(matter, field="matter", label=_("matter"), max_length=500)
    seed = str(seed or "")
    if not seed.strip():
        raise ValidationError({"seed": _("Give the seed.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Give the year of the plan, such as 2026.")})
    # Grades the command line leaves out keep their default ratio.
    ratios = ratios_clean(selectors.catalogue_ratios() | (ratios or {}))
    _year_lock(year)
    recorded = (
        InspectionPlan.objects.filter(
            source=PlanSource.COMMAND,
            department=department,
            matter_text=matter,
            year=year,
            status=PlanStatus.DRAWN,
        )
        .order_by("pk")
        .first()
    )
    if recorded is not None:
        if recorded.seed_sha256 != seed_hash(seed):
            raise ValidationError(
                _("This plan was drawn already with another seed (its hash %(hash)s); its draw stands.")
                % {"hash": recorded.seed_sha256}
            )
        return CommandDraw(
            recorded,
            plan_inspections_for_output(recorded),
            recorded.strata,
            recorded.skipped_count,
            recorded.eligible_count,
            True,
        )
    if dry_run:
        computed = draw_compute(
            seed=seed,
            year=year,
            scope=PlanScope.GRADED,
            subject_kinds=[],
            department_ids=[department.pk],
            ratios=ratios,
        )
        return CommandDraw(
            None,
            _lines(None, computed),
            _strata(computed.outcome),
            computed.outcome.skipped,
            len(computed.entries),
            False,
        )
    plan = InspectionPlan.objects.create(
        title=f"{department.name} {year} {matter}"[:200],
        department=department,
        matter_text=matter,
        year=year,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        scope=PlanScope.GRADED,
        subject_kinds=[],
        ratios=ratios,
        source=PlanSource.COMMAND,
        status=PlanStatus.ANNOUNCED,
        seed=seed,
        seed_sha256=seed_hash(seed),
        announced_at=timezone.now(),
    )
    plan.departments.set([department])
    PLANS.created(plan, actor=None, action="inspection.plan_create", after=model_snapshot(plan, PLAN_FIELDS))
    plan, computed = _draw_and_record(actor=None, plan=plan)
    return CommandDraw(
        plan, _lines(plan, computed), plan.strata, plan.skipped_count, plan.eligible_count, False
    )


# --- results -------------------------------------------------------------------------------------------

ENTERERS = Permission(
    lambda actor, inspection: can_enter_result(actor, inspection.plan),
    gettext_lazy("Only staff of the plan's departments enter its results."),
)


@transaction.atomic
def inspection_result_enter(
    *,
    actor: User,
    inspection: Inspection,
    outcome: str,
    inspected_on,
    findings: str = "",
    record_kind: str = "inspection_failed",
    document_number: str = "",
    decision_date=None,
    sanction: str = "",
    fine_amount=None,
    today: datetime.date | None = None,
) -> Inspection:
    """The result of one inspection. A failed one becomes a credit record of the actor's department —
    检查不合格, or the correction order, warning or penalty it led to — entered and submitted through
    intake; it takes effect after the department's four-eyes review (SPEC §3.1, §5)."""
    today = today or timezone.localdate()
    if outcome not in (Result.PASSED, Result.CORRECTED, Result.FAILED):
        raise ValidationError({"outcome": _("Choose the result of the inspection.")})
    inspection = RESULTS.begin(
        inspection, outcome, actor=actor, verb=_("given a result"), permission=ENTERERS
    )
    try:
        day = parse_date(inspected_on)
    except (TypeError, ValueError):
        raise ValidationError({"inspected_on": _("Give the day of the inspection as YYYY-MM-DD.")}) from None
    if day > today:
        raise ValidationError({"inspected_on": _("The day of the inspection is in the future.")})
    if inspection.plan.drawn_at and day < timezone.localtime(inspection.plan.drawn_at).date():
        raise ValidationError({"inspected_on": _("The day of the inspection is before the draw.")})
    findings = text_clean(
        findings, field="findings", label=_("what was found"), required=outcome != Result.PASSED
    )
    fields: dict = {
        "inspected_on": day,
        "findings": findings,
        "entered_by": actor,
        "entered_at": timezone.now(),
    }
    if outcome == Result.FAILED:
        if record_kind not in FAILED_KINDS:
            raise ValidationError({"record_kind": _("Choose what the failed inspection becomes.")})
        sanctions = [SanctionInput(sanction, fine_amount or None)] if sanction else []
        record = record_create(
            actor=actor,
            subject=inspection.subject,
            data=RecordInput(
                kind=record_kind,
                document_number=document_number,
                decision_date=decision_date or day,
                matter=(_("Random inspection failed: %(matter)s") % {"matter": inspection.plan.matter_text})[
                    :200
                ],
                content=findings,
                sanctions=sanctions,
            ),
        )
        fields["record"] = record_submit(actor=actor, record=record)
    return RESULTS.transition(
        inspection, outcome, actor=actor, action="inspection.result", reason=findings, **fields
    )
