"""Writes of the measures app: red and black list entries, and applications of measures.

A listing feeds grading through an effective credit record (SPEC §3.2: on a joint-punishment list →
D-; 001 Art. 8(1): a commendation → A), entered through the records services so the regrade hook,
the record history and the audit log work as for any record; removal withdraws that record. Every
change is audited and, for local decisions, queued for the municipal platform (004 §6(1): 红黑名单认定
… 及时推送至市信用信息共享平台).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, User
from accounts.permissions import is_credit_office, is_department_staff, is_staff_member
from audit.services import audit_log_write, model_snapshot, snapshot_diff
from audit.workflow import Workflow
from core.types import Actor
from exchange.models import OutboxType
from exchange.services import outbox_enqueue
from grading.models import Scheme, SchemeKind
from grading.rules import ABC, LEVELS
from grading.selectors import grades_in_force
from grading.services import grades_compute, version_published
from records.models import CreditRecord, RecordStatus
from records.services import record_enter_effective, record_withdraw
from records.validation import RecordInput, parse_date
from subjects.models import Subject
from subjects.outbox import subject_payload

from .models import (
    LISTING_TRANSITIONS,
    ListEntry,
    ListExit,
    ListingStatus,
    ListingTransition,
    ListLevel,
    ListScope,
    ListSource,
    ListType,
    Measure,
    MeasureApplication,
)
from .selectors import list_entries_in_force

# The credit office's own department (SPEC §7 standard departments): lists pushed down by the platform
# and listings entered without a department are recorded under it.
CREDIT_OFFICE_DEPARTMENT = "xyb"
# 002 §3(1) with 003 §4.1: integrity models are chosen among the 诚信守法 class of the county grade.
RED_LIST_GRADES = ("A+", "A")
RED_LIST_SCHEME = "public"
EARLIEST_LISTING = datetime.date(1990, 1, 1)
COUNTING = (RecordStatus.EFFECTIVE, RecordStatus.EXPIRED)

LIST_RECORD_KIND: dict[str, str] = {ListType.RED: "red_list", ListType.BLACK: "joint_punishment_list"}
# Stored data, always in Chinese like the reference data (the matter of the record behind a listing).
LIST_MATTER: dict[str, str] = {ListType.RED: "列入诚信红榜", ListType.BLACK: "列入联合惩戒（黑）名单"}
LIST_ENTRY_AUDIT_FIELDS = [
    "list_type",
    "subject",
    "reason",
    "authority",
    "document_number",
    "level",
    "source",
    "external_id",
    "department",
    "listed_on",
    "removed_on",
    "removal_reason",
    "scope",
    "ends_on",
    "exit_kind",
    "record",
]

# A department's own lists (SPEC §3.6): the procedure of each listing (``measures.department_lists``);
# defined here because ending a listing's entry, whichever way (``_remove``), ends its procedure too.
LISTINGS = Workflow(
    ListingTransition,
    LISTING_TRANSITIONS,
    gettext_lazy("A listing that is “%(status)s” cannot be %(action)s."),
    related=("department", "subject", "entry"),
    audit_after=("list_type", "department", "subject", "document_number"),
)


def _require_system_or_credit_office(actor: Actor) -> None:
    if actor is not None and not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office maintains the red and black lists."))


def _date(value, *, field: str, label: str, future: bool = False) -> datetime.date:
    """A date the user typed, refused in their language when it is not one, too early, or — unless
    ``future`` is allowed (the end of a listing period) — in the future."""
    if value in (None, ""):
        raise ValidationError({field: _("Enter the %(what)s.") % {"what": label}})
    try:
        day = parse_date(value)
    except ValueError:
        raise ValidationError(
            {field: _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}}
        ) from None
    if day > timezone.localdate() and not future:
        raise ValidationError({field: _("The date %(date)s is in the future.") % {"date": day}})
    if day < EARLIEST_LISTING:
        raise ValidationError({field: _("The date %(date)s is too early.") % {"date": day}})
    return day


def public_grade_now(*, subject: Subject) -> str:
    """The subject's county grade in force (SPEC §3.5); computed (without storing) when it has none yet."""
    grade = next(
        (
            g.grade
            for g in grades_in_force(
                subject_ids=[subject.pk], scheme_code=RED_LIST_SCHEME, with_reasons=False
            )
            if g.department_id is None
        ),
        None,
    )
    if grade is not None:
        return grade
    scheme = Scheme.objects.filter(code=RED_LIST_SCHEME).first()
    version = version_published(scheme=scheme) if scheme is not None else None
    if version is None:
        return ""
    for _subject_id, outcome in grades_compute(
        version=version, department=None, as_of=timezone.localdate(), subject_ids=[subject.pk]
    ):
        return outcome.grade
    return ""


