"""Read-side queries on records, always scoped to what the user may see (SPEC §6)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_reviewer, is_subject_user, scope_by_role
from subjects.identifiers import normalize_identifier

from .models import CreditRecord, LicenceStatus, RecordStatus

NOT_YET_EFFECTIVE = (RecordStatus.DRAFT, RecordStatus.SUBMITTED, RecordStatus.RETURNED)


def records_visible_to(*, user: User) -> QuerySet[CreditRecord]:
    """The credit office sees all records; department staff their own department's; others none."""
    qs = CreditRecord.objects.select_related("subject", "kind", "department", "created_by")
    return scope_by_role(qs, user=user, own_subject=False)


def record_search(q: str, *, document_number: str = "document_number") -> Q:
    """What a search box over records finds: part of the document number (``document_number`` is its
    path from a row about a record) or of the subject's name, or the subject's exact code."""
    return (
        Q(**{f"{document_number}__icontains": q})
        | Q(subject__name__icontains=q)
        | Q(subject__code=normalize_identifier(q))
    )


def records_of_own_subject(*, user: User) -> QuerySet[CreditRecord]:
    """A verified subject user's own subject's records that took effect; none for anyone else.

    Drafts, submitted and returned records are the department's own work until its reviewer approves
    them (four eyes, 000/001 Art. 5): the subject sees a record once it is in force, and keeps seeing
    it revoked, corrected, repaired or expired. The one rule for every portal page (issue 13 #4)."""
    if not (is_subject_user(user) and user.subject_id):
        return CreditRecord.objects.none()
    return (
        CreditRecord.objects.filter(subject_id=user.subject_id)
        .exclude(status__in=NOT_YET_EFFECTIVE)
        .select_related("subject", "kind", "department")
        .defer("complainant_name", "complainant_contact")
    )


def record_shown_to(*, user: User, record: CreditRecord | None) -> CreditRecord | None:
    """``record`` when the user may see it named on a page of another object (a commitment's breach,
    a voluntary registration's positive record), else None: staff see it, a subject user only once it
    took effect."""
    if record is None:
        return None
    if is_subject_user(user):
        return record if record.status not in NOT_YET_EFFECTIVE else None
    return record


def record_get(*, user: User, pk: int) -> CreditRecord | None:
    return records_visible_to(user=user).filter(pk=pk).first()


def review_queue(*, user: User) -> QuerySet[CreditRecord]:
    """Submitted records a reviewer may approve: their department's, not entered or submitted by them."""
    if not is_reviewer(user):
        return CreditRecord.objects.none()
    return (
        records_visible_to(user=user)
        .filter(status=RecordStatus.SUBMITTED)
        .exclude(Q(created_by=user) | Q(submitted_by=user))
        .order_by("publish_due", "id")
    )


def records_publication_overdue(*, queryset: QuerySet[CreditRecord], today=None) -> QuerySet[CreditRecord]:
    """Records still not effective after their 7-working-day publication deadline (004 §4(3))."""
    today = today or timezone.localdate()
    return queryset.filter(status__in=NOT_YET_EFFECTIVE, publish_due__lt=today, is_current=True)


def records_published(*, queryset: QuerySet[CreditRecord] | None = None, on=None) -> QuerySet[CreditRecord]:
    """Records published on ``on`` (default today) — the one definition for the published views and
    exports: effective and current, of a published kind, inside the publication window (SPEC §3.4).
    Repaired, expired, revoked and corrected records are not; neither is a record whose window ended
    before the nightly expiry has marked it."""
    on = on or timezone.localdate()
    queryset = CreditRecord.objects.all() if queryset is None else queryset
    return queryset.filter(
        status=RecordStatus.EFFECTIVE, is_current=True, kind__is_published=True, publish_until__gte=on
    )


def licences_in_force(*, subject_ids: list[int], on=None) -> QuerySet[CreditRecord]:
    """The administrative licences of these subjects shown on ``on`` (default today) — on the staff
    subject page, the subject's portal and, through ``records_published``, the public look-up: records
    published that day (effective, current, within the licence's validity: ``publish_until`` is its
    有效期至, records.publication) whose licence is valid (当前状态 有效). Soonest to end first."""
    return (
        records_published(on=on)
        .filter(subject_id__in=subject_ids, kind__has_licence=True, licence_status=LicenceStatus.VALID)
        .select_related("kind", "department")
        .defer("complainant_name", "complainant_contact")
        .order_by("publish_until", "-decision_date", "id")
    )


def record_versions(*, record: CreditRecord) -> list[CreditRecord]:
    """The chain of versions this record belongs to, oldest first (corrections keep the old ones)."""
    chain = [record]
    while chain[0].replaces_id:
        chain.insert(0, CreditRecord.objects.get(pk=chain[0].replaces_id))
    newer = CreditRecord.objects.filter(replaces=chain[-1]).first()
    while newer is not None:
        chain.append(newer)
        newer = CreditRecord.objects.filter(replaces=newer).first()
    return chain
