"""Issuing documents and checking them (004 §3(3), §5(3); SPEC §5 Documents, §7).

``document_issue`` is the one way a document comes into being: it draws the PDF from what the document
states (``documents.pdf``), gives it an unguessable number and a verification code, and keeps the
SHA-256 of the bytes handed out with what they stated — never the file. ``document_letter`` issues a
letter once per source (an objection's receipt, a reminder's letter …) and draws the same bytes again
on every later download. ``document_check_file`` and ``document_check_code`` answer the public check:
whether a file is byte for byte the one issued, and whether a code is the one printed on it.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.masking import mask_resident_id_region
from core.types import Actor

from .models import Document, DocumentKind
from .pdf import pdf_render

# Crockford's base 32: no I, L, O or U, so a number read aloud or typed from paper is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_RANDOM = 12  # 60 bits: numbers cannot be guessed or enumerated (SPEC §7)
CODE_LENGTH = 8  # 40 bits, behind the public check's rate limit
CODE_READ_AS = str.maketrans("OIL", "011")
PREFIX = {
    DocumentKind.CREDIT_REPORT_PUBLIC: "XYBG",
    DocumentKind.CREDIT_REPORT_FULL: "XYBG",
    DocumentKind.OBJECTION_RECEIPT: "YYHZ",
    DocumentKind.OBJECTION_DECISION: "YYJD",
    DocumentKind.REMINDER_LETTER: "TXH",
    DocumentKind.REPAIR_DECISION: "XFJD",
    DocumentKind.COMMITMENT: "CNS",
}


@dataclass(frozen=True)
class Issued:
    document: Document
    content: bytes

    @property
    def filename(self) -> str:
        return f"{self.document.number}.pdf"


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def document_number_new(*, kind: str, year: int) -> str:
    """XYBG-2026-7K3M9Q2XH4TZ: a prefix by kind, the year, and 60 random bits; ASCII letters, digits
    and ``-`` only, so it fits a URL (SPEC §7). The Chinese 文号 of a letter is printed beside it."""
    return f"{PREFIX[DocumentKind(kind)]}-{year}-{_random(NUMBER_RANDOM)}"


def normalise_number(value: str) -> str:
    return (value or "").strip().upper()


NUMBER_SHAPE = re.compile(r"[A-Z]{2,6}-[0-9]{4}-[0-9A-Z]{6,20}")


def number_well_formed(value: str) -> bool:
    """Whether ``value`` has the shape of a document number (letters, digits and dashes)."""
    return bool(NUMBER_SHAPE.fullmatch(value))


def normalise_code(value: str) -> str:
    """A code as typed: spaces and dashes ignored, lower case read as upper, O as 0, I and L as 1."""
    text = "".join((value or "").split()).replace("-", "").upper()
    return text.translate(CODE_READ_AS)


def verify_path(number: str) -> str:
    return reverse("verify", args=[number])


def verify_url(number: str) -> str:
    base = getattr(settings, "CREDITREG_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{verify_path(number)}"


def _footer_labels() -> dict[str, str]:
    return {
        "number": _("Document ID"),
        "issued": _("Issued on"),
        "code": _("Verification code"),
        "check": _("Check at"),
    }


def document_render(document: Document) -> bytes:
    """The PDF of ``document`` drawn from what it stated: the bytes issued (the drawing is
    deterministic; ``document_letter`` checks it against the kept SHA-256)."""
    stated = document.stated
    with translation.override(settings.LANGUAGE_CODE):
        return pdf_render(
            number=document.number,
            verification_code=document.verification_code,
            office=document.office,
            title=document.title,
            issued_on=stated["issued_on"],
            verify_url=stated["verify_url"],
            stated=stated,
            footer_labels=_footer_labels(),
        )


def document_issue(
    *,
    kind: str,
    title: str,
    office: str,
    stated: dict,
    actor: Actor = None,
    subject_id: int | None = None,
    holder_name: str = "",
    holder_code: str = "",
    holder_is_person: bool = False,
    source: str = "",
) -> Issued:
    """Issue a document: a new number and code, the PDF drawn from ``stated`` (``intro`` lines,
    ``blocks`` of ``heading``/``text``/``columns``+``rows``, ``sign`` lines, an optional ``wenhao``),
    and a row with the SHA-256 of the bytes returned. The caller hands the bytes out; nothing keeps
    them."""
    now = timezone.now()
    issued_on = timezone.localdate(now)
    for _attempt in range(5):
        number = document_number_new(kind=kind, year=issued_on.year)
        stated = {**stated, "issued_on": issued_on.isoformat(), "verify_url": verify_url(number)}
        document = Document(
            number=number,
            kind=kind,
            title=title,
            office=office,
            issued_at=now,
            issued_by=actor if actor is not None and actor.is_authenticated else None,
            subject_id=subject_id,
            holder_name=holder_name[:200],
            holder_code=holder_code,
            holder_is_person=holder_is_person,
            source=source,
            verification_code=_random(CODE_LENGTH),
            stated=stated,
            sha256="",
            size=0,
        )
        content = document_render(document)
        document.sha256 = hashlib.sha256(content).hexdigest()
        document.size = len(content)
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError:  # 60 random bits met an issued number: draw again
            continue
        return Issued(document=document, content=content)
    raise RuntimeError("could not draw a free document number")


def documents_issue_bulk(*, prepared: list[dict]) -> list[Issued]:
    """Issue many documents in one insert (the benchmark's and a batch run's path): each item holds the
    keyword arguments of ``document_issue``."""
    now = timezone.now()
    issued_on = timezone.localdate(now)
    issued: list[Issued] = []
    for item in prepared:
        number = document_number_new(kind=item["kind"], year=issued_on.year)
        actor = item.get("actor")
        document = Document(
            number=number,
            kind=item["kind"],
            title=item["title"],
            office=item["office"],
            issued_at=now,
            issued_by=actor if actor is not None and actor.is_authenticated else None,
            subject_id=item.get("subject_id"),
            holder_name=item.get("holder_name", "")[:200],
            holder_code=item.get("holder_code", ""),
            holder_is_person=item.get("holder_is_person", False),
            source=item.get("source", ""),
            verification_code=_random(CODE_LENGTH),
            stated={**item["stated"], "issued_on": issued_on.isoformat(), "verify_url": verify_url(number)},
            sha256="",
            size=0,
        )
        content = document_render(document)
        document.sha256 = hashlib.sha256(content).hexdigest()
        document.size = len(content)
        issued.append(Issued(document=document, content=content))
    with transaction.atomic():
        Document.objects.bulk_create([item.document for item in issued], batch_size=500)
    return issued


def document_letter(*, source: str, kind: str, issue) -> Issued:
    """The letter ``kind`` of ``source`` ("objections.objection:12"): issued by ``issue()`` (a call of
    ``document_issue``) the first time, and drawn again from what it stated afterwards, so every
    download is the document issued, with the same number. Should the drawing ever differ from the
    bytes issued (a changed font or library), a new document is issued rather than a false one handed
    out."""
    document = Document.objects.filter(source=source, kind=kind).order_by("-issued_at", "-id").first()
    if document is not None:
        content = document_render(document)
        if hashlib.sha256(content).hexdigest() == document.sha256:
            return Issued(document=document, content=content)
    return issue()


def subject_letter(
    *,
    source: str,
    kind: str,
    subject,
    office: str,
    content: Callable[[], tuple[str, dict]],
    actor: Actor = None,
) -> Issued:
    """The letter ``kind`` of ``source`` about ``subject`` (a registry subject: its ``pk``, ``name``,
    ``code`` and ``is_natural_person``) from ``office``: issued once from ``content()`` — its title and
    what it states, worded in the site's language — and drawn again afterwards (``document_letter``).
    The one way every app issues its letters."""

    def issue() -> Issued:
        with translation.override(settings.LANGUAGE_CODE):
            title, stated = content()
        return document_issue(
            kind=kind,
            title=title,
            office=office,
            stated=stated,
            actor=actor,
            subject_id=subject.pk,
            holder_name=subject.name,
            holder_code=subject.code,
            holder_is_person=subject.is_natural_person,
            source=source,
        )

    return document_letter(source=source, kind=kind, issue=issue)


def document_check_file(*, document: Document, content: bytes) -> bool:
    """Whether ``content`` is byte for byte the file issued under ``document``'s number."""
    return hmac.compare_digest(hashlib.sha256(content).hexdigest(), document.sha256)


def document_check_code(*, document: Document, code: str) -> bool:
    """Whether ``code`` is the verification code printed on ``document``."""
    return hmac.compare_digest(normalise_code(code), document.verification_code)


def document_holder_shown(document: Document) -> str:
    """Whom the document was issued for, as the public check shows it to anyone holding a number: an
    organisation's name and code; a natural person masked (SPEC §6, §7) — the surname only, and of the
    identity number only the region, as on the public lists."""
    if document.holder_is_person:
        name = document.holder_name[:1] + "*" * max(1, len(document.holder_name) - 1)
        code = mask_resident_id_region(document.holder_code)
    else:
        name, code = document.holder_name, document.holder_code
    return f"{name}（{code}）" if code else name
