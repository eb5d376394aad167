"""Writes to credit records: entry, editing of drafts, and every lifecycle transition.

Each transition is one function that checks the role and the current status, locks the row, refuses
an illegal move with a clear message, writes a ``RecordTransition`` row and the audit log, and — when
the record's effect on grading changes — announces the subject for regrading after commit.
Web forms, the API, the spreadsheet import and the commands all call these.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import is_credit_office
from audit.services import audit_log_write, audited_save, model_snapshot
from audit.workflow import Permission, Workflow, reason_required
from core.history import history_copy
from core.types import Actor
from subjects.identifiers import normalize_identifier
from subjects.models import Subject
from subjects.services import subject_register

from .hooks import regrade_after_commit, regrades_gathered
from .intake import IntakeItem, duplicate_error, duplicate_of, record_values, records_write, sanction_rows
from .models import (
    RECORD_TRANSITIONS,
    CreditRecord,
    RecordSource,
    RecordStatus,
    RecordTransition,
    Sanction,
)
from .outbox import record_outbox_enqueue
from .permissions import (
    EDITABLE,
    can_edit_record,
    can_enter_records,
    can_review_record,
    can_settle_record,
)
from .validation import CleanRecord, RecordCatalog, RecordInput, record_clean

# Never the complainant (000 Art. 13): the audit log must not disclose it.
RECORD_AUDIT_FIELDS = [
    "subject",
    "kind",
    "department",
    "document_number",
    "decision_date",
    "matter",
    "content",
    "severity",
    "severity_source",
    "severity_reason",
    "fine_total",
    "external_grade",
    "status",
    "version",
    "publish_due",
    "publish_until",
]
# An administrative licence's own fields, audited with the records that have them.
LICENCE_AUDIT_FIELDS = [
    "licence_document_name",
    "licence_category",
    "licence_category_note",
    "licence_certificate",
    "licence_number",
    "licence_valid_from",
    "licence_valid_to",
    "licence_authority",
    "licence_authority_code",
    "licence_status",
]


def record_audit_fields(record: CreditRecord) -> list[str]:
    return RECORD_AUDIT_FIELDS + (LICENCE_AUDIT_FIELDS if record.kind.has_licence else [])


def _snapshot(record: CreditRecord) -> dict:
    return model_snapshot(record, record_audit_fields(record))


def _status_label(status: str) -> str:
    return str(RecordStatus(status).label)


RECORDS = Workflow(
    RecordTransition, RECORD_TRANSITIONS, gettext_lazy("A record that is “%(status)s” cannot be %(action)s.")
)
# A correction, once approved, retires the version it replaces (kept, not deleted): that version was
# effective when the correction started and may have expired since. One revoked (an objection upheld,
# 003 §5(2)) or repaired meanwhile is not brought back into force by its correction: the approval is
# refused.
SUPERSEDED: dict[str, tuple[str, ...]] = {
    status: (RecordStatus.CORRECTED,) for status in (RecordStatus.EFFECTIVE, RecordStatus.EXPIRED)
}
# A correction decided at once (``record_correct_by_decision``) corrects a record in force.
CORRECTABLE: dict[str, tuple[str, ...]] = {RecordStatus.EFFECTIVE: (RecordStatus.CORRECTED,)}
SETTLERS = Permission(
    can_settle_record,
    gettext_lazy("Only a reviewer of the entering department or the credit office does this."),
)


# The status-change row of a record as it is entered (``from_status=""``).
_log_transition = RECORDS.log_change


def record_subject_resolve(*, actor: Actor, code: str, kind: str = "", name: str = "") -> Subject:
    """The subject a clerk enters a record about: the registered one with this code, or — when it is
    not registered yet — a new one registered with the kind and name given (validated as always)."""
    subject = Subject.objects.filter(code=normalize_identifier(code or "")).first()
    if subject is not None:
        return subject
    if not kind or not (name or "").strip():
        if not (code or "").strip():
            raise ValidationError({"subject_code": _("Enter the subject's code.")})
        raise ValidationError(
            {
                "subject_name": _(
                    "The code is not registered yet: give the subject's kind and name to register it."
                )
            }
        )
    try:
        return subject_register(actor=actor, kind=kind, code=code, name=name)
    except ValidationError as exc:
        mapping = {"code": "subject_code", "kind": "subject_kind", "name": "subject_name"}
        raise ValidationError({mapping.get(k, k): v for k, v in exc.message_dict.items()}) from None


@transaction.atomic
def record_create(
    *, actor: User, subject: Subject, data: RecordInput, source: str = RecordSource.WEB, unit=None
) -> CreditRecord:
    """Enter a record as a draft of the actor's department, through the intake writer every intake
    path shares (the duplicate rule, the history row, the first status line)."""
    if not can_enter_records(actor):
        raise PermissionDenied(_("Only department clerks and reviewers enter records."))
    assert actor.department is not None  # department staff have a department (User.is_department_staff)
    clean = record_clean(data=data, catalog=RecordCatalog())
    outcome = records_write(
        items=[IntakeItem(position=1, subject=subject, record=clean)],
        department=actor.department,
        actor=actor,
        status=RecordStatus.DRAFT,
        source=source,
        unit=unit or actor.unit,
    )
    if outcome.rejected:  # e.g. a licence entered already, given with another status
        raise outcome.rejected[0][1]
    if outcome.duplicates:
        existing = outcome.duplicates[0][1]
        assert existing is not None  # a single item duplicates only a record already entered
        raise duplicate_error(existing)
    record = outcome.records[0]
    audit_log_write(actor=actor, action="record.create", target=record, after=_snapshot(record))
    return record


@transaction.atomic
def record_enter(
    *,
    actor: User,
    data: RecordInput,
    subject: Subject | None = None,
    subject_code: str = "",
    subject_kind: str = "",
    subject_name: str = "",
    source: str = RecordSource.WEB,
) -> CreditRecord:
    """Enter a draft (the web form and the API): about ``subject``, or about the subject registered
    under ``subject_code`` — registered here with the kind and name given when it is not yet. One
    transaction, so a record that is refused registers no subject either."""
    if subject is None:
        subject = record_subject_resolve(actor=actor, code=subject_code, kind=subject_kind, name=subject_name)
    return record_create(actor=actor, subject=subject, data=data, source=source)


@transaction.atomic
def record_update(
    *, actor: Actor, record: CreditRecord, data: RecordInput, subject: Subject | None = None
) -> CreditRecord:
    """Change a draft or a returned record (the department's clerks and reviewers)."""
    record = RECORDS.lock(record)
    if not can_edit_record(actor, record):
        raise PermissionDenied(_("Only the entering department changes its records."))
    if record.status not in EDITABLE:
        RECORDS.refuse(record, verb=_("changed"))
    clean = record_clean(data=data, catalog=RecordCatalog())
    subject = subject or record.subject
    existing = duplicate_of(
        department_id=record.department_id, subject=subject, clean=clean, exclude_pk=record.pk
    )
    if existing is not None and existing.pk != getattr(record.replaces, "pk", None):
        raise duplicate_error(existing)
    audited_save(
        record,
        actor=actor,
        action="record.update",
        fields=record_audit_fields(record),
        values=record_values(clean) | {"subject": subject},
    )
    record.sanctions.all().delete()  # sanctions of a draft are its input, replaced as a whole
    Sanction.objects.bulk_create(sanction_rows(record, clean))
    return record


@transaction.atomic
def record_submit(*, actor: Actor, record: CreditRecord) -> CreditRecord:
    submitters = Permission(can_edit_record, _("Only the entering department submits its records."))
    record = RECORDS.begin(
        record, RecordStatus.SUBMITTED, actor=actor, verb=_("submitted"), permission=submitters
    )
    record.submitted_by, record.return_reason = actor, ""
    return RECORDS.transition(record, RecordStatus.SUBMITTED, actor=actor, action="record.submit")


@transaction.atomic
def record_approve(*, actor: Actor, record: CreditRecord) -> CreditRecord:
    """Four-eyes approval: a reviewer of the entering department who neither entered nor submitted it.
    A correction retires the version it replaces."""
    reviewers = Permission(
        can_review_record,
        _("Only a reviewer of the entering department who did not enter or submit the record approves it."),
    )
    record = RECORDS.begin(
        record, RecordStatus.EFFECTIVE, actor=actor, verb=_("approved"), permission=reviewers
    )
    if record.replaces is not None:
        replaced = _("Replaced by version %(version)s.") % {"version": record.version}
        old = RECORDS.lock(record.replaces)
        if old.status not in SUPERSEDED:
            raise ValidationError(
                _(
                    "The version this correction replaces is now “%(status)s”: a correction does not bring "
                    "it back into force. Return the correction to the clerk."
                )
                % {"status": old.get_status_display()}
            )
        old.is_current = False
        RECORDS.transition(
            old,
            RecordStatus.CORRECTED,
            actor=actor,
            action="record.correct",
            reason=replaced,
            transitions=SUPERSEDED,
        )
        record_outbox_enqueue(record=old, reason=replaced)
        record.is_current = True
    record.reviewed_by, record.effective_at = actor, timezone.now()
    RECORDS.transition(record, RecordStatus.EFFECTIVE, actor=actor, action="record.approve")
    record_outbox_enqueue(record=record, reason="")
    regrade_after_commit([record.subject_id])
    return record


@transaction.atomic
def record_return(*, actor: Actor, record: CreditRecord, reason: str) -> CreditRecord:
    returners = Permission(
        can_review_record, _("Only a reviewer of the entering department returns a record.")
    )
    record = RECORDS.begin(
        record, RecordStatus.RETURNED, actor=actor, verb=_("returned"), permission=returners
    )
    record.reviewed_by, record.return_reason = actor, reason_required(reason)
    return RECORDS.transition(
        record, RecordStatus.RETURNED, actor=actor, action="record.return", reason=record.return_reason
    )


def _settle(
    record: CreditRecord,
    to: str,
    verb,
    *,
    actor: Actor,
    action: str,
    reason: str,
    permission=SETTLERS,
    transitions=None,
) -> CreditRecord:
    """Take a record out of force, with the reason: the platform is told and the subject regraded."""
    record = RECORDS.begin(record, to, actor=actor, verb=verb, permission=permission, transitions=transitions)
    reason = reason_required(reason)
    RECORDS.transition(record, to, actor=actor, action=action, reason=reason, transitions=transitions)
    record_outbox_enqueue(record=record, reason=reason)
    regrade_after_commit([record.subject_id])
    return record


@transaction.atomic
def record_revoke(*, actor: Actor, record: CreditRecord, reason: str) -> CreditRecord:
    """Effective → revoked, e.g. an objection upheld (003 §5(2))."""
    return _settle(
        record, RecordStatus.REVOKED, _("revoked"), actor=actor, reason=reason, action="record.revoke"
    )


@transaction.atomic
def record_repair(*, actor: Actor, record: CreditRecord, reason: str) -> CreditRecord:
    """Effective → repaired: publication stops at once (SPEC §3.4, 003 §5(3))."""
    return _settle(
        record, RecordStatus.REPAIRED, _("repaired"), actor=actor, reason=reason, action="record.repair"
    )


def _version_new(
    record: CreditRecord,
    *,
    actor: Actor,
    clean,
    status: str,
    is_current: bool,
    subject_id: int | None = None,
    **fields,
) -> CreditRecord:
    """The next version of ``record`` with the clean values (and its sanctions): a correction. The
    version it replaces is kept as it is; retiring it is the caller's step."""
    new = CreditRecord.objects.create(
        subject_id=subject_id or record.subject_id,
        department_id=record.department_id,
        unit=record.unit,
        status=status,
        is_current=is_current,
        version=record.version + 1,
        replaces=record,
        source=RecordSource.WEB,
        created_by=actor,
        **fields,
        **record_values(clean),
    )
    Sanction.objects.bulk_create(sanction_rows(new, clean))
    return new


def _correction_free(record: CreditRecord) -> None:
    """One correction at a time: a record whose corrected version awaits approval is refused."""
    if CreditRecord.objects.filter(replaces=record).exists():
        raise ValidationError(_("A correction of this record is already under way."))


def _correction_clean(record: CreditRecord, *, data: RecordInput, subject: Subject) -> CleanRecord:
    """The corrected values, refused as any entry is (validation, the duplicate rule)."""
    clean = record_clean(data=data, catalog=RecordCatalog())
    existing = duplicate_of(
        department_id=record.department_id, subject=subject, clean=clean, exclude_pk=record.pk
    )
    if existing is not None:
        raise duplicate_error(existing)
    return clean


@transaction.atomic
def record_correction_start(
    *, actor: Actor, record: CreditRecord, data: RecordInput, reason: str
) -> CreditRecord:
    """Start a correction of an effective record: a new draft version that, once approved, replaces it.

    The effective version stays in force (and current) until then.
    """
    record = RECORDS.lock(record)
    if not can_settle_record(actor, record) or not can_enter_records(actor):
        raise PermissionDenied(_("Only the entering department corrects its records."))
    if record.status != RecordStatus.EFFECTIVE:
        RECORDS.refuse(record, verb=_("corrected"))
    _correction_free(record)
    reason = reason_required(reason)
    clean = _correction_clean(record, data=data, subject=record.subject)
    new = _version_new(record, actor=actor, clean=clean, status=RecordStatus.DRAFT, is_current=False)
    _log_transition(new, actor=actor, from_status="", reason=reason)
    audit_log_write(
        actor=actor,
        action="record.correction_start",
        target=new,
        reason=reason,
        before=_snapshot(record),
        after=_snapshot(new),
    )
    return new


@transaction.atomic
def record_correct_by_decision(
    *,
    actor: Actor,
    record: CreditRecord,
    data: RecordInput,
    reason: str,
    decision: str,
    subject: Subject | None = None,
) -> CreditRecord:
    """Correct an effective record at once, as the decision of ``actor`` on an objection (003 §5(2),
    SPEC §5): the department's reviewer (or the credit office) has examined the subject's evidence, so
    no second approval follows. A new version takes effect with the corrected values (``subject``: the
    subject the record is moved to, when it named the wrong one); the old version is kept, retired as
    corrected. Audited with the decision that made it (``decision``, e.g. the objection's number); the
    platform learns of both versions and the subjects concerned are regraded after commit."""
    record = RECORDS.begin(
        record,
        RecordStatus.CORRECTED,
        actor=actor,
        verb=_("corrected"),
        permission=SETTLERS,
        transitions=CORRECTABLE,
    )
    if not record.is_current:
        RECORDS.refuse(record, verb=_("corrected"))
    _correction_free(record)
    reason = reason_required(reason)
    subject = subject or record.subject
    clean = _correction_clean(record, data=data, subject=subject)
    why = _("Corrected by decision %(decision)s: %(reason)s") % {"decision": decision, "reason": reason}
    before = _snapshot(record)
    # The old version leaves force first: one current version per violation (the unique constraint).
    record.is_current = False
    replaced = _("Replaced by version %(version)s.") % {"version": record.version + 1}
    RECORDS.transition(
        record,
        RecordStatus.CORRECTED,
        actor=actor,
        action="record.correct",
        reason=f"{replaced} {why}",
        transitions=SUPERSEDED,
    )
    new = _version_new(
        record,
        actor=actor,
        clean=clean,
        status=RecordStatus.EFFECTIVE,
        is_current=True,
        subject_id=subject.pk,
        submitted_by=actor,
        reviewed_by=actor,
        effective_at=timezone.now(),
    )
    _log_transition(new, actor=actor, from_status="", reason=why)
    audit_log_write(
        actor=actor,
        action="record.correct_by_decision",
        target=new,
        reason=why,
        before=before,
        after=_snapshot(new),
    )
    record_outbox_enqueue(record=record, reason=replaced)
    record_outbox_enqueue(record=new, reason=why)
    regrade_after_commit([record.subject_id, new.subject_id])
    return new


@transaction.atomic
def records_expire_due(*, today=None) -> int:
    """Effective records whose publication window has ended become expired (SPEC §3.4). Nightly."""
    today = today or timezone.localdate()
    due = list(
        CreditRecord.objects.select_for_update()
        .filter(status=RecordStatus.EFFECTIVE, publish_until__lt=today)
        .values_list("pk", flat=True)
    )
    for start in range(0, len(due), 1000):
        chunk = due[start : start + 1000]
        CreditRecord.objects.filter(pk__in=chunk).update(
            status=RecordStatus.EXPIRED, updated_at=timezone.now()
        )
        RecordTransition.objects.bulk_create(
            RecordTransition(
                record_id=pk,
                from_status=RecordStatus.EFFECTIVE,
                to_status=RecordStatus.EXPIRED,
                reason=_("Publication period over."),
            )
            for pk in chunk
        )
        # The update bypasses simple-history: write the "changed" rows set-based, as the import does.
        history_copy(
            queryset=CreditRecord.objects.filter(pk__in=chunk),
            user_id=None,
            reason=_("Publication period over."),
            history_type="~",
        )
    if due:
        audit_log_write(
            actor=None, action="record.expire", after={"records": len(due), "as_of": today.isoformat()}
        )
    return len(due)


def record_objection_mark(*, record: CreditRecord, under_objection: bool) -> None:
    """Set the "under objection" mark of a record (003 §5(2)). Called by the objection services inside
    their own transaction, which audits the objection; the mark changes nothing else of the record."""
    CreditRecord.objects.filter(pk=record.pk).update(under_objection=under_objection)
    record.under_objection = under_objection


# Records that take effect by a decision made outside intake — a red or black listing decided by the
# competent authority (002 §3(1), §4(3); 004 §6(1)) — and end when that decision ends. The credit
# office (or the system, for lists pushed down by the platform) enters them effective at once, audited
# as such, the way ``import_records --approve`` does for historical data.


def _is_system_or_credit_office(actor: Actor) -> bool:
    return actor is None or is_credit_office(actor)


@transaction.atomic
def record_enter_effective(
    *, actor: Actor, subject: Subject, department, data: RecordInput, reason: str
) -> CreditRecord:
    """Enter a record that is effective at once (no four-eyes review: the decision behind it was
    taken elsewhere). Only the credit office, or the system (``actor=None``)."""
    if not _is_system_or_credit_office(actor):
        raise PermissionDenied(_("Only the credit office enters records that take effect at once."))
    reason = reason_required(reason)
    clean = record_clean(data=data, catalog=RecordCatalog())
    outcome = records_write(
        items=[IntakeItem(position=1, subject=subject, record=clean)],
        department=department,
        actor=actor,
        status=RecordStatus.EFFECTIVE,
        source=RecordSource.WEB,
        reason=reason,
    )
    if outcome.rejected:  # e.g. a licence entered already, given with another status
        raise outcome.rejected[0][1]
    if outcome.duplicates:
        existing = outcome.duplicates[0][1]
        assert existing is not None  # a single item duplicates only a record already entered
        raise duplicate_error(existing)
    record = outcome.records[0]
    audit_log_write(
        actor=actor,
        action="record.create_effective",
        target=record,
        after=_snapshot(record),
        reason=reason,
    )
    regrade_after_commit([record.subject_id])
    return record


@transaction.atomic
def record_withdraw(*, actor: Actor, record: CreditRecord, reason: str) -> CreditRecord:
    """Effective (or expired) → revoked because the decision behind the record has ended, e.g. removal
    from a list: the record stops counting in grading. Only the credit office, or the system."""
    return _settle(
        record,
        RecordStatus.REVOKED,
        _("withdrawn"),
        actor=actor,
        action="record.withdraw",
        reason=reason,
        permission=Permission(
            lambda actor, _record: _is_system_or_credit_office(actor),
            _("Only the credit office withdraws such a record."),
        ),
        # Also once the publication period is over: the decision behind the record ended.
        transitions={
            RecordStatus.EFFECTIVE: (RecordStatus.REVOKED,),
            RecordStatus.EXPIRED: (RecordStatus.REVOKED,),
        },
    )


# Bulk review (issue 19: 1,500 imported rows were 1,500 clicks) -----------------------------------

BULK_REVIEW_MAX = 2000
# The approved records' subjects are regraded together after each slice of this many records: most of
# the gain of regrading them as a set, and a request killed part-way (a proxy's or gunicorn's timeout)
# leaves at most one slice's subjects waiting for the nightly regrade.
BULK_REGRADE_EVERY = 200


@dataclass
class BulkReviewResult:
    """What a bulk review did: the records approved or returned, and each one refused with the
    service's reason."""

    action: str
    done: list[CreditRecord] = field(default_factory=list)
    refused: list[tuple[CreditRecord, str]] = field(default_factory=list)


def records_review_bulk(
    *, actor: User, records: Iterable[CreditRecord], action: str, reason: str = ""
) -> BulkReviewResult:
    """Approve or return ``records`` one by one, each through its own four-eyes transition
    (``record_approve`` / ``record_return``: the lock, the role and status checks, the transition row,
    the audit entry, the outbox item and the regrade — nothing is bypassed) in a transaction of its
    own, so a record refused (entered by the actor, no longer submitted, another department's) leaves
    the others done. A return needs its one reason, checked before any record is touched; more than
    ``BULK_REVIEW_MAX`` records at once are refused whole."""
    if action not in ("approve", "return"):
        raise ValidationError(_("Choose to approve or to return the records."))
    if action == "return":
        reason = reason_required(reason)
    chosen = list(records)
    if not chosen:
        raise ValidationError(_("Choose at least one record."))
    if len(chosen) > BULK_REVIEW_MAX:
        raise ValidationError(
            _("At most %(max)s records are reviewed at once; narrow the filter.") % {"max": BULK_REVIEW_MAX}
        )
    result = BulkReviewResult(action=action)
    for start in range(0, len(chosen), BULK_REGRADE_EVERY):
        with regrades_gathered():  # the slice's approved subjects regraded together, at its end
            for record in chosen[start : start + BULK_REGRADE_EVERY]:
                try:
                    if action == "approve":
                        done = record_approve(actor=actor, record=record)
                    else:
                        done = record_return(actor=actor, record=record, reason=reason)
                except (ValidationError, PermissionDenied) as exc:
                    messages = getattr(exc, "messages", None) or [str(exc)]
                    result.refused.append((record, " ".join(str(m) for m in messages)))
                else:
                    result.done.append(done)
    return result