def list_entry_add_clean(
    *,
    list_type: str,
    subject: Subject | None,
    reason: str,
    authority: str,
    listed_on,
    level: str = ListLevel.COUNTY,
    source: str = ListSource.LOCAL,
    external_id: str = "",
    document_number: str = "",
) -> dict:
    """Check a new listing and return its clean values; raises ``ValidationError`` keyed by field.
    Reads only, so the admin form calls it too and shows the same messages."""
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if list_type not in ListType.values:
        fail("list_type", _("Choose the red list or the black list."))
    if subject is None:
        fail("subject", _("Choose the subject."))
    reason = (reason or "").strip()
    if not reason:
        fail("reason", _("Give the reason for the listing."))
    authority = " ".join((authority or "").split())
    if not authority:
        fail("authority", _("Name the deciding authority."))
    elif len(authority) > 200:
        fail("authority", _("The name of the authority is too long (at most 200 characters)."))
    if level not in ListLevel.values:
        fail("level", _("Choose the level: county, municipal, provincial or national."))
    if source not in ListSource.values:
        fail("source", _("Unknown source “%(value)s”.") % {"value": source})
    external_id = (external_id or "").strip()
    if len(external_id) > 100:
        fail("external_id", _("The identifier is too long (at most 100 characters)."))
    if source == ListSource.PLATFORM and not external_id:
        fail("external_id", _("A listing pushed down by the platform needs its identifier there."))
    document_number = " ".join((document_number or "").split())
    if len(document_number) > 100:
        fail("document_number", _("The document number is too long (at most 100 characters)."))
    day = None
    try:
        day = _date(listed_on, field="listed_on", label=_("listing date"))
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if not errors:
        assert subject is not None  # refused into ``errors`` above
        in_force = list_entries_in_force(subject_ids=[subject.pk])
        if list_type == ListType.RED:
            if any(e.list_type == ListType.BLACK for e in in_force):
                fail(
                    "subject",
                    _("%(name)s is on the joint-punishment (black) list and cannot be an integrity model.")
                    % {"name": subject.name},
                )
            elif source == ListSource.LOCAL:
                grade = public_grade_now(subject=subject)
                if grade not in RED_LIST_GRADES:
                    fail(
                        "subject",
                        _(
                            "Integrity models are chosen among subjects graded A+ or A in the county "
                            "evaluation (002 §3(1)); %(name)s is graded %(grade)s."
                        )
                        % {"name": subject.name, "grade": grade or _("not graded")},
                    )
        if not errors and document_number:
            taken = CreditRecord.objects.filter(
                subject=subject,
                document_number=document_number,
                matter_key=LIST_MATTER[list_type].casefold(),
                is_current=True,
            ).exists()
            if taken:
                fail(
                    "document_number",
                    _("A listing of %(name)s under document %(number)s is already entered.")
                    % {"name": subject.name, "number": document_number},
                )
        if not errors and not external_id:
            same = [e for e in in_force if e.list_type == list_type and e.authority == authority]
            if same:
                fail(
                    "subject",
                    _("%(name)s is already on this list by decision of %(authority)s (since %(date)s).")
                    % {"name": subject.name, "authority": authority, "date": same[0].listed_on},
                )
    if errors:
        raise ValidationError(errors)
    return {
        "list_type": list_type,
        "subject": subject,
        "reason": reason,
        "authority": authority,
        "listed_on": day,
        "level": level,
        "source": source,
        "external_id": external_id,
        "document_number": document_number,
    }


def _outbox(entry: ListEntry, *, event: str) -> None:
    # Entries pushed down by the platform came from it; only local decisions go up (004 §6(1)).
    if entry.source != ListSource.LOCAL:
        return
    subject = entry.subject
    outbox_enqueue(
        type=OutboxType.LIST_ENTRY,
        key=f"{entry.pk}:{event}",
        payload={
            **subject_payload(subject),
            "event": event,
            "entry_id": entry.pk,
            "list_type": entry.list_type,
            "reason": entry.reason,
            "authority": entry.authority,
            "document_number": entry.document_number,
            "level": entry.level,
            "listed_on": entry.listed_on,
            "removed_on": entry.removed_on,
            "removal_reason": entry.removal_reason,
            "department_code": entry.department.code,
            # Whose list: the county's joint list, or the deciding department's own (SPEC §3.6),
            # which has a listing period.
            "list_scope": entry.scope,
            "listed_until": entry.ends_on,
        },
    )


