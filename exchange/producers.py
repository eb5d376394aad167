"""What the producing services put in the outbox (SPEC §5 "Platform exchange", 000 Art. 2, 004 §4(2)).

Records: one item per lifecycle step the platform must learn about — effective, corrected (the old
version, replaced by a new one), revoked, repaired — keyed by the record version's id, so the same
step written twice stays one item. Grades: one item per grade of a published yearly run (003 §3(2)),
written set-based (INSERT … SELECT) because a run holds up to a million grades.

Every payload carries ``subject_code``, ``subject_name`` and ``subject_kind`` and the object's own
fields. A complainant's identity is never part of a payload (000 Art. 13).
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from .models import OutboxStatus, OutboxType
from .services import outbox_enqueue, outbox_enqueue_many

TEN_THOUSAND = Decimal(10000)

RECORD_TYPE_BY_STATUS = {
    "effective": OutboxType.RECORD_EFFECTIVE,
    "corrected": OutboxType.RECORD_CORRECTED,
    "revoked": OutboxType.RECORD_REVOKED,
    "repaired": OutboxType.RECORD_REPAIRED,
}


def _wan(amount) -> str:
    """Yuan → 万元, as the platform's penalty format carries fines (SPEC §3.3)."""
    return format((Decimal(amount or 0) / TEN_THOUSAND).normalize(), "f")


def record_payload(*, record, subject, representative=None, sanctions: Iterable, reason: str = "") -> dict:
    """The outbox payload of one record version; ``subject``, ``record.kind``, ``record.department`` and
    the sanctions (with their kinds) are passed in already loaded, so bulk callers query nothing."""
    sanctions = list(sanctions)
    return {
        "subject_code": subject.code,
        "subject_name": subject.name,
        "subject_kind": subject.kind,
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
    }


def record_outbox_enqueue(*, record, reason: str = "") -> None:
    """Queue the record's current status for the platform (inside the transition's transaction)."""
    from records.models import CreditRecord

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
    from subjects.models import Subject

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


def run_grades_outbox_enqueue(*, run) -> int:
    """Queue every grade of a published run, set-based: one INSERT … SELECT building the JSON payload in
    the database (a run has up to 1,000,000 grades). Keys are the grade ids, so publishing again or a
    repeated call queues nothing twice."""
    from accounts.models import Department
    from grading.models import Grade, Scheme, SchemeVersion
    from subjects.models import Subject

    from .models import OutboxItem

    q = connection.ops.quote_name
    fields = [
        ("subject_code", "s.code"),
        ("subject_name", "s.name"),
        ("subject_kind", "s.kind"),
        ("grade_id", "g.id"),
        ("run_id", "g.run_id"),
        ("scheme", "sc.code"),
        ("scheme_name", "sc.name"),
        ("scheme_version", "v.number"),
        ("department", "d.code"),
        ("as_of", "CAST(g.as_of AS TEXT)"),
        ("grade", "g.grade"),
        ("score", "CAST(g.score AS TEXT)"),
        ("adjusted_reason", "g.adjusted_reason"),
        ("published_at", "%s"),
    ]
    if connection.vendor == "postgresql":
        build, reasons = "jsonb_build_object", "g.reasons"
    else:
        build, reasons = "json_object", "json(g.reasons)"
    pairs = ", ".join(f"'{name}', {expr}" for name, expr in fields) + f", 'reasons', {reasons}"
    now = timezone.now()
    sql = (
        f"INSERT INTO {q(OutboxItem._meta.db_table)} "
        "(idempotency_key, type, payload, status, created_at, attempts, last_error) "
        f"SELECT %s || CAST(g.id AS TEXT), %s, {build}({pairs}), %s, %s, 0, '' "
        f"FROM {q(Grade._meta.db_table)} g "
        f"JOIN {q(Subject._meta.db_table)} s ON s.id = g.subject_id "
        f"JOIN {q(Scheme._meta.db_table)} sc ON sc.id = g.scheme_id "
        f"JOIN {q(SchemeVersion._meta.db_table)} v ON v.id = g.version_id "
        f"LEFT JOIN {q(Department._meta.db_table)} d ON d.id = g.department_id "
        "WHERE g.run_id = %s "
        "ON CONFLICT (idempotency_key) DO NOTHING"
    )
    type = OutboxType.GRADE_PUBLISHED
    params = [f"{type}:", type, now.isoformat(), OutboxStatus.PENDING, now, run.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
