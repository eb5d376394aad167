"""What an objection puts in the outbox for the platform (003 §5(2): "上报市公共信用信息平台同步…更新";
SPEC §5: the platform is told when an objection opens and when it closes).

- ``objection.opened`` when it is filed: the platform marks the record 异议中 (or the grade);
- ``objection.decided`` when it is upheld, partly upheld or rejected: the mark ends, and what the
  decision did (the record revoked or corrected — the record items say how — or the grade corrected);
- ``objection.withdrawn`` when it is withdrawn after 10 working days without the material asked for:
  the mark ends and nothing else changes.

Each is keyed by the objection's id within its type, so the same step written twice stays one item.
Every payload carries ``subject_code``, ``subject_name`` and ``subject_kind``, the objection's
``number`` and ``status``, and what it was against.
"""

from exchange.models import OutboxType
from exchange.services import outbox_enqueue

from .models import Objection


def objection_payload(objection: Objection) -> dict:
    subject = objection.subject
    record = objection.record
    grade = objection.grade
    return {
        "subject_code": subject.code,
        "subject_name": subject.name,
        "subject_kind": subject.kind,
        "objection_id": objection.pk,
        "number": objection.number,
        "target": objection.target,
        "field": objection.field,
        "claimed_value": objection.claimed_value,
        "department": objection.department.code,
        "status": objection.status,
        "record_action": objection.record_action,
        "corrected_value": objection.corrected_value,
        "corrected_grade": objection.corrected_grade,
        "reasons": objection.reasons,
        "decision_reason": objection.decision_reason,
        "submitted_at": objection.submitted_at,
        "deadline": objection.deadline,
        "decided_at": objection.decided_at,
        "record_id": getattr(record, "pk", None),
        "document_number": getattr(record, "document_number", ""),
        "correction_id": objection.correction_id,
        "grade_scheme": grade.scheme.code if grade is not None else "",
        "grade_department": grade.department.code if grade is not None and grade.department_id else "",
        "grade": grade.grade if grade is not None else "",
        "grade_as_of": grade.as_of if grade is not None else None,
    }


def objection_outbox_enqueue(*, objection: Objection, type: OutboxType) -> None:
    """Queue one step of the objection for the platform (inside the step's transaction)."""
    outbox_enqueue(type=type, key=str(objection.pk), payload=objection_payload(objection))
