"""A record's uploaded evidence: checked and kept by the file store (``core.files``), audited here."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log_write
from core.files import evidence_check, file_store

from .models import CreditRecord, Evidence
from .permissions import EDITABLE, can_edit_record


@transaction.atomic
def evidence_attach(*, actor, record: CreditRecord, uploaded) -> Evidence:
    if not can_edit_record(actor, record):
        raise PermissionDenied(_("Only the entering department adds evidence to its records."))
    if record.status not in EDITABLE:
        raise ValidationError({"evidence": _("Evidence is added while the record is a draft or returned.")})
    suffix = evidence_check(uploaded)
    evidence = file_store(Evidence(record=record, uploaded_by=actor), uploaded, suffix)
    audit_log_write(
        actor=actor,
        action="record.evidence",
        target=record,
        after={"evidence": evidence.original_name, "sha256": evidence.sha256},
    )
    return evidence
