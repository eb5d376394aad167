"""An objection's letters as documents (003 §5(2), 004 §4(5); SPEC §5 Objections, Documents): the
receipt (回执) given at filing and the decision letter (决定书), each a PDF issued once through
``documents.services`` with its 文号 (``receipt_number``, ``decision_number``) printed beside the
document number, and the same wording as the printable page."""

from django.template.loader import render_to_string

from core.masking import mask_resident_id
from core.types import Actor
from documents.letters import letter_stated
from documents.models import DocumentKind
from documents.services import Issued, subject_letter

from .models import Objection


def _context(objection: Objection) -> dict:
    subject = objection.subject
    return {
        "objection": objection,
        # A letter is issued once for whoever downloads it: a person's number masked on it.
        "subject_code": mask_resident_id(subject.code) if subject.is_natural_person else subject.code,
        "is_person": subject.is_natural_person,
        "field_label": objection.get_field_display() if objection.field else "",
    }


def _letter(*, objection: Objection, kind: str, template: str, actor: Actor) -> Issued:
    return subject_letter(
        source=f"objections.objection:{objection.pk}",
        kind=kind,
        subject=objection.subject,
        office=objection.department.name,
        content=lambda: letter_stated(render_to_string(template, _context(objection))),
        actor=actor,
    )


def objection_receipt_document(*, objection: Objection, actor: Actor = None) -> Issued:
    """The receipt as a PDF: its number, what the objection is against, the due date."""
    return _letter(
        objection=objection,
        kind=DocumentKind.OBJECTION_RECEIPT,
        template="objections/objection_receipt.html",
        actor=actor,
    )


def objection_decision_document(*, objection: Objection, actor: Actor = None) -> Issued:
    """The decision letter as a PDF (a decided objection only: the caller checks)."""
    return _letter(
        objection=objection,
        kind=DocumentKind.OBJECTION_DECISION,
        template="objections/objection_decision.html",
        actor=actor,
    )
