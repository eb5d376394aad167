"""What the public sees (SPEC §1 "the public", §6, §7): published information only.

- Grades: the grades in force (SPEC §3.5: the value every reader shows — computed from the facts,
  a published run's, or a person's correction); only the value, never how it was corrected.
- Records: only records published on the day asked about — effective, current, of a kind that is
  published, decided on or before that day and within their publication period (SPEC §3.4); a repaired,
  revoked, corrected or expired record is no longer published. Never the complainant (000 Art. 13).
- Lists: red and black list memberships in force that day (002 §3(1), §4(3); 004 §6(1)).
- Natural persons: found only by the full identity number, never by name, and the number is always
  shown masked (SPEC §6, §7): 6+4 on the look-up's answer (whoever sees it typed the whole number), the
  region only beside a name on the red and black lists (``subject_public_list_code``), so no list
  hands out a mask that look-ups could complete. Look-ups by identity number have their own low
  budget per client address (``accounts.ratelimit``).

Every function here loads a whole page of subjects in a fixed number of queries; the profile itself is
read by ``profiles`` (plain SQL, the look-up's hot path).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from measures.selectors import list_entries_in_force, list_entries_public_scope
from records.models import CreditRecord, RecordStatus
from subjects.identifiers import (
    normalize_identifier,
    validate_resident_id,
    validate_uscc,
)
from subjects.models import Subject, SubjectKind

from .profiles import public_subject_by_code

CODE_LENGTH = 18


def _min_name_length() -> int:
    return getattr(settings, "PUBLIC_SEARCH_MIN_LENGTH", 2)


def _looks_like_code(value: str) -> bool:
    return len(value) == CODE_LENGTH and value.isascii() and value.isalnum()


def public_code_parse(*, code: str) -> str:
    """The normalised code if it is a valid unified social credit code or resident identity number;
    otherwise ``ValidationError`` with a message saying what is wrong (SPEC §7: malformed → 400)."""
    value = normalize_identifier(code or "")
    if not value:
        raise ValidationError(_("Enter a unified social credit code or a resident identity number."))
    if len(value) != CODE_LENGTH:
        raise ValidationError(
            _(
                "A code has 18 characters (unified social credit code or resident identity number), "
                "not %(length)d."
            )
            % {"length": len(value)}
        )
    try:
        return validate_uscc(value)
    except ValidationError as uscc_error:
        try:
            return validate_resident_id(value, today=timezone.localdate())
        except ValidationError as id_error:
            # An identity number is 17 digits and a digit or X; anything else was meant as a code.
            meant_id = value[:17].isdigit()
            reason = (id_error if meant_id else uscc_error).messages[0]
            raise ValidationError(_("This is not a valid code: %(reason)s") % {"reason": reason}) from None


def public_identity_number(*, text: str) -> bool:
    """Whether ``text`` is a well-formed resident identity number: a look-up that tests whether a natural
    person is registered, which has its own low budget (``accounts.ratelimit.PublicIdentityThrottle``).
    A malformed number answers 400 before the registry is read, so it tests nothing and is not counted."""
    value = normalize_identifier(text or "")
    if len(value) != CODE_LENGTH or not value[:17].isdigit():
        return False
    try:
        validate_resident_id(value, today=timezone.localdate())
    except ValidationError:
        return False
    return True


def public_subject_columns(subjects: QuerySet[Subject]) -> QuerySet[Subject]:
    """Only the columns the public sees of a subject (kind, code, name): the address, telephone and
    e-mail are not loaded, and a look-up builds and reads a narrower row."""
    return subjects.only("id", "kind", "code", "name")


def public_subject_get(*, code: str) -> Subject | None:
    """The subject registered under ``code`` (any kind: a natural person is found by the full
    number), or ``None``. Raises ``ValidationError`` for a malformed code."""
    return public_subject_by_code(code=public_code_parse(code=code))


def public_subjects_search(*, q: str) -> QuerySet[Subject]:
    """Subjects matching a part of the name — organisations only — or an exact code (SPEC §7).

    Raises ``ValidationError`` for an empty or too short text and for a malformed code.
    """
    text = (q or "").strip()
    normalised = normalize_identifier(text)
    if _looks_like_code(normalised):
        return public_subject_columns(Subject.objects.filter(code=public_code_parse(code=normalised)))
    if len(text) < _min_name_length():
        if not text:
            raise ValidationError(_("Enter part of a name, or a complete code."))
        raise ValidationError(_("Enter at least %(n)d characters of the name.") % {"n": _min_name_length()})
    # Natural persons are never found by name (SPEC §7).
    return public_subject_columns(
        Subject.objects.filter(name__icontains=text).exclude(kind=SubjectKind.NATURAL_PERSON)
    ).order_by("name", "id")


def records_published_on(*, day: datetime.date, subject_ids: list[int] | None = None) -> QuerySet:
    """Records published on ``day``: effective, current, of a published kind, decided by then and within
    their publication period (SPEC §3.4). Only public columns are loaded: never the complainant."""
    qs = CreditRecord.objects.filter(
        status=RecordStatus.EFFECTIVE,
        is_current=True,
        kind__is_published=True,
        decision_date__lte=day,
        publish_until__gte=day,
    )
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=subject_ids)
    return (
        qs.select_related("kind", "department")
        .only(
            "subject_id",
            "kind",
            "department",
            "document_number",
            "decision_date",
            "publish_until",
            "matter",
            "severity",
            "kind__code",
            "kind__name",
            "kind__has_licence",
            "department__name",
            "content",
            "licence_category",
            "licence_category_note",
            "licence_certificate",
            "licence_number",
            "licence_valid_from",
            "licence_valid_to",
            "licence_authority",
        )
        .order_by("subject_id", "-decision_date", "-id")
    )


def list_entries_public(*, list_type: str, day: datetime.date, keeper: str = "") -> QuerySet:
    """One list's memberships in force on ``day``, newest first, with their subjects (one query): the
    county's joint list and the departments' own (SPEC §3.6), or one keeper's (``county`` or a
    department's code)."""
    entries = list_entries_in_force(subject_ids=None, on=day).filter(list_type=list_type)
    return list_entries_public_scope(entries, keeper=keeper)
