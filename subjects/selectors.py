"""Read-side queries on the registry, always scoped to what the user may see."""

from django.db.models import Q, QuerySet

from accesslog.collector import access_note_identity_number
from accounts.permissions import is_own_subject, is_staff_member, is_subject_user

from .identifiers import mask_resident_id, normalize_identifier
from .models import Subject
from .permissions import can_see_full_code


def subjects_visible_to(*, user) -> QuerySet[Subject]:
    """Staff see the whole registry; a subject user sees only its own subject; others nothing."""
    qs = Subject.objects.select_related("legal_representative")
    if is_staff_member(user):
        return qs
    if is_subject_user(user) and user.subject_id:
        return qs.filter(pk=user.subject_id)
    return qs.none()


def subjects_matching(queryset: QuerySet[Subject], q: str) -> QuerySet[Subject]:
    """Narrow ``queryset`` to an exact code (unified social credit code or identity number, normalised)
    or a part of the name. Staff find natural persons by name too; the public look-up has its own
    stricter rule (SPEC §7)."""
    q = (q or "").strip()
    if not q:
        return queryset
    code = normalize_identifier(q)
    if len(code) == 18:
        return queryset.filter(Q(code=code) | Q(name__icontains=q))
    return queryset.filter(name__icontains=q)


def subject_search(*, user, q: str = "", kind: str = "") -> QuerySet[Subject]:
    qs = subjects_visible_to(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    return subjects_matching(qs, q)


def subject_get_by_code(*, user, code: str) -> Subject | None:
    return subjects_visible_to(user=user).filter(code=normalize_identifier(code)).first()


def subject_get(*, user, pk: int) -> Subject | None:
    return subjects_visible_to(user=user).filter(pk=pk).first()


def subject_visible_code(*, user, subject: Subject) -> str:
    """The code as this user may see it: identity numbers masked unless the role needs them whole.

    Every identity number shown whole is a read of personal data to be logged (003 §5(1) 查询使用): it
    is noted here, the one place numbers are unmasked, and written once per request."""
    if can_see_full_code(user, subject):
        if subject.is_natural_person:
            access_note_identity_number(user=user, subject=subject)
        return subject.code
    return mask_resident_id(subject.code)


def subject_may_be_viewed(*, user, subject: Subject) -> bool:
    return bool(is_staff_member(user) or is_own_subject(user, subject))
