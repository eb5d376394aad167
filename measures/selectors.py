"""Reads of the measures app: list memberships in force, which measures apply to a subject now, and the
applications of measures with their counts."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_credit_office, is_department_staff, is_reviewer, is_subject_user
from grading.models import Grade, GradeInForce
from grading.population import department_memberships
from grading.presentation import reasons_text
from grading.selectors import grades_in_force
from grading.services import grades_compute, versions_published
from subjects.identifiers import normalize_identifier, validate_resident_id, validate_uscc
from subjects.models import Subject
from subjects.selectors import subjects_answered_for_q

from .models import (
    OPEN_LISTING_STATUSES,
    TOLD_STATUSES,
    DepartmentListing,
    ListEntry,
    ListingStatus,
    ListingTransition,
    ListScope,
    Measure,
    MeasureApplication,
)


def list_entries_in_force(*, subject_ids: Iterable[int] | None, on: datetime.date | None = None) -> QuerySet:
    """Listings in force on ``on`` (today by default): listed on or before that day, not removed by
    then (``removed_on`` is the first day a listing no longer holds) and, for a listing with a period
    (a department's own lists), not past its last day — even before the expiry has been written.
    ``subject_ids=None``: every subject (the public lists)."""
    on = on or timezone.localdate()
    qs = (
        ListEntry.objects.filter(listed_on__lte=on)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    )
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=list(subject_ids))
    return qs.select_related("subject", "department").order_by("list_type", "-listed_on", "-id")


def subject_code_checked(*, code: str) -> str:
    """``code`` normalised, or ``ValidationError`` saying what is wrong with it: a unified social credit
    code (GB 32100-2015) or a resident identity number (GB 11643-1999), with its check character."""
    value = normalize_identifier(code or "")
    if not value:
        raise ValidationError(_("Give the subject's code."))
    errors = []
    for validator in (validate_uscc, validate_resident_id):
        try:
            return validator(value)
        except ValidationError as exc:
            errors.append(exc)
    # An all-digit code is meant as an identity number; anything else as a credit code.
    person = all(c.isdigit() for c in value[:17]) and len(value) == 18
    reason = errors[1] if person else errors[0]
    raise ValidationError(
        _("“%(code)s” is not a valid code: %(reason)s") % {"code": code.strip(), "reason": reason.messages[0]}
    )


def _applies(measure: Measure, grade) -> bool:
    """A measure of a scheme applies on a grade of that scheme among its grades — for a department
    scheme, only the grade its grading department gives (SPEC §3.6)."""
    return (
        measure.scheme_id is not None
        and grade.scheme_id == measure.scheme_id
        and grade.grade in measure.grades
        and (measure.grade_department_id is None or grade.department_id == measure.grade_department_id)
    )


def _list_reason(entry: ListEntry) -> str:
    return _("On the %(list)s since %(date)s by decision of %(authority)s: %(reason)s") % {
        "list": entry.list_name,
        "date": entry.listed_on.isoformat(),
        "authority": entry.authority,
        "reason": entry.reason,
    }


def _list_brings(entry: ListEntry, measure_departments: list[str]) -> bool:
    """A county list brings every measure of its list; a department's own list (SPEC §3.6) only the
    measures that department implements (e.g. 002 §4(3) 黑名单制度 for the housing security centre),
    not the joint punishment of the county's black list."""
    return entry.scope != ListScope.DEPARTMENT or entry.department.code in measure_departments


def _item(measure: Measure, *, grade, entry, via: Subject | None, departments: list[str]) -> dict:
    reasons = list(grade.reason_texts) if grade is not None else []
    if entry is not None:
        reasons.append(entry.reason_text)
    return {
        "measure_code": measure.code,
        "measure_name": measure.name,
        "kind": measure.kind,
        "category": measure.category,
        "scheme": measure.scheme.code if measure.scheme is not None else None,
        "scheme_name": measure.scheme.name if measure.scheme is not None else None,
        "grade": grade.grade if grade is not None else None,
        # SPEC §3.6: a department grade carries the department's code (None: the county's grade).
        "department": getattr(grade.department, "code", None) if grade is not None else None,
        "grade_department": getattr(grade.department, "code", None) if grade is not None else None,
        "as_of": grade.as_of.isoformat() if grade is not None else None,
        "list": entry.list_type if entry is not None else None,
        "list_name": entry.list_name if entry is not None else None,
        "list_authority": entry.authority if entry is not None else None,
        "listed_on": entry.listed_on.isoformat() if entry is not None else None,
        "legal_basis": measure.legal_basis,
        "parameters": dict(measure.parameters or {}),
        "departments": list(departments),
        "extends_to_legal_representative": measure.extends_to_legal_representative,
        "reasons": reasons,
        "via_subject": via.code if via is not None else None,
        "via_subject_name": via.name if via is not None else None,
    }


def _grades_not_stored_yet(subject_ids: list[int], stored: set[tuple[int, int, int | None]]) -> list[Grade]:
    """Grades of subjects that have none yet under a published version (registered since the last
    nightly regrade), computed now by the grading service and not stored: "now" does not wait for
    the night. A department's version grades only the department's subjects (SPEC §3.6). Costs a
    query when every grade is stored."""
    today = timezone.localdate()
    computed: list[Grade] = []
    memberships: set[tuple[int, int]] | None = None
    for version in versions_published():
        scheme = version.scheme
        department = version.department if scheme.owner_id is not None else None
        department_id = getattr(department, "pk", None)
        missing = [i for i in subject_ids if (i, scheme.pk, department_id) not in stored]
        if missing and department_id is not None:
            # Without a grade of the department yet, a subject is its subject by its records.
            if memberships is None:
                memberships = department_memberships(subject_ids)
            missing = [i for i in missing if (i, department_id) in memberships]
        if not missing:
            continue
        for subject_id, outcome in grades_compute(
            version=version, department=department, as_of=today, subject_ids=missing
        ):
            computed.append(
                Grade(
                    subject_id=subject_id,
                    scheme=scheme,
                    version=version,
                    department=department,
                    as_of=today,
                    grade=outcome.grade,
                    score=outcome.score,
                    reasons=outcome.reasons,
                )
            )
    return computed


def measures_applicable(*, subject: Subject) -> list[dict]:
    """The measures that apply to ``subject`` now (SPEC §4, §7 ``manage.py measures``): those its grades
    in force (SPEC §3.5) bring and those of the lists it is on — and, for a natural person, the
    measures that extend to the legal representative (000 Art. 11(3), 004 §6(5)) of each subject it
    answers for (as legal representative, principal or actual controller), marked with
    ``via_subject``. A measure applies by grade (its scheme's grade in force is one of its grades) or by
    list (the subject is on its list); a measure is listed once per subject it comes from. A subject
    not graded yet under a scheme is graded on the fly (not stored).

    Set-based: a fixed number of queries whatever the number of measures, grades or represented firms.
    """
    represented: list[Subject] = []
    if subject.is_natural_person:
        # 004 §6(5): the legal representative, the principal and the actual controller.
        represented = list(
            Subject.objects.filter(subjects_answered_for_q(subject)).distinct().order_by("name", "pk")
        )
    ids = [subject.pk] + [s.pk for s in represented]
    stored = grades_in_force(subject_ids=ids)  # worded once, in the reader's language
    not_stored = _grades_not_stored_yet(ids, {(g.subject_id, g.scheme_id, g.department_id) for g in stored})
    for unstored in not_stored:
        unstored.reason_texts = reasons_text(unstored.reasons)
    grades: dict[int, list] = {i: [] for i in ids}
    shown: list[GradeInForce | Grade] = [*stored, *not_stored]
    for given in shown:
        if given.grade:  # "not graded": no grade brings measures
            grades[given.subject_id].append(given)
    entries: dict[int, list[ListEntry]] = {i: [] for i in ids}
    for entry in list_entries_in_force(subject_ids=ids):
        entry.reason_text = _list_reason(entry)
        entries[entry.subject_id].append(entry)
    measures = list(Measure.objects.filter(is_active=True).select_related("scheme"))
    departments: dict[int, list[str]] = {}
    for measure_id, code in Measure.departments.through.objects.order_by(
        "department__sort_order", "department__code"
    ).values_list("measure_id", "department__code"):
        departments.setdefault(measure_id, []).append(code)
    items: list[dict] = []
    for source, via in [(subject, None)] + [(firm, firm) for firm in represented]:
        own_grades = grades[source.pk]
        for measure in measures:
            if via is not None and not measure.extends_to_legal_representative:
                continue
            grade = next((g for g in own_grades if _applies(measure, g)), None)
            entry = next(
                (
                    e
                    for e in entries[source.pk]
                    if measure.list_type
                    and e.list_type == measure.list_type
                    and _list_brings(e, departments.get(measure.pk, []))
                ),
                None,
            )
            if grade is not None or entry is not None:
                items.append(
                    _item(
                        measure,
                        grade=grade,
                        entry=entry,
                        via=via,
                        departments=departments.get(measure.pk, []),
                    )
                )
    return items


# --- applications and their counts (004 §6(3)) ---------------------------------------------------------


def measure_applications_visible_to(*, user) -> QuerySet[MeasureApplication]:
    """The credit office sees every department's applications; department staff their own department's;
    anyone else nothing."""
    qs = MeasureApplication.objects.select_related("measure", "subject", "department", "created_by")
    if is_credit_office(user):
        return qs
    if is_department_staff(user):
        return qs.filter(department_id=user.department_id)
    return qs.none()


def measure_application_counts(*, queryset: QuerySet[MeasureApplication]) -> list[dict]:
    """Counts per measure, department and month (one grouped query), newest month first."""
    rows = (
        queryset.annotate(month=TruncMonth("applied_on"))
        .values(
            "month",
            "measure__code",
            "measure__name",
            "measure__kind",
            "department__code",
            "department__name",
        )
        .annotate(count=Count("id"))
        .order_by("-month", "department__code", "measure__code")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m") if row["month"] else "",
            "measure_code": row["measure__code"],
            "measure_name": row["measure__name"],
            "kind": row["measure__kind"],
            "department_code": row["department__code"],
            "department_name": row["department__name"],
            "count": row["count"],
        }
        for row in rows
    ]


