"""Writes of the credit repair workflow (003 §5(3), 004 §6(6)): one service per transition.

Each service locks the application, refuses a move the transition map does not allow with a clear
message (nothing changed), writes a ``RepairTransition`` row and the audit log. Approval goes through
the intake service ``records.services.record_repair`` (publication stops at once, the subject is
regraded through the records hooks), ends the list membership tied to the record, and queues the
outcome for the municipal platform (``repair.decided``) in the same transaction; a refusal is queued
too, with its reasons, which the subject reads on its application page.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_log_write, model_snapshot
from audit.workflow import Permission, Workflow, reason_required
from core.files import evidence_check, file_store
from core.types import Actor
from exchange.models import OutboxType
from exchange.services import outbox_enqueue
from measures.models import ListExit
from measures.selectors import list_entries_in_force
from measures.services import list_entry_remove
from records.models import CreditRecord
from records.services import record_repair
from subjects.outbox import subject_payload
from workcalendar.workdays import add_working_days

from .eligibility import repair_eligibility
from .models import (
    OPEN_STATUSES,
    TRANSITIONS,
    ProofKind,
    RepairApplication,
    RepairChannel,
    RepairProof,
    RepairStatus,
    RepairTransition,
)
from .permissions import (
    can_apply_online,
    can_handle_application,
    can_register_paper,
    can_withdraw_application,
)

APPLICATION_AUDIT_FIELDS = [
    "record",
    "subject",
    "department",
    "status",
    "channel",
    "due_on",
    "decision_reason",
]

# Working days for each step (our default, configurable): accept within 2, decide within 5 more —
# modelled on the NDRC's repair measures; the credit office may set other numbers in settings.
DEFAULT_ACCEPT_WORKING_DAYS = 2
DEFAULT_DECIDE_WORKING_DAYS = 5
# Every route of 004 §6(6) starts with the subject's public credit commitment.
DEFAULT_REQUIRED_PROOFS = (ProofKind.COMMITMENT,)


def _setting(name: str, default):
    return getattr(settings, name, default)


REPAIRS = Workflow(
    RepairTransition,
    TRANSITIONS,
    gettext_lazy("An application that is “%(status)s” cannot be %(action)s."),
    related=("record", "subject", "department"),
)
HANDLERS = Permission(
    can_handle_application,
    gettext_lazy(
        "Only a reviewer of the department that determined the record handles its repair (whoever determines, repairs)."  # noqa: E501
    ),
)


def _proofs_clean(proofs: list[tuple[str, object]]) -> list[tuple[str, object, str]]:
    """Check every proof file (type, size, content) and that the required kinds are there."""
    if not proofs:
        raise ValidationError({"proofs": _("Attach at least one proof file.")})
    clean = []
    for kind, uploaded in proofs:
        if kind not in ProofKind.values:
            raise ValidationError({"proofs": _("Unknown kind of proof: %(kind)s.") % {"kind": kind}})
        try:
            suffix = evidence_check(uploaded)
        except ValidationError as exc:
            raise ValidationError({"proofs": exc.messages}) from None
        clean.append((kind, uploaded, suffix))
    present = {kind for kind, _uploaded, _suffix in clean}
    missing = [k for k in _setting("REPAIR_REQUIRED_PROOFS", DEFAULT_REQUIRED_PROOFS) if k not in present]
    if missing:
        raise ValidationError(
            {
                "proofs": _("A repair application needs: %(kinds)s.")
                % {"kinds": "、".join(str(ProofKind(k).label) for k in missing)}
            }
        )
    return clean


def _store_proof(
    application: RepairApplication, *, actor: Actor, kind: str, uploaded, suffix: str
) -> RepairProof:
    return file_store(RepairProof(application=application, kind=kind, uploaded_by=actor), uploaded, suffix)


@transaction.atomic
def repair_apply(
    *,
    actor: Actor,
    record: CreditRecord,
    statement: str,
    proofs: list[tuple[str, object]],
    contact: str = "",
    today=None,
) -> RepairApplication:
    """File a repair application: online by a verified subject user of the record's subject, or on
    paper, registered by staff of the department that determined the record. The record must be
    repairable today (SPEC §3.4); otherwise the message says from which date it is."""
    today = today or timezone.localdate()
    if can_apply_online(actor, record):
        channel = RepairChannel.ONLINE
    elif can_register_paper(actor, record):
        channel = RepairChannel.PAPER
    else:
        raise PermissionDenied(
            _(
                "Only the subject itself, or the department that determined the record, files a repair application."  # noqa: E501
            )
        )
    record = CreditRecord.objects.select_for_update().select_related("kind").get(pk=record.pk)
    has_open = RepairApplication.objects.filter(record=record, status__in=OPEN_STATUSES).exists()
    eligibility = repair_eligibility(record=record, has_open_application=has_open, today=today)
    if not eligibility.eligible:
        raise ValidationError({"record": eligibility.message})
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Describe how the behaviour was corrected.")})
    clean = _proofs_clean(proofs)
    application = RepairApplication.objects.create(
        record=record,
        subject_id=record.subject_id,
        department_id=record.department_id,
        status=RepairStatus.SUBMITTED,
        channel=channel,
        statement=statement,
        contact=(contact or "").strip()[:100],
        submitted_by=actor,
        due_on=add_working_days(today, _setting("REPAIR_ACCEPT_WORKING_DAYS", DEFAULT_ACCEPT_WORKING_DAYS)),
    )
    for kind, uploaded, suffix in clean:
        _store_proof(application, actor=actor, kind=kind, uploaded=uploaded, suffix=suffix)
    REPAIRS.created(
        application,
        actor=actor,
        action="repair.apply",
        after=model_snapshot(application, APPLICATION_AUDIT_FIELDS) | {"proofs": len(clean)},
    )
    return application


@transaction.atomic
def repair_accept(*, actor: Actor, application: RepairApplication, today=None) -> RepairApplication:
    """Applied → accepted; the decision is then due within the decision period in working days."""
    today = today or timezone.localdate()
    application = REPAIRS.begin(
        application, RepairStatus.ACCEPTED, actor=actor, verb=_("accepted"), permission=HANDLERS
    )
    application.accepted_at = timezone.now()
    application.due_on = add_working_days(
        today, _setting("REPAIR_DECIDE_WORKING_DAYS", DEFAULT_DECIDE_WORKING_DAYS)
    )
    return REPAIRS.transition(application, RepairStatus.ACCEPTED, actor=actor, action="repair.accept")


def _outcome_payload(application: RepairApplication) -> dict:
    record, subject = application.record, application.subject
    return {
        **subject_payload(subject),
        "application_id": application.pk,
        "record_id": record.pk,
        "document_number": record.document_number,
        "decision_date": record.decision_date,
        "record_kind": record.kind.code,
        "severity": record.severity,
        "department": application.department.code,
        "status": application.status,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "reason": application.decision_reason,
    }


def _decide(
    application: RepairApplication, *, actor: Actor, to: str, action: str, reason: str
) -> RepairApplication:
    REPAIRS.decide(application, to, actor=actor, action=action, reason=reason)
    outbox_enqueue(
        type=OutboxType.REPAIR_DECIDED, key=str(application.pk), payload=_outcome_payload(application)
    )
    return application


@transaction.atomic
def repair_approve(
    *, actor: Actor, application: RepairApplication, reason: str = "", today=None
) -> RepairApplication:
    """Accepted → approved: the record is repaired through the intake service (publication stops at
    once, the subject is regraded), list membership tied to it ends, and the platform is told."""
    today = today or timezone.localdate()
    application = REPAIRS.begin(
        application, RepairStatus.APPROVED, actor=actor, verb=_("approved as repaired"), permission=HANDLERS
    )
    reason = (reason or "").strip() or _("Credit repair approved (application %(id)s).") % {
        "id": application.pk
    }
    record_repair(actor=actor, record=application.record, reason=reason)
    ended = _end_list_membership(application, today=today, reason=reason)
    application.record.refresh_from_db()
    application = _decide(
        application, actor=actor, to=RepairStatus.APPROVED, action="repair.approve", reason=reason
    )
    if ended:
        audit_log_write(
            actor=actor,
            action="repair.list_entries_end",
            target=application,
            after={"list_entries": [entry.pk for entry in ended]},
            reason=reason,
        )
    return application


def _end_list_membership(application: RepairApplication, *, today, reason: str) -> list:
    """004 §6(6): once repaired, joint punishment ends. The list entries in force whose listing record
    is the repaired record (a county listing, or a department's own, SPEC §3.6) end by repair through
    ``measures.services.list_entry_remove`` (which leaves the
    already repaired record as it is and tells the platform of the removal). The removal is the
    system's act on the department's repair decision: the list service takes only the credit office
    or the system as its actor; the handler is in this application's audit row. Returns the entries
    ended (none for an ordinary record)."""
    entries = list(
        list_entries_in_force(subject_ids=[application.subject_id], on=today).filter(
            record_id=application.record_id
        )
    )
    for entry in entries:
        list_entry_remove(
            actor=None,
            entry=entry,
            removed_on=max(today, entry.listed_on),
            reason=_("Credit repair approved (application %(id)s): %(reason)s")
            % {"id": application.pk, "reason": reason},
            exit=ListExit.REPAIR,
        )
    return entries


@transaction.atomic
def repair_refuse(*, actor: Actor, application: RepairApplication, reason: str) -> RepairApplication:
    """Applied or accepted → refused, with the reasons the subject reads."""
    application = REPAIRS.begin(
        application, RepairStatus.REFUSED, actor=actor, verb=_("refused repair"), permission=HANDLERS
    )
    reason = reason_required(reason, missing=_("Give the reasons."))
    return _decide(application, actor=actor, to=RepairStatus.REFUSED, action="repair.refuse", reason=reason)


@transaction.atomic
def repair_withdraw(*, actor: Actor, application: RepairApplication, reason: str = "") -> RepairApplication:
    """Applied or accepted → withdrawn by the subject (a paper one by its department on request)."""
    applicant = Permission(can_withdraw_application, _("Only the applicant withdraws its application."))
    application = REPAIRS.begin(
        application, RepairStatus.WITHDRAWN, actor=actor, verb=_("withdrawn"), permission=applicant
    )
    application.decided_at = timezone.now()
    return REPAIRS.transition(
        application, RepairStatus.WITHDRAWN, actor=actor, action="repair.withdraw", reason=reason
    )
