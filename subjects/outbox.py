"""The subject as every outbox payload names it: the platform keys its data by the code (SPEC §7)."""

from .models import Subject


def subject_payload(subject: Subject) -> dict:
    return {"subject_code": subject.code, "subject_name": subject.name, "subject_kind": subject.kind}
