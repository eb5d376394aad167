"""Read-side queries of commitments and voluntary registrations, scoped to the user (SPEC §6); the
public list shows only what may be published, natural persons masked (SPEC §6)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import (
    is_credit_office,
    is_department_staff,
    is_reviewer,
    is_subject_user,
    scope_by_role,
)
from subjects.identifiers import normalize_identifier
from subjects.models import SubjectKind

from .models import (
    Commitment,
    CommitmentStatus,
    CommitmentTemplate,
    VoluntaryEntry,
    VoluntaryStatus,
)


def commitment_templates_for(*, user) -> QuerySet[CommitmentTemplate]:
    """Templates the user may sign (subject users: every one in use) or maintain (staff: their
    department's, in use or not; the credit office: all)."""
    qs = CommitmentTemplate.objects.select_related("department")
    if is_credit_office(user):
        return qs
    if is_department_staff(user):
        return qs.filter(department_id=user.department_id)
    if is_subject_user(user) and user.subject_id:
        return qs.filter(is_active=True)
    return qs.none()


def commitment_template_get(*, user: User, pk: int) -> CommitmentTemplate | None:
    return commitment_templates_for(user=user).filter(pk=pk).first()


def commitment_templates_public() -> QuerySet[CommitmentTemplate]:
    return CommitmentTemplate.objects.select_related("department").filter(is_active=True)


def commitments_visible_to(*, user: User) -> QuerySet[Commitment]:
    qs = Commitment.objects.select_related("subject", "department", "breach_record", "signed_by")
    return scope_by_role(qs, user=user)


def commitment_get(*, user: User, pk: int) -> Commitment | None:
    return commitments_visible_to(user=user).filter(pk=pk).first()


def commitments_materials_overdue(*, queryset: QuerySet[Commitment], today=None) -> QuerySet[Commitment]:
    """Signed commitments whose missing materials are past their deadline (容缺受理)."""
    today = today or timezone.localdate()
    return queryset.filter(status=CommitmentStatus.SIGNED, materials_due__lt=today)


def commitments_public(*, q: str = "") -> QuerySet[Commitment]:
    """Every signed commitment, newest first, for the public list (004 §3(1)). The search finds an
    organisation by part of its name or its exact code, and any commitment by its matter; a natural
    person is never found by identity number here (the list shows natural persons, but a search by
    number would confirm a guess at it with no budget of its own: SPEC §6). The public look-up, rate
    limited for identity numbers, is the one place a natural person is found by number."""
    qs = Commitment.objects.select_related("subject", "department").order_by("-signed_at", "-id")
    q = (q or "").strip()
    if q:
        organisation = ~Q(subject__kind=SubjectKind.NATURAL_PERSON)
        qs = qs.filter(
            (organisation & (Q(subject__code=normalize_identifier(q)) | Q(subject__name__icontains=q)))
            | Q(matter__icontains=q)
        )
    return qs


def public_subject_name(subject) -> str:
    """A natural person's name on public pages: the family name only (张**); organisations in full."""
    if subject.kind != SubjectKind.NATURAL_PERSON:
        return subject.name
    return subject.name[:1] + "*" * max(len(subject.name) - 1, 1)


def voluntary_entries_visible_to(*, user: User) -> QuerySet[VoluntaryEntry]:
    qs = VoluntaryEntry.objects.select_related("subject", "department", "decided_by", "positive_record")
    return scope_by_role(qs, user=user)


def voluntary_entry_get(*, user: User, pk: int) -> VoluntaryEntry | None:
    return voluntary_entries_visible_to(user=user).filter(pk=pk).first()


def voluntary_queue(*, user: User) -> QuerySet[VoluntaryEntry]:
    """Registrations awaiting verification by the reviewer's department, oldest first."""
    if not is_reviewer(user):
        return VoluntaryEntry.objects.none()
    return (
        voluntary_entries_visible_to(user=user)
        .filter(status=VoluntaryStatus.SUBMITTED)
        .order_by("submitted_at", "id")
    )


def voluntary_entries_verified(*, subject) -> QuerySet[VoluntaryEntry]:
    """Verified registrations of a subject, for its page (004 §5(3))."""
    return (
        VoluntaryEntry.objects.select_related("department")
        .filter(subject=subject, status=VoluntaryStatus.VERIFIED)
        .order_by("-decided_at", "-id")
    )
