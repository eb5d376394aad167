"""Validation of one record's input, shared by the web form, the API and every spreadsheet row.

``record_clean`` reads reference data from a ``RecordCatalog`` (loaded once, so a 50,000-row import
does not query per row) and never writes; it returns the derived values (severity, fines, publication
dates) or raises ``ValidationError`` keyed by field with a message in the user's language.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import unsafe_character_message

from .models import Polarity, RecordKind, SanctionKind, Severity, SeveritySource
from .publication import publish_due_date, publish_until_date

MAX_FINE = Decimal("100000000000")
EARLIEST_DECISION = datetime.date(1990, 1, 1)


@dataclass
class SanctionInput:
    kind: str  # code or Chinese name
    fine_amount: Decimal | str | None = None
    detail: str = ""


@dataclass
class RecordInput:
    kind: str  # code or Chinese name
    document_number: str
    decision_date: datetime.date | str | None
    matter: str
    content: str = ""
    legal_basis: str = ""
    sanctions: list[SanctionInput] = field(default_factory=list)
    severity: str = ""  # empty: derived
    severity_reason: str = ""
    external_grade: str = ""
    complainant_name: str = ""
    complainant_contact: str = ""


@dataclass
class CleanSanction:
    kind: SanctionKind
    fine_amount: Decimal | None
    detail: str


@dataclass
class CleanRecord:
    kind: RecordKind
    document_number: str
    decision_date: datetime.date
    matter: str
    matter_key: str
    content: str
    legal_basis: str
    sanctions: list[CleanSanction]
    severity: str
    severity_source: str
    severity_reason: str
    fine_total: Decimal
    external_grade: str
    complainant_name: str
    complainant_contact: str
    publish_due: datetime.date
    publish_until: datetime.date | None


class RecordCatalog:
    """Record and sanction kinds by code and by Chinese name, loaded once."""

    def __init__(self) -> None:
        kinds = list(RecordKind.objects.filter(is_active=True))
        self.kinds = {k.code: k for k in kinds} | {k.name: k for k in kinds}
        sanctions = list(SanctionKind.objects.all())
        self.sanctions = {s.code: s for s in sanctions} | {s.name: s for s in sanctions}
        self.kind_names = "、".join(k.name for k in kinds)
        self.sanction_names = "、".join(s.name for s in sanctions)


def record_input_of(record) -> RecordInput:
    """A record's own values as input, to be changed and cleaned again (a correction decided without
    the form, e.g. by an objection). A derived severity stays derived; one set by hand stays set."""
    manual = record.severity_source == SeveritySource.MANUAL
    return RecordInput(
        kind=record.kind.code,
        document_number=record.document_number,
        decision_date=record.decision_date,
        matter=record.matter,
        content=record.content,
        legal_basis=record.legal_basis,
        sanctions=[
            SanctionInput(kind=s.kind.code, fine_amount=s.fine_amount, detail=s.detail)
            for s in record.sanctions.select_related("kind").order_by("id")
        ],
        severity=record.severity if manual else "",
        severity_reason=record.severity_reason if manual else "",
        external_grade=record.external_grade,
        complainant_name=record.complainant_name,
        complainant_contact=record.complainant_contact,
    )


def squash(text: str | None) -> str:
    return " ".join(str(text or "").split())


def external_grade_choice(value: str, choices: list[str]) -> str | None:
    """The result of a kind's scale that ``value`` names, as the scale spells it (the grading rules
    match it exactly), or None. Full-width letters and lower case are read as the scale's: ``ａａａ``
    and ``aaa`` are ``AAA``."""
    wanted = unicodedata.normalize("NFKC", value).strip().casefold()
    for choice in choices:
        if unicodedata.normalize("NFKC", str(choice)).strip().casefold() == wanted:
            return str(choice)
    return None


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = squash(value)
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_amount(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(",", "").replace("，", "").replace("元", "")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not amount.is_finite():
        raise ValueError(text)
    return amount


def _heaviest(sanctions: list[CleanSanction]) -> CleanSanction:
    # 001 Art. 9: a violation with several sanctions takes the severity of the heaviest.
    return max(sanctions, key=lambda s: (Severity.rank(s.kind.severity), s.kind.rank))


def record_clean(
    *, data: RecordInput, catalog: RecordCatalog, today: datetime.date | None = None
) -> CleanRecord:
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    # NUL, control and text-direction characters are refused in every field (core/text.py).
    for key, value in (
        ("kind", data.kind),
        ("document_number", data.document_number),
        ("decision_date", data.decision_date),
        ("matter", data.matter),
        ("content", data.content),
        ("legal_basis", data.legal_basis),
        ("severity", data.severity),
        ("severity_reason", data.severity_reason),
        ("external_grade", data.external_grade),
        ("complainant_name", data.complainant_name),
        ("complainant_contact", data.complainant_contact),
        *(("sanctions", v) for s in data.sanctions for v in (s.kind, s.fine_amount, s.detail)),
    ):
        message = unsafe_character_message(value)
        if message and message not in errors.get(key, []):
            fail(key, message)

    kind = catalog.kinds.get(squash(data.kind))
    if kind is None:
        fail(
            "kind",
            _("Unknown record kind “%(value)s”; use one of: %(names)s.")
            % {"value": squash(data.kind), "names": catalog.kind_names},
        )
    document_number = squash(data.document_number)
    if not document_number:
        fail("document_number", _("Enter the document number of the decision."))
    elif len(document_number) > 100:
        fail("document_number", _("The document number is too long (at most 100 characters)."))
    decision_date = None
    if data.decision_date in (None, ""):
        fail("decision_date", _("Enter the decision date."))
    else:
        try:
            decision_date = parse_date(data.decision_date)
        except ValueError:
            fail(
                "decision_date",
                _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": data.decision_date},
            )
        else:
            if decision_date > today:
                fail(
                    "decision_date",
                    _("The decision date %(date)s is in the future.") % {"date": decision_date},
                )
                decision_date = None
            elif decision_date < EARLIEST_DECISION:
                fail("decision_date", _("The decision date %(date)s is too early.") % {"date": decision_date})
                decision_date = None
    matter = squash(data.matter)
    if not matter:
        fail("matter", _("Enter the violation or matter."))
    elif len(matter) > 200:
        fail("matter", _("The violation or matter is too long (at most 200 characters)."))

    sanctions: list[CleanSanction] = []
    for item in data.sanctions:
        sanction_kind = catalog.sanctions.get(squash(item.kind))
        if sanction_kind is None:
            fail(
                "sanctions",
                _("Unknown sanction “%(value)s”; use one of: %(names)s.")
                % {"value": squash(item.kind), "names": catalog.sanction_names},
            )
            continue
        try:
            amount = parse_amount(item.fine_amount)
        except ValueError:
            fail(
                "sanctions",
                _("The amount “%(value)s” of %(sanction)s is not a number.")
                % {"value": item.fine_amount, "sanction": sanction_kind.name},
            )
            continue
        if sanction_kind.has_fine:
            if amount is None and not sanction_kind.amount_required:
                pass  # e.g. confiscation of goods: the amount may be unknown
            elif amount is None or amount <= 0:
                fail(
                    "sanctions",
                    _("Enter the amount in yuan of %(sanction)s.") % {"sanction": sanction_kind.name},
                )
                continue
            if amount is not None and amount > MAX_FINE:
                fail(
                    "sanctions",
                    _("The amount of %(sanction)s is implausibly large.") % {"sanction": sanction_kind.name},
                )
                continue
        elif amount:
            fail("sanctions", _("%(sanction)s has no amount.") % {"sanction": sanction_kind.name})
            continue
        sanctions.append(
            CleanSanction(sanction_kind, amount if sanction_kind.has_fine else None, squash(item.detail))
        )

    severity, source, reason = "", "", squash(data.severity_reason)
    external_grade = squash(data.external_grade)
    complainant_name, complainant_contact = squash(data.complainant_name), squash(data.complainant_contact)
    if kind is not None:
        if kind.has_sanctions and not sanctions and "sanctions" not in errors:
            fail("sanctions", _("An administrative penalty needs at least one sanction."))
        if not kind.has_sanctions and sanctions:
            fail("sanctions", _("A record of the kind %(kind)s has no sanctions.") % {"kind": kind.name})
        if kind.has_external_grade and not external_grade:
            fail("external_grade", _("Enter the grade the other grading gave."))
        elif external_grade and kind.external_grade_choices:
            choice = external_grade_choice(external_grade, kind.external_grade_choices)
            if choice is None:
                fail(
                    "external_grade",
                    _("“%(value)s” is not a result of %(kind)s; use one of: %(choices)s.")
                    % {
                        "value": external_grade,
                        "kind": kind.name,
                        "choices": "、".join(kind.external_grade_choices),
                    },
                )
            else:
                external_grade = choice
        if not kind.has_complainant and (complainant_name or complainant_contact):
            fail("complainant_name", _("Only a complaint or report records a complainant."))
        wanted = squash(data.severity)
        wanted = {label: value for value, label in Severity.choices}.get(wanted, wanted)
        if kind.polarity != Polarity.NEGATIVE:
            if wanted:
                fail("severity", _("Only negative information has a severity."))
        elif wanted:
            if wanted not in Severity.values:
                fail("severity", _("Choose the severity: minor, general or serious."))
            elif not reason:
                fail("severity_reason", _("Give the reason for setting the severity by hand."))
            else:
                severity, source = wanted, SeveritySource.MANUAL
        elif sanctions:
            severity, source = _heaviest(sanctions).kind.severity, SeveritySource.SANCTIONS
        else:
            severity, source = kind.default_severity, SeveritySource.KIND
        if source != SeveritySource.MANUAL:
            reason = ""
    if errors:
        raise ValidationError(errors)
    return CleanRecord(
        kind=kind,
        document_number=document_number,
        decision_date=decision_date,
        matter=matter,
        matter_key=matter.casefold(),
        content=(data.content or "").strip(),
        legal_basis=(data.legal_basis or "").strip(),
        sanctions=sanctions,
        severity=severity,
        severity_source=source,
        severity_reason=reason,
        fine_total=sum((s.fine_amount or Decimal(0) for s in sanctions), Decimal(0)),
        external_grade=external_grade,
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        publish_due=publish_due_date(decision_date),
        publish_until=publish_until_date(kind=kind, severity=severity, decision_date=decision_date),
    )
