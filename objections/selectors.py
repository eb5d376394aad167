"""Read-side queries of the portal and the objection queues, always scoped to the user (SPEC §6)."""

from datetime import date
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import BooleanField, Case, Prefetch, QuerySet, Value, When, prefetch_related_objects
from django.utils import timezone

from accounts.models import User
from accounts.permissions import (
    is_credit_office,
    is_reviewer,
    is_subject_user,
    scope_by_role,
)
from records.models import CreditRecord, RecordStatus
from records.selectors import records_of_own_subject

from .models import (
    CLOCK_RUNNING,
    OPEN_STATUSES,
    AccountRequestStatus,
    Notification,
    Objection,
    ObjectionTarget,
    ObjectionTransition,
    SubjectAccountRequest,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class Overdue(TypedDict):
        overdue: bool

    # Objections annotated with ``overdue`` (``_with_overdue``), for the type checker.
    ObjectionsWithOverdue: TypeAlias = QuerySet[WithAnnotations[Objection, Overdue]]


def _with_overdue(qs: QuerySet[Objection], today: date) -> "ObjectionsWithOverdue":
    """Overdue: still open after its due date, the clock running (not while material is awaited)."""
    return qs.annotate(
        overdue=Case(
            When(status__in=CLOCK_RUNNING, deadline__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def objections_visible_to(*, user: User, today: date | None = None) -> "ObjectionsWithOverdue":
    """The credit office sees every objection; department staff those their department handles; a
    verified subject user its own subject's; anyone else none."""
    today = today or timezone.localdate()
    qs = _with_overdue(
        Objection.objects.select_related(
            "subject", "department", "record", "record__kind", "grade__scheme", "correction"
        ),
        today,
    )
    return scope_by_role(qs, user=user)


def objection_get(*, user: User, pk: int) -> Objection | None:
    return objections_visible_to(user=user).filter(pk=pk).first()


def objection_queue(*, user, today: date | None = None) -> "ObjectionsWithOverdue":
    """Open objections the user handles, overdue ones first, then by deadline: a department reviewer's
    record objections, the credit office's grade objections."""
    qs = objections_visible_to(user=user, today=today).filter(status__in=OPEN_STATUSES)
    if is_reviewer(user):
        qs = qs.filter(target=ObjectionTarget.RECORD, department_id=user.department_id)
    elif is_credit_office(user):
        qs = qs.filter(target=ObjectionTarget.GRADE)
    else:
        return qs.none()
    return qs.order_by("-overdue", "deadline", "id")


def objection_queue_summary(*, user: User, today: date | None = None) -> dict:
    qs = objection_queue(user=user, today=today)
    return {"open": qs.count(), "overdue": qs.filter(overdue=True).count()}


def portal_records(*, user: User) -> QuerySet[CreditRecord]:
    """The user's own subject's records that took effect (drafts and records under review are the
    department's own business), current versions first."""
    return records_of_own_subject(user=user).order_by("-is_current", "-decision_date", "-id")


def record_objectionable(record: CreditRecord) -> bool:
    return record.status == RecordStatus.EFFECTIVE and record.is_current and not record.under_objection


def notifications_for(*, user: User, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(user=user)
        .select_related("objection")
        .order_by("-created_at", "-id")[:limit]
    )


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def account_request_of(*, user: User) -> SubjectAccountRequest | None:
    return SubjectAccountRequest.objects.filter(user=user).first()


def account_request_for_holder(*, actor: User, pk: int) -> SubjectAccountRequest | None:
    """A pending request naming the subject of ``actor`` (an account already linked to it)."""
    if not is_subject_user(actor) or actor.subject is None:
        return None
    subject = actor.subject
    return SubjectAccountRequest.objects.filter(
        pk=pk,
        code=subject.code,
        kind=subject.kind,
        status=AccountRequestStatus.PENDING,
        user__is_active=True,
    ).first()


def account_requests_for_holder(*, user) -> list[SubjectAccountRequest]:
    """Requests waiting to be linked to the user's own subject (address confirmed), for its holder to
    approve or decline; none for anyone not linked to a subject."""
    if not (is_subject_user(user) and user.subject_id):
        return []
    subject = user.subject
    return list(
        SubjectAccountRequest.objects.filter(
            code=subject.code, kind=subject.kind, status=AccountRequestStatus.PENDING, user__is_active=True
        )
        .select_related("user")
        .order_by("created_at", "id")[:50]
    )


def account_requests_pending() -> QuerySet[SubjectAccountRequest]:
    return SubjectAccountRequest.objects.filter(status=AccountRequestStatus.PENDING).select_related("user")


def objection_for_detail(objection: Objection) -> Objection:
    prefetch_related_objects(
        [objection],
        "evidence",
        Prefetch("transitions", queryset=ObjectionTransition.objects.select_related("actor")),
    )
    return objection
