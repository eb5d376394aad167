"""The one writer of new credit records (SPEC §5 record intake).

Every way a record comes in hands validated items to ``records_write``: the web form and the API
(``record_create``, one item), a spreadsheet upload and ``import_records`` (``records.importing``, a
chunk of rows at a time), and the platform's pull-down (``records.pulldown``, its national results).
The callers parse and validate (``record_clean``) outside any transaction; the writer, inside the
caller's transaction, does the rest the same way for one item or a thousand:

- the subject: a registered one is found by its code (all codes of the call loaded at once), an
  unknown one is registered — with its legal representative — only once its item is known to be
  good, so a refused item registers nothing;
- the duplicate rule, the key of the constraint ``record_unique_current_violation``: a department
  has one current record per subject, document number and violation; an item already entered (or
  given twice in one call) is counted as a duplicate and written nowhere;
- the rows: records and sanctions by bulk insert, then, for all of them at once, their history rows
  and their first status line (``INSERT … SELECT``), and for records effective at once their outbox
  items.

The audit entry is the caller's: one per record for single entry, one per batch for bulk intake.
``ImportRun`` keeps the ``ImportBatch`` of bulk intake: each chunk in a short transaction of its own
with its rejected rows and progress, and at the end the counts, the audit entry and the regrade.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department
from audit.services import audit_log_write
from core.bulk import new_instances, rows_insert
from core.history import history_copy
from subjects.identifiers import normalize_identifier, validate_resident_id
from subjects.models import Subject, SubjectKind
from subjects.services import INDIVIDUAL_BUSINESS_PREFIX, subject_clean_new, subjects_register_bulk

from .hooks import regrade_after_commit
from .models import (
    CreditRecord,
    ImportBatch,
    ImportRowError,
    LicenceStatus,
    RecordSource,
    RecordStatus,
    RecordTransition,
    Sanction,
)
from .outbox import records_outbox_enqueue_bulk
from .validation import CleanRecord

logger = logging.getLogger(__name__)

# Names of subject kinds as departments write them (主体类别, the 双公示 行政相对人类别) and as the platform
# sends them; our own codes are accepted too.
SUBJECT_KIND_NAMES = {
    "法人": SubjectKind.LEGAL_PERSON,
    "企业法人": SubjectKind.LEGAL_PERSON,
    "法人及非法人组织": SubjectKind.LEGAL_PERSON,
    "非法人组织": SubjectKind.UNINCORPORATED,
    "其他组织": SubjectKind.UNINCORPORATED,
    "社会组织": SubjectKind.SOCIAL_ORGANISATION,
    "事业单位": SubjectKind.PUBLIC_INSTITUTION,
    "个体工商户": SubjectKind.INDIVIDUAL_BUSINESS,
    "自然人": SubjectKind.NATURAL_PERSON,
} | {kind: kind for kind in SubjectKind.values}

IMPORT_EFFECTIVE_REASON = gettext_lazy("Historical data imported by the credit office, effective at once.")
IMPORT_STOPPED = gettext_lazy(
    "The import stopped because of an internal error. The rows saved so far are kept; upload the file "
    "again to import the rest (rows already entered are skipped)."
)


def subject_kind_from(text: str, code: str) -> str:
    """The subject kind named by ``text`` (``SUBJECT_KIND_NAMES``), or "" for a name not known."""
    kind = SUBJECT_KIND_NAMES.get(text, "")
    # 双公示 puts firms and organisations in one class; an individual business's code begins with 92.
    if kind == SubjectKind.LEGAL_PERSON and normalize_identifier(code).startswith(INDIVIDUAL_BUSINESS_PREFIX):
        return SubjectKind.INDIVIDUAL_BUSINESS
    return kind


@dataclass
class SubjectInput:
    """Whom a record is about, as given: found by its code, or registered with the kind and name."""

    kind_given: str  # as written, for the message when it names no kind
    code: str
    name: str
    representative_code: str = ""
    representative_name: str = ""
    kind: str = field(init=False)  # a ``SubjectKind`` value, or "" when ``kind_given`` is unknown

    def __post_init__(self) -> None:
        self.kind = subject_kind_from(self.kind_given, self.code)


@dataclass
class IntakeItem:
    position: int  # the row number in the file, or the item's index in the platform's list
    subject: SubjectInput | Subject  # a Subject when the caller has resolved it already
    record: CleanRecord | ValidationError  # validated; an error is reported and nothing written
    values: dict = field(default_factory=dict)  # what is kept with the item if it is rejected


def error_messages(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) of each message of a refused item ("" for a message about no one field), for
    its caller to place: in a column of the spreadsheet, or under a field of the platform's item."""
    if hasattr(exc, "error_dict"):
        return [(name, text) for name, texts in exc.message_dict.items() for text in texts]
    return [("", text) for text in exc.messages]


