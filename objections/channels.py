"""Sending a message to a subject's contact on record (the e-mail or phone the registry holds).

E-mail goes through Django's e-mail backend. Text messages are an interface: set
``CREDITREG_SMS_SENDER`` to the dotted path of a callable ``send(*, phone: str, text: str) -> None``
(the county's SMS gateway) and subjects with a phone but no e-mail on record receive their codes by
text; without it only e-mail is used.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import ContactChannel

logger = logging.getLogger(__name__)


def _sms_sender():
    path = getattr(settings, "CREDITREG_SMS_SENDER", "")
    return import_string(path) if path else None


def contact_on_record(subject) -> tuple[str, str] | None:
    """``(channel, address)`` of the subject's contact on record, or None when it has none usable."""
    if subject.email:
        return ContactChannel.EMAIL, subject.email
    if subject.phone and _sms_sender() is not None:
        return ContactChannel.SMS, subject.phone
    return None


def contact_mask(channel: str, address: str) -> str:
    """What the applicant may be told of the address: enough to recognise it, not to learn it."""
    if channel == ContactChannel.EMAIL:
        local, _at, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{address[:3]}****{address[-2:]}" if len(address) > 5 else "****"


def contact_send(*, channel: str, address: str, title: str, body: str) -> None:
    """Send now (call it after commit); a failing gateway is logged, never shown to the applicant."""
    try:
        if channel == ContactChannel.EMAIL:
            send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [address])
        else:
            _sms_sender()(phone=address, text=body)
    except Exception:
        logger.exception("sending to the contact on record failed (%s)", channel)
