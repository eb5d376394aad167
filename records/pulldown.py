"""National public-credit evaluation results pushed down by the platform (SPEC §5 "Platform exchange",
000 Art. 4), as records: the records half of ``import_pulldown`` (``measures.pulldown`` reads the
envelope and the lists).

A result ``{"id", "type": "national_evaluation", "payload": {"subject_code", "subject_name",
"subject_kind", "grade", "as_of"}}`` becomes a record of the kind 国家公共信用综合评价结果, effective
at once for the credit office, with the grade as its external grade and the platform's id as its
document number — so the same result imported again is a duplicate and creates nothing. The items
become validated intake items directly and go through the writer every intake path shares
(``records.intake``), in an import batch of their own; unknown subjects are registered, identifiers
checked. They are not queued back up: the platform sent them.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from accounts.models import Department
from core.text import UNSAFE

from .intake import ImportRun, IntakeItem, SubjectInput, error_messages
from .models import ImportBatch, ImportRowError
from .validation import RecordCatalog, RecordInput, record_clean, squash

NATIONAL_KIND = "national_evaluation"
NATIONAL_MATTER = "国家公共信用综合评价"

# Which payload field a validation error of a field is about (the platform knows its own names).
PAYLOAD_FIELDS = {
    "subject": "subject_code",
    "code": "subject_code",
    "kind_subject": "subject_kind",
    "name": "subject_name",
    "document_number": "id",
    "decision_date": "as_of",
    "external_grade": "grade",
}


@dataclass
class NationalOutcome:
    created: int = 0
    duplicates: int = 0
    rejected: dict[int, str] = field(default_factory=dict)  # item index → the reasons


def _national_item(index: int, item: dict, catalog: RecordCatalog) -> IntakeItem:
    payload = item["payload"]
    grade = squash(payload.get("grade"))
    data = RecordInput(
        kind=NATIONAL_KIND,
        document_number=squash(item.get("id")),
        decision_date=squash(payload.get("as_of") or payload.get("evaluated_on")),
        matter=NATIONAL_MATTER,
        content=f"国家公共信用综合评价结果：{grade}" if grade else "",
        external_grade=grade,
    )
    try:
        record = record_clean(data=data, catalog=catalog)
    except ValidationError as exc:
        record = exc
    subject = SubjectInput(
        kind_given=squash(payload.get("subject_kind")),
        code=squash(payload.get("subject_code")),
        name=squash(payload.get("subject_name")),
    )
    return IntakeItem(position=index, subject=subject, record=record)


def _row_errors(item: IntakeItem, exc: ValidationError) -> list[ImportRowError]:
    return [
        ImportRowError(row_number=item.position, column=PAYLOAD_FIELDS.get(name, ""), message=text)
        for name, text in error_messages(exc)
    ]


def national_results_import(
    *, actor, department: Department, items: list[tuple[int, dict]], source: str
) -> NationalOutcome:
    """Import national results as records of ``department`` (the credit office's), ``items`` being
    (index in the platform's list, item) with an id and a payload object each; bad items are returned
    with their reasons by index, the good ones kept."""
    outcome = NationalOutcome()
    if not items:
        return outcome
    catalog = RecordCatalog()
    intake = [_national_item(index, item, catalog) for index, item in items]
    content = "\n".join(json.dumps(item, ensure_ascii=False, sort_keys=True) for _i, item in items)
    run = ImportRun.start(
        department=department,
        actor=actor,
        file_name=UNSAFE.sub("", f"platform-national-evaluation ({source})")[:255],
        sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
        template=ImportBatch.Template.GENERAL,
        approve=True,
        rows_total=len(items),
        row_errors=_row_errors,
        push=False,
    )
    try:
        run.write(intake, refused=[], rows=len(items))
    except Exception:
        run.stop()
        raise
    run.finish()
    messages: dict[int, list[str]] = {}
    for error in run.batch.errors.all():
        messages.setdefault(error.row_number, []).append(
            f"{error.column}：{error.message}" if error.column else error.message
        )
    outcome.rejected = {index: "；".join(texts) for index, texts in messages.items()}
    outcome.created, outcome.duplicates = run.batch.rows_created, run.batch.rows_duplicate
    return outcome