# --- a department's own red and black lists (SPEC §3.6) -------------------------------------------------


def department_listings_visible_to(*, user) -> QuerySet[DepartmentListing]:
    """The credit office sees every department's listings; department staff their own department's; a
    subject user its own subject's from the day it was told (never a proposal inside the department);
    anyone else none."""
    qs = DepartmentListing.objects.select_related(
        "department", "subject", "entry", "proposed_by", "submitted_by", "reviewed_by"
    )
    if is_credit_office(user):
        return qs
    if is_department_staff(user):
        return qs.filter(department_id=user.department_id)
    if is_subject_user(user) and user.subject_id:
        return qs.filter(subject_id=user.subject_id, status__in=TOLD_STATUSES)
    return qs.none()


def department_listing_get(*, user, pk: int) -> DepartmentListing | None:
    return department_listings_visible_to(user=user).filter(pk=pk).first()


def department_listing_queue(*, user) -> QuerySet[DepartmentListing]:
    """What waits for the user's department: for a reviewer, proposals to approve or return (not their
    own) and statements to consider; for a clerk, proposals returned for correction."""
    if not is_department_staff(user):
        return DepartmentListing.objects.none()
    qs = department_listings_visible_to(user=user)
    if is_reviewer(user):
        wanted = Q(status=ListingStatus.STATEMENT) | (
            Q(status=ListingStatus.PROPOSED) & ~Q(proposed_by=user) & ~Q(submitted_by=user)
        )
        return qs.filter(wanted).order_by("proposed_at", "pk")
    return qs.filter(status=ListingStatus.RETURNED).order_by("proposed_at", "pk")


