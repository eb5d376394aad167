"""The written credit reminder letter (书面信用提醒函, 000 Art. 12, 001 Art. 14, 004 §6(2)) as a
document: a PDF issued once through ``documents.services``, with the same wording as the printable
page and the document number, verification code and QR code of the public check."""

from django.template.loader import render_to_string

from core.masking import mask_resident_id
from core.types import Actor
from documents.letters import letter_stated
from documents.models import DocumentKind
from documents.services import Issued, subject_letter

from .models import Reminder


def reminder_letter_document(*, reminder: Reminder, actor: Actor = None) -> Issued:
    """The letter of a registered written reminder (the caller checks that it is one)."""
    subject = reminder.subject
    context = {
        "reminder": reminder,
        "record": reminder.record,
        "subject_code": mask_resident_id(subject.code) if subject.is_natural_person else subject.code,
        "is_person": subject.is_natural_person,
    }
    return subject_letter(
        source=f"reminders.reminder:{reminder.pk}",
        kind=DocumentKind.REMINDER_LETTER,
        subject=subject,
        office=reminder.department.name,
        content=lambda: letter_stated(render_to_string("reminders/reminder_letter.html", context)),
        actor=actor,
    )