def _list_record_input(entry: ListEntry) -> RecordInput:
    return RecordInput(
        kind=LIST_RECORD_KIND[entry.list_type],
        document_number=entry.document_number or f"名单{entry.pk}",
        decision_date=entry.listed_on,
        matter=LIST_MATTER[entry.list_type],
        content=f"{entry.reason}（认定机关：{entry.authority}）",
    )


@transaction.atomic
def list_entry_add(
    *,
    actor: Actor,
    list_type: str,
    subject: Subject,
    reason: str,
    authority: str,
    listed_on,
    level: str = ListLevel.COUNTY,
    department: Department | None = None,
    source: str = ListSource.LOCAL,
    external_id: str = "",
    document_number: str = "",
) -> ListEntry:
    """List ``subject`` on the red or black list (credit office, or the system for the platform's lists).

    Idempotent on (source, external_id) when an external id is given: the entry already made is
    returned unchanged. The listing counts in grading through an effective record; a black listing ends
    the subject's red listings in force (003 §4.1: an integrity model that turns seriously dishonest
    loses its incentives)."""
    _require_system_or_credit_office(actor)
    external_id = (external_id or "").strip()
    if external_id:
        existing = ListEntry.objects.filter(source=source, external_id=external_id).first()
        if existing is not None:
            return existing
    if subject is not None:
        Subject.objects.select_for_update().filter(pk=subject.pk).first()  # one listing at a time
    values = list_entry_add_clean(
        list_type=list_type,
        subject=subject,
        reason=reason,
        authority=authority,
        listed_on=listed_on,
        level=level,
        source=source,
        external_id=external_id,
        document_number=document_number,
    )
    department = (
        department
        or getattr(actor, "department", None)
        or Department.objects.get(code=CREDIT_OFFICE_DEPARTMENT)
    )
    user = actor if getattr(actor, "is_authenticated", False) else None
    if values["list_type"] == ListType.BLACK:
        for red in list_entries_in_force(subject_ids=[subject.pk]).filter(list_type=ListType.RED):
            _remove(
                red,
                actor=actor,
                removed_on=max(values["listed_on"], red.listed_on),
                reason=_("Listed on the joint-punishment (black) list."),
            )
    entry = ListEntry.objects.create(department=department, created_by=user, **values)
    record = record_enter_effective(
        actor=actor,
        subject=subject,
        department=department,
        data=_list_record_input(entry),
        reason=_("Listing decided by %(authority)s.") % {"authority": entry.authority},
    )
    entry.record = record
    entry.save(update_fields=["record"])
    audit_log_write(
        actor=actor,
        action="list.add",
        target=entry,
        after=model_snapshot(entry, LIST_ENTRY_AUDIT_FIELDS),
        reason=entry.reason,
    )
    _outbox(entry, event="listed")
    return entry


def _remove(
    entry: ListEntry,
    *,
    actor: Actor,
    removed_on: datetime.date,
    reason: str,
    exit: str = ListExit.DECISION,
) -> ListEntry:
    """End a listing on ``removed_on`` (the first day it no longer holds), by ``exit``; the record
    behind it stops counting, the platform is told, and a department's listing ends its procedure."""
    before = model_snapshot(entry, LIST_ENTRY_AUDIT_FIELDS)
    entry.removed_on = removed_on
    entry.removal_reason = reason
    entry.exit_kind = exit
    entry.removed_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.save(update_fields=["removed_on", "removal_reason", "exit_kind", "removed_by"])
    # A record already revoked or repaired by its own workflow (an objection, credit repair) no longer
    # counts; only one still counting is withdrawn.
    if entry.record is not None and entry.record.status in COUNTING:
        record_withdraw(
            # A department ending its own listing (SPEC §3.6): the record is withdrawn by the system
            # on the reviewer's decision, which the listing's audit entries name (as repair does).
            actor=actor if actor is None or is_credit_office(actor) else None,
            record=entry.record,
            reason=_("Removed from the list: %(reason)s") % {"reason": reason},
        )
    audit_log_write(
        actor=actor,
        action="list.remove",
        target=entry,
        before=before,
        after=model_snapshot(entry, LIST_ENTRY_AUDIT_FIELDS),
        reason=reason,
    )
    _outbox(entry, event="removed")
    if entry.scope == ListScope.DEPARTMENT:
        listing = getattr(entry, "department_listing", None)
        if listing is not None and listing.status == ListingStatus.EFFECTIVE:
            listing = LISTINGS.lock(listing)
            LISTINGS.transition(
                listing,
                ListingStatus.ENDED,
                actor=actor,
                action="list.department_end",
                reason=f"{ListExit(exit).label}：{reason}",
                verb=_("ended"),
            )
    return entry


