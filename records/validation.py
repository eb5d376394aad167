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

from core.text import UNSAFE, unsafe_character_message
from exchange.columns import LICENCE_CATEGORY_NAME, LICENCE_CATEGORY_OF_NAME, LICENCE_STATUS_OF_CODE
from subjects.identifiers import normalize_identifier, validate_uscc

from .models import (
    LicenceCategory,
    LicenceStatus,
    Polarity,
    RecordKind,
    SanctionKind,
    Severity,
    SeveritySource,
)
from .publication import publish_due_date, publish_until_date

MAX_FINE = Decimal("100000000000")
EARLIEST_DECISION = datetime.date(1990, 1, 1)
# The 双公示 standard writes 2099-12-31 in 有效期至 for a licence without end (长期); nothing is later.
LATEST_LICENCE_END = datetime.date(2099, 12, 31)
# A licence may start some time after its decision (a renewal decided early), not years later.
LICENCE_START_AFTER_DECISION = datetime.timedelta(days=366)


@dataclass
class SanctionInput:
    kind: str  # code or Chinese name
    fine_amount: Decimal | str | None = None
    detail: str = ""


@dataclass
class LicenceInput:
    """An administrative licence's own fields (双公示 行政许可), as given; ``record_clean`` reads them."""

    category: str = ""  # code, or the standard's name: 普通, 特许, 认可, 核准, 登记, 其他（…）
    category_note: str = ""  # what 其他 is
    document_name: str = ""  # 行政许可决定文书名称
    certificate: str = ""  # 许可证书名称
    number: str = ""  # 许可编号
    valid_from: datetime.date | str | None = None  # empty: the decision date
    valid_to: datetime.date | str | None = None  # empty: published as records.publication says
    authority: str = ""  # 许可机关
    authority_code: str = ""  # 许可机关统一社会信用代码
    status: str = ""  # code, 1/2 or 有效/无效 (当前状态); empty: valid


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
    licence: LicenceInput | None = None  # an administrative licence's fields; None for other kinds


@dataclass
class CleanSanction:
    kind: SanctionKind
    fine_amount: Decimal | None
    detail: str


@dataclass
class CleanLicence:
    document_name: str
    category: str
    category_note: str
    certificate: str
    number: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    authority: str
    authority_code: str
    status: str


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
    licence: CleanLicence | None = None


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
        licence=licence_input_of(record) if record.kind.has_licence else None,
    )


def licence_input_of(record) -> LicenceInput:
    return LicenceInput(
        category=record.licence_category,
        category_note=record.licence_category_note,
        document_name=record.licence_document_name,
        certificate=record.licence_certificate,
        number=record.licence_number,
        valid_from=record.licence_valid_from,
        valid_to=record.licence_valid_to,
        authority=record.licence_authority,
        authority_code=record.licence_authority_code,
        status=record.licence_status,
    )


def licence_category_name(category: str, note: str = "") -> str:
    """许可类别 as the standard writes it: 普通 … 其他, with what 其他 is (其他（备案）)."""
    name = LICENCE_CATEGORY_NAME.get(category, "")
    return f"{name}（{note}）" if name and note else name


def squash(text: str | None) -> str:
    if not text:  # the empty cells of a spreadsheet row: most of them
        return ""
    return " ".join((text if type(text) is str else str(text)).split())


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
    # A date cell read as text by another program ("2026-10-16T00:00:00", "2026/10/16 0:00:00"): the
    # day is the date, a time of midnight says nothing more.
    for midnight in ("T00:00:00", " 00:00:00", " 0:00:00", " 00:00"):
        if text.endswith(midnight):
            text = text[: -len(midnight)]
            break
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        # YYYY-MM-DD, what nearly every row holds, without strptime; anything else as below.
        year, month, day = text[:4], text[5:7], text[8:]
        if year.isdigit() and month.isdigit() and day.isdigit():
            try:
                return datetime.date(int(year), int(month), int(day))
            except ValueError:
                pass
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
    given = (
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
    )
    # One search over all the text first: the pattern matches single characters, so it finds one in
    # the whole exactly when a field holds one; then each field is told its own.
    if UNSAFE.search("".join(value for _key, value in given if isinstance(value, str))):
        for key, value in given:
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
    licence = None
    if kind is not None and kind.has_licence:
        licence = _licence_clean(data, decision_date=decision_date, fail=fail)
    elif _licence_given(data.licence):
        fail("licence_category", _("Only an administrative licence has licence fields."))
    matter = squash(data.matter)
    if not matter and kind is not None and kind.has_licence:
        # A licence's matter (what the duplicate rule keys on beside the document number): the
        # certificate it grants, or else the beginning of what it permits (许可内容, required).
        # Empty only when 许可内容 is missing too, which is said on its own field.
        matter = squash(getattr(data.licence, "certificate", ""))[:200] or squash(data.content)[:200]
    if not matter:
        if kind is None or not kind.has_licence:
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
        if not kind.has_sanctions and sanctions and all(s.kind.name == kind.name for s in sanctions):
            # A 警告 record whose 处罚类别 says 警告 again (as the web form offers 警告 as a sanction): the
            # kind says it all; the repeated name is not an error.
            sanctions = []
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
        if wanted:  # a label (in the user's language) or a value; hashing the lazy labels translates them
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
        publish_until=publish_until_date(
            kind=kind,
            severity=severity,
            decision_date=decision_date,
            licence_valid_to=licence.valid_to if licence else None,
            licence_valid=licence is None or licence.status == LicenceStatus.VALID,
        ),
        licence=licence,
    )


def _licence_given(licence: LicenceInput | None) -> bool:
    return licence is not None and any(
        isinstance(value, datetime.date) or squash(value) for value in vars(licence).values()
    )


