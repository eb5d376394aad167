"""A signed credit commitment (信用承诺书, 004 §3(1)) as a document: a PDF issued once through
``documents.services`` with the text as signed, the matter, the materials still missing and their due
date, checkable at the public check."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.masking import mask_resident_id
from core.types import Actor
from documents.models import DocumentKind
from documents.services import Issued, subject_letter

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
    return subject_letter(
        source=f"commitments.commitment:{commitment.pk}",
        kind=DocumentKind.COMMITMENT,
        subject=commitment.subject,
        office=commitment.department.name,
        content=lambda: (_("Credit commitment"), _stated(commitment)),
        actor=actor,
    )
