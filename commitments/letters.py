"""A signed credit commitment (信用承诺书, 004 §3(1)) as a document: a PDF issued once through
``documents.services`` with the text as signed, the matter, the materials still missing and their due
date, checkable at the public check."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.masking import mask_resident_id
from core.types import Actor
from documents.models import DocumentKind
from documents.services import Issued, document_issue, document_letter

from .models import Commitment


def _stated(commitment: Commitment) -> dict:
    subject = commitment.subject
    code = mask_resident_id(subject.code) if subject.is_natural_person else subject.code
    blocks: list[dict] = [
        {"heading": _("Matter"), "text": [commitment.matter]},
        {"heading": _("Text of the commitment"), "text": [commitment.text]},
    ]
    if commitment.missing_materials:
        blocks.append(
            {
                "heading": _("Materials still missing"),
                "text": [
                    commitment.missing_materials,
                    _("Due on %(day)s.") % {"day": commitment.materials_due.isoformat()}
                    if commitment.materials_due
                    else "",
                ],
            }
        )
    return {
        "intro": ["：".join((_("Committed by"), subject.name)), "：".join((_("Code"), code))],
        "blocks": blocks,
        "sign": [
            subject.name,
            "：".join((_("Accepted by"), commitment.department.name)),
            timezone.localtime(commitment.signed_at).strftime("%Y-%m-%d"),
        ],
    }


def commitment_document(*, commitment: Commitment, actor: Actor = None) -> Issued:
    """The signed commitment as a PDF, issued once."""
    source = f"commitments.commitment:{commitment.pk}"
    subject = commitment.subject

    def issue() -> Issued:
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Credit commitment")
            stated = _stated(commitment)
        return document_issue(
            kind=DocumentKind.COMMITMENT,
            title=title,
            office=commitment.department.name,
            stated=stated,
            actor=actor,
            subject_id=subject.pk,
            holder_name=subject.name,
            holder_code=subject.code,
            holder_is_person=subject.is_natural_person,
            source=source,
        )

    return document_letter(source=source, kind=DocumentKind.COMMITMENT, issue=issue)