def _licence_category(text: str) -> tuple[str, str] | None:
    """(category, note) of 许可类别 as written — our code or the standard's name, 其他 followed by what
    it is (其他（备案）, 其他-备案) — or None when it names no category."""
    if text in LicenceCategory.values:
        return text, ""
    if text in LICENCE_CATEGORY_OF_NAME:
        return LICENCE_CATEGORY_OF_NAME[text], ""
    if text.startswith("其他"):
        return LicenceCategory.OTHER, text[2:].strip(" （）()-—:：、")
    return None


def _licence_date(value, *, key: str, label, fail) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        day = parse_date(value)
    except ValueError:
        fail(
            key,
            _("%(field)s: “%(value)s” is not a date; write it as YYYY-MM-DD.")
            % {"field": label, "value": value},
        )
        return None
    if day < EARLIEST_DECISION:
        fail(key, _("%(field)s %(date)s is too early.") % {"field": label, "date": day})
        return None
    if day > LATEST_LICENCE_END:
        fail(
            key,
            _("%(field)s %(date)s is too late; write 2099-12-31 for a licence without end.")
            % {"field": label, "date": day},
        )
        return None
    return day


def _licence_clean(data: RecordInput, *, decision_date: datetime.date | None, fail) -> CleanLicence | None:
    """The licence's own fields, refused field by field as the rest of the record is (SPEC §5 record
    intake; 双公示 行政许可 columns, SPEC §7 where they follow the penalty template)."""
    given = data.licence
    if given is None:
        fail(
            "licence_category",
            _(
                "An administrative licence needs its licence fields: enter it with the licence form or "
                "the 双公示 administrative-licence template."
            ),
        )
        return None
    problems: list[str] = []

    def wrong(key: str, message: str) -> None:
        problems.append(key)
        fail(key, message)

    for key, value in (
        ("licence_category", given.category),
        ("licence_category", given.category_note),
        ("licence_document_name", given.document_name),
        ("licence_certificate", given.certificate),
        ("licence_number", given.number),
        ("licence_valid_from", given.valid_from),
        ("licence_valid_to", given.valid_to),
        ("licence_authority", given.authority),
        ("licence_authority_code", given.authority_code),
        ("licence_status", given.status),
    ):
        message = unsafe_character_message(value)
        if message:
            wrong(key, message)
    if problems:
        return None
    category_text = squash(given.category)
    category = _licence_category(category_text)
    if not category_text:
        wrong("licence_category", _("Enter the licence category (普通, 特许, 认可, 核准, 登记 or 其他)."))
    elif category is None:
        wrong(
            "licence_category",
            _(
                "Unknown licence category “%(value)s”; use 普通, 特许, 认可, 核准, 登记 or 其他 (followed by "
                "what it is, e.g. 其他（备案）)."
            )
            % {"value": category_text},
        )
    code, note = category or ("", "")
    note = (note or squash(given.category_note)) if code == LicenceCategory.OTHER else ""
    if len(note) > 50:
        wrong("licence_category", _("What the other licence category is: at most 50 characters."))
    texts = {}
    for key, value, limit in (
        ("licence_document_name", given.document_name, 200),
        ("licence_certificate", given.certificate, 200),
        ("licence_number", given.number, 100),
        ("licence_authority", given.authority, 200),
    ):
        texts[key] = squash(value)
        if len(texts[key]) > limit:
            wrong(key, _("At most %(limit)s characters.") % {"limit": limit})
    if not squash(data.content):
        wrong("content", _("Enter the licence content (许可内容)."))
    authority_code = normalize_identifier(squash(given.authority_code))
    if authority_code:
        try:
            authority_code = validate_uscc(authority_code)
        except ValidationError as exc:
            for message in exc.messages:
                wrong("licence_authority_code", message)
    status_text = squash(given.status)
    status = LICENCE_STATUS_OF_CODE.get(status_text) or (
        status_text if status_text in LicenceStatus.values else ""
    )
    if not status_text:
        status = LicenceStatus.VALID
    elif not status:
        wrong(
            "licence_status",
            _("Unknown licence status “%(value)s”; write 1 (有效, valid) or 2 (无效, invalid).")
            % {"value": status_text},
        )
    valid_from = _licence_date(
        given.valid_from, key="licence_valid_from", label=_("Licence valid from"), fail=wrong
    )
    valid_to = _licence_date(given.valid_to, key="licence_valid_to", label=_("Licence valid to"), fail=wrong)
    if given.valid_from in (None, "") and decision_date is not None:
        valid_from = decision_date  # 有效期自 left empty: from the decision
    if valid_from is not None and decision_date is not None:
        if valid_from > decision_date + LICENCE_START_AFTER_DECISION:
            wrong(
                "licence_valid_from",
                _("Valid from %(date)s is more than a year after the decision date %(decision)s.")
                % {"date": valid_from, "decision": decision_date},
            )
    if valid_to is not None:
        if valid_from is not None and valid_to < valid_from:
            wrong(
                "licence_valid_to",
                _("Valid to %(to)s is before valid from %(from)s.") % {"to": valid_to, "from": valid_from},
            )
        elif decision_date is not None and valid_to < decision_date:
            wrong(
                "licence_valid_to",
                _("Valid to %(to)s is before the decision date %(decision)s.")
                % {"to": valid_to, "decision": decision_date},
            )
    if problems or valid_from is None:
        return None
    return CleanLicence(
        document_name=texts["licence_document_name"],
        category=code,
        category_note=note,
        certificate=texts["licence_certificate"],
        number=texts["licence_number"],
        valid_from=valid_from,
        valid_to=valid_to,
        authority=texts["licence_authority"],
        authority_code=authority_code,
        status=status,
    )