def record_values(clean: CleanRecord) -> dict:
    """Model field values of a clean record (every new record, and the edit of a draft)."""
    return {
        "kind": clean.kind,
        "document_number": clean.document_number,
        "decision_date": clean.decision_date,
        "matter": clean.matter,
        "matter_key": clean.matter_key,
        "content": clean.content,
        "legal_basis": clean.legal_basis,
        "severity": clean.severity,
        "severity_source": clean.severity_source,
        "severity_reason": clean.severity_reason,
        "fine_total": clean.fine_total,
        "external_grade": clean.external_grade,
        "complainant_name": clean.complainant_name,
        "complainant_contact": clean.complainant_contact,
        "publish_due": clean.publish_due,
        "publish_until": clean.publish_until,
        **licence_values(clean),
    }


def licence_values(clean: CleanRecord) -> dict:
    """The licence fields of a clean record (blank for a record of another kind)."""
    licence = clean.licence
    return {
        "licence_document_name": licence.document_name if licence else "",
        "licence_category": licence.category if licence else "",
        "licence_category_note": licence.category_note if licence else "",
        "licence_certificate": licence.certificate if licence else "",
        "licence_number": licence.number if licence else "",
        "licence_valid_from": licence.valid_from if licence else None,
        "licence_valid_to": licence.valid_to if licence else None,
        "licence_authority": licence.authority if licence else "",
        "licence_authority_code": licence.authority_code if licence else "",
        "licence_status": licence.status if licence else "",
    }


def sanction_rows(record: CreditRecord, clean: CleanRecord) -> list[Sanction]:
    return [
        Sanction(record=record, kind=s.kind, fine_amount=s.fine_amount, detail=s.detail)
        for s in clean.sanctions
    ]


# The duplicate rule ------------------------------------------------------------------------------

DuplicateKey = tuple[str, str, str]


def duplicate_key(subject: Subject, clean: CleanRecord) -> DuplicateKey:
    """Within one department: the subject, the document number and the violation — the fields of the
    constraint ``record_unique_current_violation`` on current records."""
    return (subject.code, clean.document_number, clean.matter_key)


class EnteredRecord(NamedTuple):
    pk: int
    status: str
    document_number: str
    matter: str
    licence_status: str = ""


def records_entered(
    *, department_id: int, entries: Iterable[tuple[Subject, CleanRecord]], exclude_pk: int | None = None
) -> dict[DuplicateKey, EnteredRecord]:
    """The department's current records already entered under the keys of ``entries`` (a subject not
    registered yet has none). Read per subject, along the constraint's index; the document numbers
    are matched here, since SQLite would probe every (subject, number) pair of two lists."""
    keys = {duplicate_key(subject, clean) for subject, clean in entries if subject.pk is not None}
    # The codes of the subjects are known here: the rows need not be joined to the subjects.
    code_of = {subject.pk: subject.code for subject, _clean in entries if subject.pk is not None}
    subject_ids = sorted(code_of)
    found: dict[DuplicateKey, EnteredRecord] = {}
    for start in range(0, len(subject_ids), 500):
        rows = CreditRecord.objects.filter(
            department_id=department_id, is_current=True, subject_id__in=subject_ids[start : start + 500]
        ).order_by()
        if exclude_pk is not None:
            rows = rows.exclude(pk=exclude_pk)
        for subject_id, number, matter_key, pk, status, matter, licence_status in rows.values_list(
            "subject_id", "document_number", "matter_key", "pk", "status", "matter", "licence_status"
        ):
            code = code_of[subject_id]
            if (code, number, matter_key) in keys:
                found[(code, number, matter_key)] = EnteredRecord(pk, status, number, matter, licence_status)
    return found