def department_listing_news(*, user) -> QuerySet[ListingTransition]:
    """What the credit office was told and has not read yet: every department listing proposed (or
    proposed again), and every one that took effect (SPEC §3.6)."""
    if not is_credit_office(user):
        return ListingTransition.objects.none()
    return (
        ListingTransition.objects.filter(
            office_read_at__isnull=True, to_status__in=[ListingStatus.PROPOSED, ListingStatus.EFFECTIVE]
        )
        .select_related("listing__department", "listing__subject", "actor")
        .order_by("-at", "-id")
    )


def department_listings_of_subject(*, user, subject_id: int) -> list[DepartmentListing]:
    """The subject's department listings under way or in force, as the user may see them (the subject
    page's section)."""
    return list(
        department_listings_visible_to(user=user)
        .filter(subject_id=subject_id, status__in=OPEN_LISTING_STATUSES)
        .order_by("-proposed_at", "-pk")
    )


def department_listings_told(*, user) -> list[DepartmentListing]:
    """The listings a subject user was told of (the portal): the ones awaiting its statement first."""
    if not (is_subject_user(user) and user.subject_id):
        return []
    rows = department_listings_visible_to(user=user).order_by("-notified_on", "-pk")[:100]
    return sorted(rows, key=lambda listing: listing.status != ListingStatus.HEARING)


def list_entries_public_scope(queryset: QuerySet, *, keeper: str) -> QuerySet:
    """The entries of one keeper: ``county`` (the joint lists) or a department's code (its own list);
    empty: all."""
    if keeper == "county":
        return queryset.filter(scope=ListScope.JOINT)
    if keeper:
        return queryset.filter(scope=ListScope.DEPARTMENT, department__code=keeper)
    return queryset
