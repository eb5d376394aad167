"""Reading issued documents for the public check (SPEC §7: ``/verify/NUMBER/`` and
``GET /api/public/documents/NUMBER/``)."""

from .models import Document
from .services import normalise_number


def document_get(*, number: str) -> Document | None:
    """The document issued under ``number`` (case and spaces forgiven), or ``None``."""
    value = normalise_number(number)
    if not value or len(value) > 40:
        return None
    return Document.objects.filter(number=value).first()


def documents_of_subject(*, subject_id: int, kinds: list[str] | None = None):
    """The documents issued about a subject, newest first."""
    qs = Document.objects.filter(subject_id=subject_id)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("-issued_at", "-id")