def duplicate_of(
    *, department_id: int, subject: Subject, clean: CleanRecord, exclude_pk: int | None = None
) -> EnteredRecord | None:
    entered = records_entered(department_id=department_id, entries=[(subject, clean)], exclude_pk=exclude_pk)
    return entered.get(duplicate_key(subject, clean))


def licence_status_changed(existing: EnteredRecord | None, clean: CleanRecord) -> ValidationError | None:
    """A licence given again with another 当前状态 than the one entered (the platform's way of saying a
    licence was revoked or cancelled) is not a duplicate to skip: entering it again would leave the
    record saying the opposite. Intake never changes an entered record, so it is refused with what to
    do instead (correct or revoke the record, which keeps the four-eyes review)."""
    if existing is None or clean.licence is None or not existing.licence_status:
        return None
    if existing.licence_status == clean.licence.status:
        return None
    return ValidationError(
        {
            "licence_status": _(
                "Licence %(number)s is already entered as record %(id)s with the status “%(stored)s”, "
                "and is given here as “%(given)s”. Intake does not change an entered record: correct "
                "or revoke record %(id)s on its page."
            )
            % {
                "number": existing.document_number,
                "id": existing.pk,
                "stored": LicenceStatus(existing.licence_status).label,
                "given": LicenceStatus(clean.licence.status).label,
            }
        }
    )


def duplicate_error(existing: EnteredRecord) -> ValidationError:
    return ValidationError(
        {
            "document_number": _(
                "“%(matter)s” of document %(number)s is already entered for this subject (record %(id)s, %(status)s)."  # noqa: E501
            )
            % {
                "matter": existing.matter,
                "number": existing.document_number,
                "id": existing.pk,
                "status": RecordStatus(existing.status).label,
            }
        }
    )


# The writer --------------------------------------------------------------------------------------


class _Subjects:
    """The subjects of one write: the registered ones loaded once by code, the new ones staged until
    their item is known to be good and then registered together."""

    def __init__(self, items: list[IntakeItem]):
        codes = set()
        for item in items:
            if isinstance(item.subject, SubjectInput):
                codes.add(normalize_identifier(item.subject.code))
                codes.add(normalize_identifier(item.subject.representative_code))
        codes.discard("")
        wanted = list(codes)
        self.known: dict[str, Subject] = {}
        for start in range(0, len(wanted), 500):
            for subject in Subject.objects.filter(code__in=wanted[start : start + 500]):
                self.known[subject.code] = subject
        self.new: dict[str, Subject] = {}

    def find(self, code: str) -> Subject | None:
        return self.known.get(code) or self.new.get(code)

    def resolve(self, given: SubjectInput | Subject) -> tuple[Subject, list[Subject]]:
        """The subject, and the new subjects it needs (itself, its representative), not staged yet."""
        if isinstance(given, Subject):
            return given, []
        if not given.kind:
            raise ValidationError(
                {
                    "kind_subject": _(
                        "Unknown subject kind “%(value)s”; use 法人, 非法人组织, 个体工商户 or 自然人."
                    )
                    % {"value": given.kind_given}
                }
            )
        subject = self.find(normalize_identifier(given.code))
        if subject is not None:
            return subject, []
        code, name = subject_clean_new(kind=given.kind, code=given.code, name=given.name)
        new: list[Subject] = []
        representative = None
        if given.representative_code and given.kind != SubjectKind.NATURAL_PERSON:
            try:
                rep_code = validate_resident_id(normalize_identifier(given.representative_code))
            except ValidationError as exc:
                raise ValidationError({"legal_representative": exc.messages}) from None
            representative = self.find(rep_code)
            if representative is None and given.representative_name:
                representative = Subject(
                    kind=SubjectKind.NATURAL_PERSON, code=rep_code, name=given.representative_name
                )
                new.append(representative)
        subject = Subject(kind=given.kind, code=code, name=name, legal_representative=representative)
        new.append(subject)
        return subject, new

    def stage(self, subjects: list[Subject]) -> None:
        for subject in subjects:
            self.new[subject.code] = subject

    def register(self, *, actor) -> int:
        # Representatives first, so the companies can point at them.
        people = [s for s in self.new.values() if s.kind == SubjectKind.NATURAL_PERSON]
        others = [s for s in self.new.values() if s.kind != SubjectKind.NATURAL_PERSON]
        for group in (people, others):
            for subject in group:
                if subject.legal_representative is not None:
                    subject.legal_representative_id = subject.legal_representative.pk
            subjects_register_bulk(actor=actor, subjects=group)
        return len(self.new)