def list_entry_remove_clean(
    *, entry: ListEntry, removed_on, reason: str, actor: Actor = None
) -> tuple[datetime.date, str]:
    """Check a removal; raises ``ValidationError`` keyed by field (the admin form calls it too)."""
    if entry.removed_on is not None:
        raise ValidationError(_("This listing was already removed on %(date)s.") % {"date": entry.removed_on})
    if entry.scope == ListScope.DEPARTMENT and actor is not None:
        # SPEC §3.6: a department answers for its own lists; the system ends them on repair.
        raise ValidationError(
            _("This is a listing of %(department)s's own list: a reviewer of that department ends it.")
            % {"department": entry.department.name}
        )
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["removal_reason"] = [_("Give the reason for the removal.")]
    day = None
    try:
        day = _date(removed_on, field="removed_on", label=_("removal date"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if day is not None and day < entry.listed_on:
        errors.setdefault("removed_on", []).append(
            _("The removal date cannot be before the listing date %(date)s.") % {"date": entry.listed_on}
        )
    if errors:
        raise ValidationError(errors)
    assert day is not None  # an invalid date was refused into ``errors`` above
    return day, reason


@transaction.atomic
def list_entry_remove(
    *, actor: Actor, entry: ListEntry, removed_on, reason: str, exit: str = ListExit.DECISION
) -> ListEntry:
    """End a listing (removal decided by the authority, or by credit repair, 004 §6(6): ``exit``); the
    record behind it stops counting in grading. A department's own listing is ended here only by the
    system (repair); its department ends it by decision (``department_lists.listing_remove``)."""
    _require_system_or_credit_office(actor)
    entry = ListEntry.objects.select_for_update().select_related("subject", "department").get(pk=entry.pk)
    day, reason = list_entry_remove_clean(entry=entry, removed_on=removed_on, reason=reason, actor=actor)
    return _remove(entry, actor=actor, removed_on=day, reason=reason, exit=exit)


# --- applying a measure and feedback (004 §6(3): 健全重点惩戒措施的成效统计与反馈机制) ---------------------

APPLICATION_AUDIT_FIELDS = [
    "measure",
    "subject",
    "department",
    "applied_on",
    "matter",
    "outcome",
    "outcome_note",
]


@transaction.atomic
def measure_application_record(
    *,
    actor: User,
    measure: Measure | None,
    subject: Subject | None,
    applied_on,
    outcome: str,
    department: Department | None = None,
    matter: str = "",
    outcome_note: str = "",
) -> MeasureApplication:
    """Record that a department applied a measure to a subject, and with what outcome.

    Department staff record for their own department; the credit office for any department (its own by
    default). The measure need not apply today: it may have been applied under an earlier grade."""
    if not is_staff_member(actor):
        raise PermissionDenied(_("Only department staff and the credit office record applied measures."))
    if is_department_staff(actor) and not is_credit_office(actor):
        if department is not None and department.pk != actor.department_id:
            raise PermissionDenied(_("You record measures applied by your own department only."))
        department = actor.department
    department = department or actor.department
    errors: dict[str, list[str]] = {}
    if measure is None:
        errors["measure"] = [_("Choose the measure.")]
    elif not measure.is_active:
        errors["measure"] = [_("The measure %(name)s is no longer in use.") % {"name": measure.name}]
    if subject is None:
        errors["subject"] = [_("Choose the subject.")]
    if department is None:
        errors["department"] = [_("Choose the department that applied the measure.")]
    if outcome not in MeasureApplication.Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    matter = " ".join((matter or "").split())
    if len(matter) > 200:
        errors["matter"] = [_("The matter is too long (at most 200 characters).")]
    day = None
    try:
        day = _date(applied_on, field="applied_on", label=_("date applied"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    # Each one missing was refused into ``errors`` above.
    assert measure is not None and subject is not None and department is not None and day is not None
    application = MeasureApplication.objects.create(
        measure=measure,
        subject=subject,
        department=department,
        applied_on=day,
        matter=matter,
        outcome=outcome,
        outcome_note=(outcome_note or "").strip(),
        created_by=actor,
    )
    audit_log_write(
        actor=actor,
        action="measure.apply",
        target=application,
        after=model_snapshot(application, APPLICATION_AUDIT_FIELDS),
    )
    return application


# --- the catalogue (maintained by the credit office in the admin) -------------------------------------

MEASURE_AUDIT_FIELDS = [
    "code",
    "name",
    "kind",
    "category",
    "description",
    "scheme",
    "grades",
    "grade_department",
    "list_type",
    "legal_basis",
    "extends_to_legal_representative",
    "parameters",
    "is_active",
    "sort_order",
]


def measure_clean(*, scheme, grades, list_type: str, parameters, grade_department=None) -> None:
    """The rules of a catalogue entry; raises ``ValidationError`` keyed by field (the admin form and
    ``measure_save`` both call it). A measure of a department scheme names the department whose grade
    brings it (SPEC §3.6); a county scheme's measure names none."""
    errors: dict[str, list[str]] = {}
    if scheme is not None and scheme.owner_id is not None and grade_department is None:
        errors["grade_department"] = [
            _("A measure of a department scheme follows one department's grade: choose the department.")
        ]
    elif grade_department is not None and (scheme is None or scheme.owner_id is None):
        errors["grade_department"] = [_("Only a measure of a department scheme names a grading department.")]
    if not isinstance(grades, list) or not all(isinstance(g, str) for g in grades):
        errors["grades"] = [_('Give the grades as a list, for example ["A+", "A"].')]
    elif scheme is not None:
        allowed = LEVELS if scheme.kind == SchemeKind.SCORE else ABC
        unknown = [g for g in grades if g not in allowed]
        if unknown or not grades:
            errors["grades"] = [
                _("The grades of the scheme %(scheme)s are %(allowed)s.")
                % {"scheme": scheme.name, "allowed": "、".join(allowed)}
            ]
    elif grades:
        errors["grades"] = [_("Grades need a scheme.")]
    if scheme is None and not list_type:
        errors.setdefault("scheme", []).append(
            _("A measure applies by a scheme's grades, by a list, or both.")
        )
    if list_type and list_type not in ListType.values:
        errors["list_type"] = [_("Choose the red list or the black list.")]
    if not isinstance(parameters, dict):
        errors["parameters"] = [_("The parameters must be a JSON object.")]
    elif "inspections_per_year" in parameters:
        cap = parameters["inspections_per_year"]
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 0):
            errors["parameters"] = [
                _("inspections_per_year is a whole number of at least 0 (0: exempt), or null for no cap.")
            ]
    if isinstance(parameters, dict) and "sampling_ratio" in parameters:
        ratio = parameters["sampling_ratio"]
        try:
            valid = not isinstance(ratio, bool) and 0 <= Decimal(str(ratio)) <= 1
        except (InvalidOperation, ValueError):
            valid = False
        if not valid:
            errors.setdefault("parameters", []).append(
                _("sampling_ratio is the default share of the grade drawn for inspection, from 0 to 1.")
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def measure_save(*, actor: Actor, measure: Measure, departments, reason: str) -> Measure:
    """Create or change a catalogue entry (credit office only), audited with before and after."""
    if not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office maintains the measures catalogue."))
    reason = (reason or "").strip()
    if measure.pk is not None and not reason:
        raise ValidationError({"reason": _("Give the reason for the change.")})
    measure_clean(
        scheme=measure.scheme,
        grades=measure.grades,
        list_type=measure.list_type,
        parameters=measure.parameters,
        grade_department=measure.grade_department,
    )
    before = None
    if measure.pk is not None:
        old = Measure.objects.select_for_update().get(pk=measure.pk)
        before = model_snapshot(old, MEASURE_AUDIT_FIELDS) | {
            "departments": sorted(old.departments.values_list("code", flat=True))
        }
    created = measure.pk is None
    measure._change_reason = reason
    measure.save()
    measure.departments.set(list(departments))
    after = model_snapshot(measure, MEASURE_AUDIT_FIELDS) | {
        "departments": sorted(d.code for d in departments)
    }
    if before is not None:
        before, after = snapshot_diff(before, after)
    audit_log_write(
        actor=actor,
        action="measure.create" if created else "measure.update",
        target=measure,
        before=before,
        after=after,
        reason=reason,
    )
    return measure
