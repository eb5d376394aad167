"""What a field objection claims, read once for the filing and for the decision (SPEC §5, §7).

A record objection may name one field of the record and the value the subject claims for it, written
as the API writes it: the subject's code; ``YYYY-MM-DD``; an amount in yuan; sanction names separated
by ``;``; 轻微/一般/严重. ``claim_clean`` refuses a malformed value at filing, with a message in the
user's language on ``claimed_value`` (and checks that the record corrected so would still be a valid
record); ``claim_correction`` turns a value (the claimed one, or the one the handler sets when the
objection is partly upheld) into the corrected record's input for ``records.services``.
"""

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import unsafe_character_message
from records.models import CreditRecord, Severity
from records.validation import (
    MAX_FINE,
    RecordCatalog,
    RecordInput,
    SanctionInput,
    parse_amount,
    record_clean,
    record_input_of,
    squash,
)
from subjects.identifiers import normalize_identifier, validate_resident_id, validate_uscc
from subjects.models import Subject

from .models import ObjectionField

# 轻微/一般/严重 as the policy documents name them (000 Art. 8, 001 Art. 9); the codes are accepted too.
SEVERITY_WORDS = {"轻微": Severity.MINOR, "一般": Severity.GENERAL, "严重": Severity.SERIOUS}
SEVERITY_NAMES = {code: word for word, code in SEVERITY_WORDS.items()}
# A field's value is written in one line of at most this many characters.
MAX_CLAIM = 500


@dataclass(frozen=True)
class Correction:
    """The corrected record's input, and the subject it is about when the claim moves it."""

    data: RecordInput
    subject_code: str = ""


def _refuse(message: str) -> ValidationError:
    """A refusal of the value; ``claim_clean`` puts it on the field the value came in."""
    return ValidationError(message)


def _subject_code(text: str) -> str:
    """A unified social credit code or a resident identity number, the message naming what is wrong
    (of the identity number when the first 17 characters are digits, else of the credit code)."""
    value = normalize_identifier(text)
    if value[:17].isascii() and value[:17].isdigit():
        return validate_resident_id(value, today=timezone.localdate())
    return validate_uscc(value)