@dataclass
class IntakeOutcome:
    records: list[CreditRecord] = field(default_factory=list)  # written, in the items' order
    # An item already entered, with the record it duplicates (None: an earlier item of the same write).
    duplicates: list[tuple[IntakeItem, EnteredRecord | None]] = field(default_factory=list)
    rejected: list[tuple[IntakeItem, ValidationError]] = field(default_factory=list)
    subjects_created: int = 0


def records_write(
    *,
    items: list[IntakeItem],
    department: Department,
    actor,
    status: str,
    source: str,
    batch: ImportBatch | None = None,
    unit=None,
    reason: str = "",
    push: bool = True,
) -> IntakeOutcome:
    """Write ``items`` as new records of ``department`` in ``status`` — a draft, submitted for review,
    or effective at once — set-based (see the module docstring). Runs in the caller's transaction.
    Records effective at once are queued for the platform unless ``push`` is off (data the platform
    itself sent); regrading their subjects is the caller's, once for all its writes."""
    outcome = IntakeOutcome()
    subjects = _Subjects(items)
    good: list[tuple[IntakeItem, Subject]] = []
    for item in items:
        try:
            subject, new = subjects.resolve(item.subject)
        except ValidationError as exc:
            outcome.rejected.append((item, exc))
            continue
        if isinstance(item.record, ValidationError):
            outcome.rejected.append((item, item.record))
            continue
        subjects.stage(new)
        good.append((item, subject))
    entered = records_entered(
        department_id=department.pk, entries=[(subject, item.record) for item, subject in good]
    )
    fresh: list[tuple[IntakeItem, Subject]] = []
    seen: set[DuplicateKey] = set()
    for item, subject in good:
        key = duplicate_key(subject, item.record)
        if key in entered or key in seen:
            changed = licence_status_changed(entered.get(key), item.record)
            if changed is not None:
                outcome.rejected.append((item, changed))
                continue
            outcome.duplicates.append((item, entered.get(key)))
            continue
        seen.add(key)
        fresh.append((item, subject))
    outcome.subjects_created = subjects.register(actor=actor)
    if fresh:
        outcome.records = _records_insert(
            fresh,
            department=department,
            actor=actor,
            status=status,
            source=source,
            batch=batch,
            unit=unit,
            reason=reason,
            push=push,
        )
    return outcome


