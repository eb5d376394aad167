"""What a record's lifecycle puts in the outbox for the platform (SPEC §5 "Platform exchange", 000 Art. 2,
004 §4(2)): one item per step the platform must learn about — effective, corrected (the old version,
replaced by a new one), revoked, repaired — keyed by the record version's id, so the same step written
twice stays one item.

Every payload carries ``subject_code``, ``subject_name`` and ``subject_kind`` and the record's own
fields; an administrative licence's also ``licence``, its licence fields (the 双公示 行政许可 export,
``exchange.formats``). A complainant's identity is never part of a payload (000 Art. 13).
"""

from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from exchange.columns import LICENCE_STATUS_CODE, wan_from_yuan
from exchange.models import OutboxType
from exchange.services import outbox_enqueue, outbox_enqueue_many
from subjects.models import Subject
from subjects.outbox import subject_payload

from .models import CreditRecord
from .validation import licence_category_name

RECORD_TYPE_BY_STATUS = {
    "effective": OutboxType.RECORD_EFFECTIVE,
    "corrected": OutboxType.RECORD_CORRECTED,
    "revoked": OutboxType.RECORD_REVOKED,
    "repaired": OutboxType.RECORD_REPAIRED,
}


def _wan(amount) -> str:
    """Yuan → 万元, as the platform's penalty format carries fines (SPEC §3.3)."""
    return format(wan_from_yuan(Decimal(amount or 0)), "f")


def licence_payload(record) -> dict:
    """An administrative licence's own fields, as the platform's 行政许可 columns take them."""
    return {
        "document_name": record.licence_document_name,
        "category": record.licence_category,
        "category_note": record.licence_category_note,
        "category_name": licence_category_name(record.licence_category, record.licence_category_note),
        "certificate": record.licence_certificate,
        "number": record.licence_number,
        "valid_from": record.licence_valid_from,
        "valid_to": record.licence_valid_to,
        "authority": record.licence_authority,
        "authority_code": record.licence_authority_code,
        "status": record.licence_status,
        "status_code": LICENCE_STATUS_CODE.get(record.licence_status, ""),
    }


def record_payload(*, record, subject, representative=None, sanctions: Iterable, reason: str = "") -> dict:
    """The outbox payload of one record version; ``subject``, ``record.kind``, ``record.department`` and
    the sanctions (with their kinds) are passed in already loaded, so bulk callers query nothing."""
    sanctions = list(sanctions)
    licence = {"licence": licence_payload(record)} if record.kind.has_licence else {}
    return {
        **subject_payload(subject),
        "legal_representative_name": getattr(representative, "name", ""),
        "legal_representative_code": getattr(representative, "code", ""),
        "record_id": record.pk,
        "version": record.version,
        "replaces_record_id": record.replaces_id,
        "kind": record.kind.code,
        "kind_name": record.kind.name,
        "department": record.department.code,
        "department_name": record.department.name,
        "document_number": record.document_number,
        "decision_date": record.decision_date,
        "matter": record.matter,
        "content": record.content,
        "legal_basis": record.legal_basis,
        "severity": record.severity,
        "fine_total": record.fine_total,
        "fine_total_wan": _wan(record.fine_total),
        "sanctions": [
            {"kind": s.kind.code, "name": s.kind.name, "fine_amount": s.fine_amount, "detail": s.detail}
            for s in sanctions
        ],
        "external_grade": record.external_grade,
        "status": record.status,
        "publish_until": record.publish_until,
        "reason": reason,
        "changed_at": timezone.now(),
        **licence,
    }


def record_outbox_enqueue(*, record, reason: str = "") -> None:
    """Queue the record's current status for the platform (inside the transition's transaction)."""
    type = RECORD_TYPE_BY_STATUS[record.status]
    loaded = CreditRecord.objects.select_related(
        "subject", "subject__legal_representative", "kind", "department"
    ).get(pk=record.pk)
    outbox_enqueue(
        type=type,
        key=str(record.pk),
        payload=record_payload(
            record=loaded,
            subject=loaded.subject,
            representative=loaded.subject.legal_representative,
            sanctions=loaded.sanctions.select_related("kind").order_by("id"),
            reason=reason,
        ),
    )


def records_outbox_enqueue_bulk(*, rows: list[tuple], reason: str = "") -> int:
    """Queue many records that just took effect (an approved import): ``rows`` are
    ``(record, subject, sanctions)`` with everything loaded; the legal representatives are fetched in
    one query per 500, and the items written with bulk inserts."""
    rep_ids = sorted({s.legal_representative_id for _r, s, _x in rows if s.legal_representative_id})
    reps = {}
    for start in range(0, len(rep_ids), 500):
        reps.update(Subject.objects.in_bulk(rep_ids[start : start + 500]))
    items = [
        (
            str(record.pk),
            record_payload(
                record=record,
                subject=subject,
                representative=reps.get(subject.legal_representative_id),
                sanctions=sanctions,
                reason=reason,
            ),
        )
        for record, subject, sanctions in rows
    ]
    return outbox_enqueue_many(type=OutboxType.RECORD_EFFECTIVE, items=items)
