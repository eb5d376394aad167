"""An objection's letters as documents (003 §5(2), 004 §4(5); SPEC §5 Objections, Documents): the
receipt (回执) given at filing and the decision letter (决定书), each a PDF issued once through
``documents.services`` with its 文号 (``receipt_number``, ``decision_number``) printed beside the
document number, and the same wording as the printable page."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from core.masking import mask_resident_id
from core.types import Actor
from documents.letters import letter_stated
from documents.models import DocumentKind
from documents.services import Issued, document_issue, document_letter

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
    def issue() -> Issued:
        with translation.override(settings.LANGUAGE_CODE):
            title, stated = letter_stated(render_to_string(template, _context(objection)))
        subject = objection.subject
        return document_issue(
            kind=kind,
            title=title,
            office=objection.department.name,
            stated=stated,
            actor=actor,
            subject_id=subject.pk,
            holder_name=subject.name,
            holder_code=subject.code,
            holder_is_person=subject.is_natural_person,
            source=f"objections.objection:{objection.pk}",
        )

    return document_letter(source=f"objections.objection:{objection.pk}", kind=kind, issue=issue)


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