def _date(text: str) -> str:
    try:
        day = datetime.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise _refuse(_("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text}) from None
    return day.isoformat()


def _amount(text: str) -> str:
    try:
        amount = parse_amount(text)
    except ValueError:
        amount = None
    if amount is None or amount < 0 or amount > MAX_FINE or amount != amount.quantize(Decimal("0.01")):
        raise _refuse(_("“%(value)s” is not an amount in yuan, such as 5000 or 5000.50.") % {"value": text})
    return format(amount.quantize(Decimal("0.01")), "f")


def _sanction_names(text: str, catalog: RecordCatalog) -> str:
    names = [squash(part) for part in text.replace("；", ";").split(";") if squash(part)]
    if not names:
        raise _refuse(_("Name the sanctions, separated by “;”."))
    unknown = [name for name in names if name not in catalog.sanctions]
    if unknown:
        raise _refuse(
            _("Unknown sanction “%(value)s”; use one of: %(names)s.")
            % {"value": unknown[0], "names": catalog.sanction_names}
        )
    return ";".join(catalog.sanctions[name].name for name in names)


def _severity(text: str) -> str:
    code = SEVERITY_WORDS.get(text) or (text if text in Severity.values else "")
    if not code:
        raise _refuse(_("Write the severity as 轻微, 一般 or 严重."))
    return SEVERITY_NAMES[code]


def _form(field: str, text: str, catalog: RecordCatalog) -> str:
    """The value in its one written form, or the refusal of a malformed one."""
    text = squash(text)
    if not text:
        raise _refuse(_("Enter the value you claim for this field."))
    if len(text) > MAX_CLAIM:
        raise _refuse(_("The value is too long (at most %(n)s characters).") % {"n": MAX_CLAIM})
    message = unsafe_character_message(text)
    if message:
        raise _refuse(message)
    if field == ObjectionField.SUBJECT:
        return _subject_code(text)
    if field == ObjectionField.DECISION_DATE:
        return _date(text)
    if field == ObjectionField.FINE_TOTAL:
        return _amount(text)
    if field == ObjectionField.SANCTIONS:
        return _sanction_names(text, catalog)
    if field == ObjectionField.SEVERITY:
        return _severity(text)
    return text  # the document number: any text the record form would take


def _fines(sanctions: list[SanctionInput], catalog: RecordCatalog, total: Decimal) -> list[SanctionInput]:
    """The sanctions with the fine set to ``total``: the record's one sanction with an amount carries
    it (none left when the total is 0); a record without one gets a fine (罚款). A record with several
    amounts is refused: which of them is wrong is for the sanctions to say."""
    with_amount: list[SanctionInput] = []
    others: list[SanctionInput] = []
    for sanction in sanctions:
        (with_amount if catalog.sanctions[str(sanction.kind)].has_fine else others).append(sanction)
    if len(with_amount) > 1:
        raise _refuse(_("The record has several amounts; object to its sanctions instead."))
    if not total:
        return others
    fine = with_amount[0] if with_amount else SanctionInput(kind="fine")
    return [*others, replace(fine, fine_amount=total)]


def claim_correction(*, record: CreditRecord, field: str, value: str, catalog: RecordCatalog) -> Correction:
    """The record's input with ``field`` set to ``value`` (already in its written form)."""
    data = record_input_of(record)
    if field == ObjectionField.SUBJECT:
        return Correction(data=data, subject_code=value)
    if field == ObjectionField.DECISION_DATE:
        data.decision_date = value
    elif field == ObjectionField.DOCUMENT_NUMBER:
        data.document_number = value
    elif field == ObjectionField.FINE_TOTAL:
        data.sanctions = _fines(data.sanctions, catalog, Decimal(value))
    elif field == ObjectionField.SANCTIONS:
        kept = {catalog.sanctions[str(s.kind)].code: s for s in data.sanctions}
        data.sanctions = [
            kept.get(catalog.sanctions[name].code) or SanctionInput(kind=catalog.sanctions[name].code)
            for name in value.split(";")
        ]
    elif field == ObjectionField.SEVERITY:
        data.severity = SEVERITY_WORDS[value]
        data.severity_reason = data.severity_reason or _("Severity set by the decision on an objection.")
    return Correction(data=data)


def claim_clean(*, record: CreditRecord, field: str, value: str, key: str = "claimed_value") -> str:
    """The value claimed for ``field`` (or, with ``key="corrected_value"``, set by the handler) in its
    written form; refused on ``key``, nothing changed, when it is malformed, equals what the record
    says, or would make the record invalid (e.g. a severity for positive information, a sanction with
    an amount and none given)."""
    if field not in ObjectionField.values:
        raise ValidationError(
            {"field": _("Name one of the fields: %(fields)s.") % {"fields": ", ".join(ObjectionField.values)}}
        )
    catalog = RecordCatalog()
    try:
        value = _form(field, value, catalog)
        if _same(field, value, claim_current(record=record, field=field)):
            raise _refuse(_("The record already says “%(value)s”.") % {"value": value})
        correction = claim_correction(record=record, field=field, value=value, catalog=catalog)
        record_clean(data=correction.data, catalog=catalog)
    except ValidationError as exc:
        raise ValidationError({key: " ".join(exc.messages)}) from None
    return value


def _same(field: str, value: str, current: str) -> bool:
    """Whether a claim says what the record says (the order of sanctions does not matter)."""
    if field == ObjectionField.SANCTIONS:
        return sorted(value.split(";")) == sorted(current.split(";"))
    return value == current


def claim_current(*, record: CreditRecord, field: str) -> str:
    """What the record says for ``field``, in the written form of a claim."""
    if field == ObjectionField.SUBJECT:
        return record.subject.code
    if field == ObjectionField.DECISION_DATE:
        return record.decision_date.isoformat()
    if field == ObjectionField.DOCUMENT_NUMBER:
        return record.document_number
    if field == ObjectionField.FINE_TOTAL:
        return format(Decimal(record.fine_total).quantize(Decimal("0.01")), "f")
    if field == ObjectionField.SANCTIONS:
        return ";".join(s.kind.name for s in record.sanctions.select_related("kind").order_by("id"))
    if field == ObjectionField.SEVERITY:
        return SEVERITY_NAMES.get(record.severity, "")
    return ""


def claim_subject(code: str) -> Subject:
    """The registered subject a record is moved to; refused when the code is not registered (the
    handler registers it first: a record is never about an unregistered subject)."""
    subject = Subject.objects.filter(code=code).first()
    if subject is None:
        raise ValidationError(
            _("No subject is registered under %(code)s; register it first, then decide.") % {"code": code}
        )
    return subject
