"""Writes to the registry: register a subject, change it, link its legal representative, and the
other persons who answer for it (its principal and actual controller, 004 §6(5)).

Every entry point — web form, admin, API, spreadsheet import, demo data — calls these functions, so the
identifier rules (GB 32100-2015, GB 11643-1999), the uniqueness of codes and the audit log hold
everywhere. A refused input raises ``ValidationError`` keyed by field and changes nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_log_write, audit_log_write_bulk, model_snapshot, snapshot_diff
from core.bulk import rows_insert
from core.history import history_copy
from core.text import unsafe_character_message
from core.types import Actor

from .identifiers import normalize_identifier, validate_resident_id, validate_uscc
from .models import AnswererRole, Subject, SubjectAnswerer, SubjectKind
from .permissions import can_change_subject, can_register_subject

SUBJECT_AUDIT_FIELDS = ["kind", "code", "name", "legal_representative", "address", "phone", "email"]

# GB 32100-2015 Annex: registration authority 9 (market regulation) with category 2 is an individual
# business; the prefix therefore settles that kind either way.
INDIVIDUAL_BUSINESS_PREFIX = "92"


def subject_code_clean(*, kind: str, code: str) -> str:
    """Validate ``code`` for ``kind`` and return it normalised; the message names the wrong character
    or the mismatch between code and kind."""
    if kind not in SubjectKind.values:
        raise ValidationError({"kind": _("Choose a subject kind from the list.")})
    value = normalize_identifier(code or "")
    # Only a code that fails for its kind is tested against the other kind's rule: an all-digit code
    # can, by chance, satisfy both checksums.
    try:
        if kind == SubjectKind.NATURAL_PERSON:
            try:
                return validate_resident_id(value)
            except ValidationError:
                if _is_valid(validate_uscc, value):
                    raise ValidationError(
                        _(
                            "This is a unified social credit code; a natural person is registered with "
                            "the 18-digit resident identity number."
                        ),
                        code="kind",
                    ) from None
                raise
        try:
            value = validate_uscc(value)
        except ValidationError:
            if _is_valid(validate_resident_id, value):
                raise ValidationError(
                    _(
                        "This is a resident identity number; an organisation is registered with its unified "
                        "social credit code (choose the kind natural person for a person)."
                    ),
                    code="kind",
                ) from None
            raise
    except ValidationError as exc:
        raise ValidationError({"code": exc.error_list}) from None
    if kind == SubjectKind.INDIVIDUAL_BUSINESS and not value.startswith(INDIVIDUAL_BUSINESS_PREFIX):
        raise ValidationError(
            {"code": _("The unified social credit code of an individual business begins with 92.")}
        )
    if kind != SubjectKind.INDIVIDUAL_BUSINESS and value.startswith(INDIVIDUAL_BUSINESS_PREFIX):
        raise ValidationError(
            {"kind": _("A code beginning with 92 belongs to an individual business; choose that kind.")}
        )
    return value


def _is_valid(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _ensure_code_free(*, code: str, exclude_pk: int | None = None) -> None:
    subjects = Subject.objects.filter(code=code)
    if exclude_pk is not None:
        subjects = subjects.exclude(pk=exclude_pk)
    existing = subjects.first()
    if existing is not None:
        raise ValidationError(
            {
                "code": _("The code %(code)s is already registered (%(name)s).")
                % {"code": code, "name": existing.name}
            }
        )


def _clean_email(email: str) -> str:
    """The contact e-mail on record (where account-linking codes go); empty when none is known."""
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    return email


def _clean_name(name: str) -> str:
    if message := unsafe_character_message(name):
        raise ValidationError({"name": message})
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter the name.")})
    max_length = Subject._meta.get_field("name").max_length
    assert max_length is not None  # a CharField's
    if len(name) > max_length:
        raise ValidationError({"name": _("The name is too long (at most 200 characters).")})
    return name


def _resolve_legal_representative(*, actor: Actor, kind: str, id_number: str, name: str) -> Subject | None:
    """Find the natural-person subject with this identity number, or register it.

    A representative already registered under another name is refused rather than silently renamed:
    the clerk must check which is right.
    """
    id_number = (id_number or "").strip()
    if not id_number:
        if (name or "").strip():
            raise ValidationError(
                {"legal_representative_id_number": _("Enter the legal representative's identity number.")}
            )
        return None
    if kind == SubjectKind.NATURAL_PERSON:
        raise ValidationError(
            {"legal_representative_id_number": _("A natural person has no legal representative.")}
        )
    try:
        number = validate_resident_id(normalize_identifier(id_number))
    except ValidationError as exc:
        raise ValidationError({"legal_representative_id_number": exc.error_list}) from None
    person = Subject.objects.filter(code=number).first()
    name = " ".join((name or "").split())
    if person is not None:
        if person.kind != SubjectKind.NATURAL_PERSON:
            raise ValidationError(
                {"legal_representative_id_number": _("This number belongs to an organisation, not a person.")}
            )
        if name and name != person.name:
            raise ValidationError(
                {
                    "legal_representative_name": _(
                        "The identity number is registered as %(registered)s, not %(given)s."
                    )
                    % {"registered": person.name, "given": name}
                }
            )
        return person
    if not name:
        raise ValidationError(
            {"legal_representative_name": _("Enter the legal representative's name to register the person.")}
        )
    return _subject_insert(
        actor=actor, kind=SubjectKind.NATURAL_PERSON, code=number, name=name, legal_representative=None
    )


def _subject_insert(
    *, actor: Actor, kind: str, code: str, name: str, legal_representative, address="", phone="", email=""
):
    subject = Subject(
        kind=kind,
        code=code,
        name=name,
        legal_representative=legal_representative,
        address=(address or "").strip(),
        phone=(phone or "").strip(),
        email=_clean_email(email),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            subject.save()
    except IntegrityError:
        # Another request registered the same code between our check and our insert.
        _ensure_code_free(code=code)
        raise
    audit_log_write(
        actor=actor,
        action="subject.create",
        target=subject,
        after=model_snapshot(subject, SUBJECT_AUDIT_FIELDS),
    )
    return subject


@transaction.atomic
def subject_register(
    *,
    actor: Actor,
    kind: str,
    code: str,
    name: str,
    legal_representative_id_number: str = "",
    legal_representative_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
) -> Subject:
    """Register a new subject (and its legal representative, if not yet registered).

    ``actor=None`` is the system (demo data, migrations of historical data)."""
    if actor is not None and not can_register_subject(actor):
        raise PermissionDenied(_("Your role cannot register subjects."))
    clean_code, clean_name = subject_clean_new(kind=kind, code=code, name=name)
    _ensure_code_free(code=clean_code)
    representative = _resolve_legal_representative(
        actor=actor, kind=kind, id_number=legal_representative_id_number, name=legal_representative_name
    )
    return _subject_insert(
        actor=actor,
        kind=kind,
        code=clean_code,
        name=clean_name,
        legal_representative=representative,
        address=address,
        phone=phone,
        email=email,
    )


@transaction.atomic
def subject_update(
    *,
    actor: Actor,
    subject: Subject,
    reason: str,
    kind: str | None = None,
    code: str | None = None,
    name: str | None = None,
    legal_representative_id_number: str | None = None,
    legal_representative_name: str = "",
    address: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> Subject:
    """Change a registered subject; only the credit office may, and always with a reason.

    Arguments left ``None`` keep their value; an empty legal representative number removes the link.
    """
    if not can_change_subject(actor):
        raise PermissionDenied(_("Only credit office staff can change a registered subject."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    before = model_snapshot(subject, SUBJECT_AUDIT_FIELDS)
    new_kind = kind if kind is not None else subject.kind
    errors: dict = {}
    try:
        new_code = subject_code_clean(kind=new_kind, code=code if code is not None else subject.code)
        if new_code != subject.code:
            _ensure_code_free(code=new_code, exclude_pk=subject.pk)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        new_name = _clean_name(name) if name is not None else subject.name
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if (
        subject.kind == SubjectKind.NATURAL_PERSON
        and new_kind != SubjectKind.NATURAL_PERSON
        and subject.represented_subjects.exists()
    ):
        errors["kind"] = [
            _("This subject is the legal representative of others and must stay a natural person.")
        ]
    elif subject.kind == SubjectKind.NATURAL_PERSON and new_kind != SubjectKind.NATURAL_PERSON:
        if subject.answers_for.filter(until__isnull=True).exists():
            errors["kind"] = [_("This person answers for other subjects and must stay a natural person.")]
    if errors:
        raise ValidationError(errors)
    if legal_representative_id_number is not None:
        representative = _resolve_legal_representative(
            actor=actor,
            kind=new_kind,
            id_number=legal_representative_id_number,
            name=legal_representative_name,
        )
        if representative is not None and representative.pk == subject.pk:
            raise ValidationError(
                {"legal_representative_id_number": _("A subject cannot be its own legal representative.")}
            )
        subject.legal_representative = representative
    elif new_kind == SubjectKind.NATURAL_PERSON:
        subject.legal_representative = None
    subject.kind, subject.code, subject.name = new_kind, new_code, new_name
    if address is not None:
        subject.address = address.strip()
    if phone is not None:
        subject.phone = phone.strip()
    if email is not None:
        subject.email = _clean_email(email)
    subject._change_reason = reason.strip()
    subject.save()
    changed_before, changed_after = snapshot_diff(before, model_snapshot(subject, SUBJECT_AUDIT_FIELDS))
    audit_log_write(
        actor=actor,
        action="subject.update",
        target=subject,
        before=changed_before,
        after=changed_after,
        reason=reason.strip(),
    )
    return subject


def subject_clean_new(*, kind: str, code: str, name: str) -> tuple[str, str]:
    """Validate a subject to be registered; returns (code, name) normalised. Used row by row by bulk
    intake, which then registers the new subjects together with ``subjects_register_bulk``."""
    errors: dict = {}
    values: dict = {}
    for key, fn in (
        ("code", lambda: subject_code_clean(kind=kind, code=code)),
        ("name", lambda: _clean_name(name)),
    ):
        try:
            values[key] = fn()
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return values["code"], values["name"]


def subjects_register_bulk(*, actor: Actor, subjects: list[Subject]) -> list[Subject]:
    """Insert already validated, unsaved subjects in bulk, with their history rows and audit rows.

    The caller validated each one with ``subject_clean_new`` and made sure no code is registered yet;
    the unique constraint still guards against a concurrent registration (the transaction fails).
    """
    if not subjects:
        return []
    user = actor if getattr(actor, "is_authenticated", False) else None
    for subject in subjects:
        subject.created_by = user
    created = rows_insert(subjects, batch_size=1000)
    if any(s.pk is None for s in created):  # a backend without RETURNING: read the ids back
        by_code = dict(Subject.objects.filter(code__in=[s.code for s in created]).values_list("code", "pk"))
        for subject in created:
            subject.pk = by_code[subject.code]
    # Their "created" history rows, copied from the rows just written (no Python object per row); by
    # whom as simple-history says it: the actor, or else the user of the request at hand.
    history_user = user or Subject.history.model.get_default_history_user(created[0])
    for start in range(0, len(created), 1000):
        history_copy(
            queryset=Subject.objects.filter(pk__in=[s.pk for s in created[start : start + 1000]]),
            user_id=getattr(history_user, "pk", None),
        )
    audit_log_write_bulk(
        actor=user,
        action="subject.create",
        entries=[(s, None, model_snapshot(s, SUBJECT_AUDIT_FIELDS)) for s in created],
    )
    return created


# --- who answers for a subject (004 §6(5), 000 Art. 11(3)) ---------------------------------------------

ANSWERER_AUDIT_FIELDS = ["subject", "person", "role", "since", "until"]


def _renamed(exc: ValidationError) -> ValidationError:
    """The legal representative's field errors, for the answerer form's fields."""
    names = {"legal_representative_id_number": "id_number", "legal_representative_name": "name"}
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


@transaction.atomic
def subject_answerer_add(
    *,
    actor: Actor,
    subject: Subject,
    role: str,
    id_number: str,
    name: str = "",
    since=None,
    reason: str,
) -> SubjectAnswerer:
    """Link a natural person (registered now if new, like a legal representative) as the principal or
    the actual controller of an organisation, from ``since`` (today by default). Only the credit office,
    which maintains the registry; always with a reason. The catalogue's measures that extend to the
    persons who answer for a subject follow the link (``measures.selectors.measures_applicable``)."""
    if not can_change_subject(actor):
        raise PermissionDenied(_("Only credit office staff can change a registered subject."))
    errors: dict = {}
    if role not in AnswererRole.values:
        errors["role"] = [_("Choose the principal or the actual controller.")]
    if subject.is_natural_person:
        errors["role"] = [_("Only an organisation has a principal or an actual controller.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the change.")]
    if not (id_number or "").strip():
        errors["id_number"] = [_("Enter the person's identity number.")]
    if errors:
        raise ValidationError(errors)
    try:
        person = _resolve_legal_representative(actor=actor, kind=subject.kind, id_number=id_number, name=name)
    except ValidationError as exc:
        raise _renamed(exc) from None
    assert person is not None  # an identity number was given
    since = since or timezone.localdate()
    if SubjectAnswerer.objects.filter(subject=subject, person=person, role=role, until__isnull=True).exists():
        raise ValidationError({"id_number": _("This person is already linked to the subject in this role.")})
    answerer = SubjectAnswerer(
        subject=subject,
        person=person,
        role=role,
        since=since,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    answerer._change_reason = reason.strip()
    answerer.save()
    audit_log_write(
        actor=actor,
        action="subject.answerer_add",
        target=subject,
        after=model_snapshot(answerer, ANSWERER_AUDIT_FIELDS),
        reason=reason.strip(),
    )
    return answerer


@transaction.atomic
def subject_answerer_end(
    *, actor: Actor, answerer: SubjectAnswerer, until=None, reason: str
) -> SubjectAnswerer:
    """End a link from ``until`` (today by default): the person no longer answers for the subject from
    that day; the row and its history stay."""
    if not can_change_subject(actor):
        raise PermissionDenied(_("Only credit office staff can change a registered subject."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    answerer = SubjectAnswerer.objects.select_for_update().get(pk=answerer.pk)
    if answerer.until is not None:
        raise ValidationError({"until": _("This link has already ended.")})
    until = until or timezone.localdate()
    if until < answerer.since:
        raise ValidationError({"until": _("A link cannot end before it began.")})
    before = model_snapshot(answerer, ANSWERER_AUDIT_FIELDS)
    answerer.until = until
    answerer._change_reason = reason.strip()
    answerer.save()
    audit_log_write(
        actor=actor,
        action="subject.answerer_end",
        target=answerer.subject,
        before=before,
        after=model_snapshot(answerer, ANSWERER_AUDIT_FIELDS),
        reason=reason.strip(),
    )
    return answerer