def _records_insert(
    rows: list[tuple[IntakeItem, Subject]],
    *,
    department: Department,
    actor,
    status: str,
    source: str,
    batch: ImportBatch | None,
    unit,
    reason: str,
    push: bool,
) -> list[CreditRecord]:
    user = actor if getattr(actor, "is_authenticated", False) else None
    effective = status == RecordStatus.EFFECTIVE
    now = timezone.now()
    records = rows_insert(
        new_instances(
            CreditRecord,
            (
                dict(
                    subject=subject,
                    department=department,
                    unit=unit,
                    status=status,
                    source=source,
                    import_batch=batch,
                    created_by=user,
                    submitted_by=None if status == RecordStatus.DRAFT else user,
                    # Effective at once: whoever enters it (the credit office, or the system) decides it.
                    reviewed_by=user if effective else None,
                    effective_at=now if effective else None,
                    **record_values(item.record),
                )
                for item, subject in rows
            ),
        ),
        batch_size=1000,
    )
    if any(r.pk is None for r in records):  # pragma: no cover - every supported backend returns ids
        raise RuntimeError("the database did not return the new record ids")
    sanctions = [
        s
        for record, (item, _subject) in zip(records, rows, strict=True)
        for s in sanction_rows(record, item.record)
    ]
    rows_insert(sanctions, batch_size=2000)
    _first_lines_write(records, user=user, reason=reason)
    if effective and push:
        by_record: dict[int, list[Sanction]] = {}
        for sanction in sanctions:
            by_record.setdefault(id(sanction.record), []).append(sanction)
        records_outbox_enqueue_bulk(
            rows=[
                (record, subject, by_record.get(id(record), []))
                for record, (_i, subject) in zip(records, rows, strict=True)
            ],
            reason=reason,
        )
    return records


def _first_lines_write(records: list[CreditRecord], *, user, reason: str) -> None:
    """The history row ("created") and the first status line of every record just written, both copied
    from the rows themselves by ``INSERT … SELECT`` per 500 records: no Python object per line."""
    user_id = getattr(user, "pk", None)
    now = timezone.now()
    for start in range(0, len(records), 500):
        written = CreditRecord.objects.filter(pk__in=[r.pk for r in records[start : start + 500]])
        history_copy(queryset=written, user_id=user_id)
        _first_transitions_copy(written, user_id=user_id, reason=reason, at=now)


def _first_transitions_copy(written, *, user_id: int | None, reason: str, at) -> None:
    """The first status line ("" → the record's status) of each record of ``written``, in the order of
    their ids (the order the records were written in)."""
    db = router.db_for_write(RecordTransition)
    rows = written.using(db).order_by("pk").values_list("pk", "status")
    select_sql, select_params = rows.query.sql_with_params()
    connection = connections[db]
    quote = connection.ops.quote_name
    opts = RecordTransition._meta
    columns = [
        opts.get_field(name).column
        for name in ("record", "to_status", "from_status", "actor", "reason", "at")
    ]
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT src.*, %s, %s, %s, %s FROM ({select_sql}) src"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, ["", user_id, reason, connection.ops.adapt_datetimefield_value(at), *select_params]
        )


# Bulk intake as a batch --------------------------------------------------------------------------

RowErrors = Callable[[IntakeItem, ValidationError], list[ImportRowError]]


