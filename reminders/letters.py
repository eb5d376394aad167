"""The written credit reminder letter (书面信用提醒函, 000 Art. 12, 001 Art. 14, 004 §6(2)) as a
document: a PDF issued once through ``documents.services``, with the same wording as the printable
page and the document number, verification code and QR code of the public check."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from core.masking import mask_resident_id
from core.types import Actor
from documents.letters import letter_stated
from documents.models import DocumentKind
from documents.services import Issued, document_issue, document_letter

from .models import Reminder


def reminder_letter_document(*, reminder: Reminder, actor: Actor = None) -> Issued:
    """The letter of a registered written reminder (the caller checks that it is one)."""
    source = f"reminders.reminder:{reminder.pk}"
    subject = reminder.subject

    def issue() -> Issued:
        context = {
            "reminder": reminder,
            "record": reminder.record,
            "subject_code": mask_resident_id(subject.code) if subject.is_natural_person else subject.code,
            "is_person": subject.is_natural_person,
        }
        with translation.override(settings.LANGUAGE_CODE):
            title, stated = letter_stated(render_to_string("reminders/reminder_letter.html", context))
        return document_issue(
            kind=DocumentKind.REMINDER_LETTER,
            title=title,
            office=reminder.department.name,
            stated=stated,
            actor=actor,
            subject_id=subject.pk,
            holder_name=subject.name,
            holder_code=subject.code,
            holder_is_person=subject.is_natural_person,
            source=source,
        )

    return document_letter(source=source, kind=DocumentKind.REMINDER_LETTER, issue=issue)
