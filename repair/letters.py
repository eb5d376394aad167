"""The credit repair decision (信用修复决定书, 003 §5(3), 004 §6(6)) as a document: a PDF issued once
through ``documents.services`` when an application has been decided, saying what was decided about which
record and why, checkable at the public check."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.masking import mask_resident_id
from core.types import Actor
from documents.models import DocumentKind
from documents.services import Issued, subject_letter

from .models import RepairApplication, RepairStatus

DECIDED = (RepairStatus.APPROVED, RepairStatus.REFUSED)


def _day(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def _stated(application: RepairApplication) -> dict:
    subject = application.subject
    record = application.record
    code = mask_resident_id(subject.code) if subject.is_natural_person else subject.code
    text = [
        _(
            "On %(day)s you applied for the credit repair of the record %(document)s (“%(matter)s”) "
            "entered by %(department)s."
        )
        % {
            "day": _day(application.submitted_at),
            "document": record.document_number,
            "matter": record.matter,
            "department": application.department.name,
        },
        _("Having examined the application and its proof, we decide: %(outcome)s.")
        % {"outcome": application.get_status_display()},
    ]
    if application.decision_reason:
        text.append(application.decision_reason)
    if application.status == RepairStatus.APPROVED:
        text.append(
            _(
                "The record is no longer published, the joint punishment it brought ends, and the grade is "
                "computed again; the municipal platform is told."
            )
        )
    else:
        text.append(
            _(
                "The record stays published until its publication period ends; you may apply again once "
                "the reasons are addressed."
            )
        )
    return {
        "intro": ["：".join((subject.name, code))],
        "blocks": [{"text": text}],
        "sign": [application.department.name, _day(application.decided_at)],
    }


def repair_decision_document(*, application: RepairApplication, actor: Actor = None) -> Issued:
    """The decision of an approved or refused application as a PDF (the caller checks it is decided)."""
    return subject_letter(
        source=f"repair.repairapplication:{application.pk}",
        kind=DocumentKind.REPAIR_DECISION,
        subject=application.subject,
        office=application.department.name,
        content=lambda: (_("Credit repair decision"), _stated(application)),
        actor=actor,
    )
