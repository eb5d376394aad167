"""Read-side queries of credit repair, always scoped to what the user may see (SPEC §6)."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_department_staff, is_reviewer, is_subject_user, scope_by_role
from records.models import CreditRecord, Polarity, RecordStatus
from records.selectors import record_search, records_of_own_subject

from .eligibility import RepairEligibility, repair_eligibility
from .models import OPEN_STATUSES, RepairApplication


def repair_applications_visible_to(*, user: User) -> QuerySet[RepairApplication]:
    """The credit office sees every application; department staff their department's; a subject user
    its own subject's; anybody else none."""
    qs = RepairApplication.objects.select_related(
        "record", "record__kind", "subject", "department", "submitted_by", "decided_by"
    )
    return scope_by_role(qs, user=user)


def repair_application_get(*, user: User, pk: int) -> RepairApplication | None:
    return repair_applications_visible_to(user=user).filter(pk=pk).first()


def repair_queue(*, user: User) -> QuerySet[RepairApplication]:
    """Open applications a reviewer handles, the most urgent (overdue) first."""
    if not is_reviewer(user):
        return RepairApplication.objects.none()
    return (
        repair_applications_visible_to(user=user)
        .filter(status__in=OPEN_STATUSES)
        .order_by("due_on", "submitted_at", "id")
    )


@dataclass(frozen=True)
class RepairableRecord:
    record: CreditRecord
    eligibility: RepairEligibility


def _negative_in_force() -> QuerySet[CreditRecord]:
    return CreditRecord.objects.select_related("kind", "department", "subject").filter(
        status=RecordStatus.EFFECTIVE, is_current=True, kind__polarity=Polarity.NEGATIVE
    )


def _with_eligibility(records: list[CreditRecord], *, today: datetime.date) -> list[RepairableRecord]:
    open_ids = set(
        RepairApplication.objects.filter(
            record_id__in=[r.pk for r in records], status__in=OPEN_STATUSES
        ).values_list("record_id", flat=True)
    )
    return [
        RepairableRecord(r, repair_eligibility(record=r, has_open_application=r.pk in open_ids, today=today))
        for r in records
    ]


def repair_candidates_for_subject(*, user: User, limit: int = 200, today=None) -> list[RepairableRecord]:
    """The subject user's own negative records in force, each saying whether — or from when — it can
    be repaired. Two queries, whatever the number of records."""
    if not (is_subject_user(user) and user.subject_id):
        return []
    today = today or timezone.localdate()
    records = list(
        _negative_in_force().filter(subject_id=user.subject_id).order_by("-decision_date", "-id")[:limit]
    )
    return _with_eligibility(records, today=today)


def repair_candidates_for_department(
    *, user, q: str = "", limit: int = 50, today=None
) -> list[RepairableRecord]:
    """Negative records in force of the staff member's department matching ``q`` (document number,
    subject name or code), for registering a paper application."""
    q = (q or "").strip()
    if not (is_department_staff(user) and q):
        return []
    today = today or timezone.localdate()
    records = list(
        _negative_in_force()
        .filter(department_id=user.department_id)
        .filter(record_search(q))
        .order_by("-decision_date", "-id")[:limit]
    )
    return _with_eligibility(records, today=today)


def repair_record_for_application(*, user, pk: int) -> CreditRecord | None:
    """A record the user may file a repair application for: the subject user's own record that took
    effect (never a draft or a record under review), or — for staff — one of the department's; None
    otherwise (the page answers 404)."""
    if is_subject_user(user):
        return records_of_own_subject(user=user).filter(pk=pk).first()
    qs = CreditRecord.objects.select_related("kind", "department", "subject")
    if is_department_staff(user):
        return qs.filter(pk=pk, department_id=user.department_id).first()
    return None


def repair_record_eligibility(*, record: CreditRecord, today=None) -> RepairEligibility:
    has_open = RepairApplication.objects.filter(record=record, status__in=OPEN_STATUSES).exists()
    return repair_eligibility(record=record, has_open_application=has_open, today=today)