class ImportRun:
    """The ``ImportBatch`` of a bulk intake while it is written. Each chunk is one short transaction
    (its records, its rejected rows, the batch's progress), so other writers wait at most a chunk and
    a run that stops half-way keeps what it wrote; ``finish`` counts, audits and regrades."""

    def __init__(
        self,
        *,
        batch: ImportBatch,
        actor,
        row_errors: RowErrors,
        push: bool = True,
        started: float | None = None,
    ):
        self.batch, self.actor, self.row_errors, self.push = batch, actor, row_errors, push
        self.started = time.perf_counter() if started is None else started
        self.processed = self.rejected = self.subjects_created = 0
        self.touched_subjects: set[int] = set()

    @classmethod
    def start(
        cls,
        *,
        department: Department,
        actor,
        file_name: str,
        sha256: str,
        template: str,
        approve: bool,
        rows_total: int,
        row_errors: RowErrors,
        push: bool = True,
        batch: ImportBatch | None = None,
        started: float | None = None,
    ) -> "ImportRun":
        """A new batch running, or ``batch`` (a queued job's) set running afresh: a job started again
        after its worker was lost reports anew, and the rows it wrote before are now duplicates.
        ``row_errors`` places a rejected item's messages (the parser knows its columns); ``started``
        (``time.perf_counter()``) is when the work began, for the batch's seconds."""
        now = timezone.now()
        state = {
            "template": template,
            "approve": approve,
            "sha256": sha256,
            "rows_total": rows_total,
            "rows_processed": 0,
            "rows_rejected": 0,
            "status": ImportBatch.Status.RUNNING,
            "started_at": now,
            "updated_at": now,
        }
        user = actor if getattr(actor, "is_authenticated", False) else None
        if batch is None:
            batch = ImportBatch.objects.create(
                department=department, uploaded_by=user, file_name=file_name, **state
            )
        else:
            batch.errors.all().delete()
            for name, value in state.items():
                setattr(batch, name, value)
            batch.save()
        return cls(batch=batch, actor=actor, row_errors=row_errors, push=push, started=started)

    @property
    def reason(self) -> str:
        return str(IMPORT_EFFECTIVE_REASON) if self.batch.approve else ""

    def write(self, items: list[IntakeItem], *, refused: list[ImportRowError], rows: int) -> None:
        """Write one chunk of ``rows`` read: the validated ``items``, and the rows ``refused`` before
        validation (unreadable, forbidden characters)."""
        with transaction.atomic():
            outcome = records_write(
                items=items,
                department=self.batch.department,
                actor=self.actor,
                status=RecordStatus.EFFECTIVE if self.batch.approve else RecordStatus.SUBMITTED,
                source=RecordSource.IMPORT,
                batch=self.batch,
                reason=self.reason,
                push=self.push,
            )
            errors = refused + [e for item, exc in outcome.rejected for e in self.row_errors(item, exc)]
            for error in errors:
                error.batch = self.batch
            ImportRowError.objects.bulk_create(errors, batch_size=1000)
            self.processed += rows
            self.rejected += len({e.row_number for e in errors})
            self.subjects_created += outcome.subjects_created
            if self.batch.approve:
                self.touched_subjects.update(r.subject_id for r in outcome.records)
            self.batch.rows_processed, self.batch.rows_rejected = self.processed, self.rejected
            self.batch.updated_at = timezone.now()
            ImportBatch.objects.filter(pk=self.batch.pk).update(
                rows_processed=self.processed, rows_rejected=self.rejected, updated_at=self.batch.updated_at
            )

    def stop(self, failure: str = "") -> None:
        """Record on the batch that the run stopped half-way, and why (``IMPORT_STOPPED`` unless the
        caller knows better); the caller raises its error again."""
        try:
            self.finish(failure=failure or str(IMPORT_STOPPED))
        except Exception:  # e.g. inside a caller's transaction that is now broken: keep the first error
            logger.exception("import batch %s: its failure could not be recorded", self.batch.pk)

    def finish(self, *, failure: str = "") -> None:
        """Counts, state and the audit entry of the batch, in one transaction; the regrade after it."""
        batch = self.batch
        with transaction.atomic():
            # Counted from the database: right also when a job ran again after its worker was lost.
            batch.rows_created = CreditRecord.objects.filter(import_batch=batch).count()
            batch.rows_rejected = self.rejected
            batch.rows_processed = self.processed
            batch.rows_duplicate = max(0, self.processed - self.rejected - batch.rows_created)
            batch.subjects_created = self.subjects_created
            batch.seconds = round(time.perf_counter() - self.started, 3)
            batch.status = ImportBatch.Status.FAILED if failure else ImportBatch.Status.DONE
            batch.failure = failure
            batch.finished_at = batch.updated_at = timezone.now()
            batch.save()
            # One audit row for the batch: each record points at its batch (who, when, which file,
            # checksum), and has its own transition row and history row.
            audit_log_write(
                actor=self.actor,
                action="record.import_effective" if batch.approve else "record.import",
                target=batch,
                after={
                    "file": batch.file_name,
                    "sha256": batch.sha256,
                    "template": batch.template,
                    "created": batch.rows_created,
                    "duplicates": batch.rows_duplicate,
                    "rejected": batch.rows_rejected,
                    "subjects_created": batch.subjects_created,
                    **({"stopped": failure} if failure else {}),
                },
                reason=self.reason,
            )
            regrade_after_commit(self.touched_subjects)
