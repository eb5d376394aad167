"""Read-side queries on the registry, always scoped to what the user may see."""

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accesslog.collector import access_note_identity_number
from accounts.models import User
from accounts.permissions import is_own_subject, is_staff_member, is_subject_user
from core.masking import mask_resident_id, mask_resident_id_region

from .identifiers import normalize_identifier
from .models import Subject, SubjectAnswerer, SubjectKind
from .permissions import can_see_full_code


def subjects_visible_to(*, user: User) -> QuerySet[Subject]:
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


def subject_search(*, user: User, q: str = "", kind: str = "") -> QuerySet[Subject]:
    qs = subjects_visible_to(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    return subjects_matching(qs, q)


def subject_get_by_code(*, user: User, code: str) -> Subject | None:
    return subjects_visible_to(user=user).filter(code=normalize_identifier(code)).first()


def subject_get(*, user: User, pk: int) -> Subject | None:
    return subjects_visible_to(user=user).filter(pk=pk).first()


def subject_visible_code(*, user: User, subject: Subject) -> str:
    """The code as this user may see it: identity numbers masked unless the role needs them whole.

    Every identity number shown whole is a read of personal data to be logged (003 §5(1) 查询使用): it
    is noted here, the one place numbers are unmasked, and written once per request."""
    if can_see_full_code(user, subject):
        if subject.is_natural_person:
            access_note_identity_number(user=user, subject=subject)
        return subject.code
    return mask_resident_id(subject.code)


def identity_numbers_visible_to(*, user: User) -> bool:
    """Whether ``user`` may see any natural person's identity number whole (the credit office and
    department reviewers, ``can_see_full_code``): for values that are not a registered subject yet,
    such as the rows of an uploaded file."""
    return bool(can_see_full_code(user, None))


def subject_may_be_viewed(*, user: User, subject: Subject) -> bool:
    return bool(is_staff_member(user) or is_own_subject(user, subject))


# --- what the public sees of a natural person (SPEC §6, §7; README "Natural persons on public pages") --


def subject_public_code(subject: Subject) -> str:
    """The code on the public look-up's answer: an organisation's in full, a natural person's masked
    6+4 (SPEC §7). Only shown to whoever typed the complete number to get there."""
    if subject.kind == SubjectKind.NATURAL_PERSON:
        return mask_resident_id(subject.code)
    return subject.code


def subject_public_list_code(subject: Subject) -> str:
    """The code beside a name on a public list (red and black lists, public commitments): a natural
    person's number shows its region only, so the list never gives the 6+4 that a look-up by number
    could complete by trying birth dates (issue: 684 guesses recovered a number)."""
    if subject.kind == SubjectKind.NATURAL_PERSON:
        return mask_resident_id_region(subject.code)
    return subject.code


def subjects_answered_for(*, person_ids: list[int]) -> dict[int, list[tuple[Subject, str]]]:
    """For each natural person, the subjects they answer for now (004 §6(5), 000 Art. 11(3)) — as
    legal representative, principal or actual controller — with the role in which they do, by name:
    two queries whatever the number of persons."""
    found: dict[int, list[tuple[Subject, str]]] = {pk: [] for pk in person_ids}
    for firm in Subject.objects.filter(legal_representative_id__in=person_ids).order_by("name", "pk"):
        if firm.legal_representative_id is not None:
            found[firm.legal_representative_id].append((firm, str(_("Legal representative"))))
    links = (
        SubjectAnswerer.objects.filter(person_id__in=person_ids, until__isnull=True)
        .select_related("subject")
        .order_by("subject__name", "subject_id", "role")
    )
    for link in links:
        found[link.person_id].append((link.subject, str(link.get_role_display())))
    return found


def subject_answerers(*, subject: Subject) -> list[SubjectAnswerer]:
    """The principal and actual controller links of a subject, current first, ended ones after (kept
    to show who answered when)."""
    return list(
        SubjectAnswerer.objects.filter(subject=subject)
        .select_related("person")
        .order_by(models.F("until").desc(nulls_first=True), "role", "-since", "id")
    )


def subjects_answered_for_q(person: Subject) -> Q:
    """The subjects ``person`` answers for now, as a filter on subjects (one query for the caller):
    as their legal representative, or by a current principal or actual controller link."""
    return Q(legal_representative=person) | Q(answerers__person=person, answerers__until__isnull=True)
