"""Writes to reminders and interviews: what falls due when records take effect, registration of how a
reminder or interview was carried out, rectification, cancellation, and the follow-up interview when a
rectification deadline passes (000 Art. 12, 001 Art. 14, 004 §6(2)).

Each transition locks the row, refuses an illegal move with a clear message, writes a transition row
and the audit log; registration also queues the result for the platform (outbox types ``reminder`` /
``interview``; 000 Art. 12 "推送至市公共信用信息共享平台").
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_log_write
from audit.workflow import Permission, Workflow, reason_required
from core.types import Actor
from exchange.services import outbox_enqueue
from records.models import CreditRecord, Polarity, RecordStatus, Severity
from subjects.models import SubjectKind
from subjects.outbox import subject_payload
from workcalendar.workdays import add_working_days

from .models import (
    REMINDER_TRANSITIONS,
    InterviewType,
    PersonRole,
    Reminder,
    ReminderKind,
    ReminderMethod,
    ReminderStatus,
    ReminderTransition,
)
from .permissions import can_handle_reminder

# 000 Art. 12 / 001 Art. 14: the methods each severity allows; a follow-up is always an interview.
ALLOWED_METHODS: dict[str, tuple[str, ...]] = {
    Severity.GENERAL: (ReminderMethod.ORAL, ReminderMethod.WRITTEN),
    Severity.SERIOUS: (ReminderMethod.WRITTEN, ReminderMethod.INTERVIEW),
}
ORGANISATION_ROLES = (PersonRole.PRINCIPAL, PersonRole.IN_CHARGE, PersonRole.RESPONSIBLE)
DUE_SEVERITIES = (Severity.GENERAL, Severity.SERIOUS)
# A record leaving force before its reminder is done makes the reminder pointless.
CANCELLING_STATUSES = (RecordStatus.REVOKED, RecordStatus.REPAIRED)

REMINDER_AUDIT_FIELDS = [
    "subject",
    "department",
    "record",
    "kind",
    "severity",
    "status",
    "due_date",
    "method",
    "interview_type",
    "held_at",
    "place",
    "content",
    "persons",
    "rectification_deadline",
    "rectified_on",
    "rectification_note",
    "cancel_reason",
]


@dataclass
class PersonInput:
    name: str
    role: str
    position: str = ""


# 004 §6(2) "谁认定、谁约谈": the department that determined the dishonesty.
HANDLERS = Permission(
    can_handle_reminder,
    gettext_lazy("Only a reviewer of the department that determined the dishonesty handles this reminder."),
)
REMINDERS = Workflow(
    ReminderTransition,
    REMINDER_TRANSITIONS,
    gettext_lazy("A reminder or interview that is “%(status)s” cannot be %(action)s."),
    related=("subject", "department", "record"),
)


# --- what falls due ---------------------------------------------------------------------------------


def _effective_day(record: CreditRecord) -> datetime.date:
    return timezone.localdate(record.effective_at) if record.effective_at else record.decision_date


@transaction.atomic
def reminders_sync(*, subject_ids: list[int] | None = None, today: datetime.date | None = None) -> dict:
    """Bring the reminders of these subjects (all subjects when ``None``) in line with their records.

    - An effective general or serious negative record without a reminder gets one, due
      ``REMINDER_DUE_WORKING_DAYS`` working days after it took effect — unless it was decided more than
      ``REMINDER_LOOKBACK_DAYS`` ago (history loaded in bulk is not reminded of).
    - A correction that took effect carries over the reminder of the version it replaced.
    - A due reminder whose record was revoked or repaired, or whose corrected record is no longer
      general or serious dishonesty, is cancelled.

    Set-based and idempotent; called after records change (records.hooks) and nightly.
    """
    today = today or timezone.localdate()
    counts = {"created": 0, "carried_over": 0, "cancelled": 0}
    scope = (
        Reminder.objects.all() if subject_ids is None else Reminder.objects.filter(subject_id__in=subject_ids)
    )

    # Corrections: the reminder follows the record to its new effective version.
    moved = list(
        scope.select_for_update(of=("self",))
        .filter(record__status=RecordStatus.CORRECTED, record__replaced_by__status=RecordStatus.EFFECTIVE)
        .values_list("pk", "record__replaced_by__pk", "record__replaced_by__severity")
    )
    for pk, new_record_id, severity in moved:
        Reminder.objects.filter(pk=pk).update(
            record_id=new_record_id, severity=severity, updated_at=timezone.now()
        )
    counts["carried_over"] = len(moved)

    # Reminders that no longer have a reason to be done.
    stale = list(
        scope.select_for_update(of=("self",))
        .filter(status=ReminderStatus.DUE, record__isnull=False)
        .exclude(record__status=RecordStatus.EFFECTIVE, record__severity__in=DUE_SEVERITIES)
        .exclude(record__status__in=[RecordStatus.CORRECTED, RecordStatus.EXPIRED])
    )
    for reminder in stale:
        reason = _("The record is no longer in force as general or serious dishonesty.")
        reminder.status, reminder.cancel_reason = ReminderStatus.CANCELLED, reason
        reminder.save(update_fields=["status", "cancel_reason", "updated_at"])
        REMINDERS.log_change(reminder, actor=None, from_status=ReminderStatus.DUE, reason=reason)
    counts["cancelled"] = len(stale)

    records = (
        CreditRecord.objects.filter(
            status=RecordStatus.EFFECTIVE,
            is_current=True,
            kind__polarity=Polarity.NEGATIVE,
            severity__in=DUE_SEVERITIES,
            decision_date__gte=today - datetime.timedelta(days=settings.REMINDER_LOOKBACK_DAYS),
        )
        .exclude(kind__code__in=settings.REMINDER_EXCLUDED_KINDS)
        .filter(~Exists(Reminder.objects.filter(record=OuterRef("pk"), follow_up_of__isnull=True)))
    )
    if subject_ids is not None:
        records = records.filter(subject_id__in=subject_ids)
    new = [
        Reminder(
            subject_id=record.subject_id,
            department_id=record.department_id,
            record_id=record.pk,
            kind=ReminderKind.REMINDER,
            severity=record.severity,
            status=ReminderStatus.DUE,
            due_date=add_working_days(_effective_day(record), settings.REMINDER_DUE_WORKING_DAYS),
        )
        for record in records.select_for_update(of=("self",)).only(
            "pk", "subject_id", "department_id", "severity", "effective_at", "decision_date"
        )
    ]
    if new:
        created = Reminder.objects.bulk_create(new)
        if not all(r.pk for r in created):  # backends that do not return ids on bulk insert
            created = list(
                Reminder.objects.filter(record_id__in=[r.record_id for r in new], follow_up_of=None)
            )
        ReminderTransition.objects.bulk_create(
            ReminderTransition(reminder=r, from_status="", to_status=ReminderStatus.DUE) for r in created
        )
    counts["created"] = len(new)
    if any(counts.values()):
        audit_log_write(actor=None, action="reminder.sync", after={**counts, "as_of": today.isoformat()})
    return counts


@transaction.atomic
def reminders_escalate(*, today: datetime.date | None = None) -> int:
    """Registered reminders and interviews whose rectification deadline has passed unrectified: an
    interview falls due, by the same department (004 §6(2)). Idempotent; nightly."""
    today = today or timezone.localdate()
    overdue = list(
        Reminder.objects.select_for_update(of=("self",))
        .filter(status=ReminderStatus.DONE, rectification_deadline__lt=today, rectified_on__isnull=True)
        .order_by("pk")
    )
    for reminder in overdue:
        assert reminder.rectification_deadline is not None  # the query above compares it with today
        reminder.status = ReminderStatus.ESCALATED
        reminder.save(update_fields=["status", "updated_at"])
        reason = _("Rectification deadline %(day)s passed without rectification.") % {
            "day": reminder.rectification_deadline.isoformat()
        }
        REMINDERS.log_change(reminder, actor=None, from_status=ReminderStatus.DONE, reason=reason)
        follow_up = Reminder.objects.create(
            subject_id=reminder.subject_id,
            department_id=reminder.department_id,
            record_id=reminder.record_id,
            follow_up_of=reminder,
            kind=ReminderKind.INTERVIEW,
            severity=reminder.severity,
            status=ReminderStatus.DUE,
            due_date=add_working_days(reminder.rectification_deadline, settings.INTERVIEW_DUE_WORKING_DAYS),
        )
        REMINDERS.log_change(follow_up, actor=None, from_status="", reason=reason)
    if overdue:
        audit_log_write(
            actor=None,
            action="reminder.escalate",
            after={"interviews": len(overdue), "as_of": today.isoformat()},
        )
    return len(overdue)


# --- transitions by the department ------------------------------------------------------------------


def allowed_methods(reminder: Reminder) -> tuple[str, ...]:
    if reminder.kind == ReminderKind.INTERVIEW:
        return (ReminderMethod.INTERVIEW,)
    return ALLOWED_METHODS.get(reminder.severity, tuple(ReminderMethod.values))


def _clean_persons(reminder: Reminder, method: str, persons: list[PersonInput]) -> list[dict]:
    subject = reminder.subject
    rows = [p for p in persons if (p.name or "").strip() or (p.position or "").strip()]
    if subject.kind == SubjectKind.NATURAL_PERSON:
        # 000 Art. 12: a natural person is interviewed in person.
        if any(p.role not in ("", PersonRole.SELF) for p in rows):
            raise ValidationError(
                {"persons": _("A natural person is reminded or interviewed in person, not through others.")}
            )
        return [{"name": subject.name, "role": PersonRole.SELF, "position": ""}]
    cleaned = []
    for p in rows:
        name = (p.name or "").strip()
        if not name:
            raise ValidationError({"persons": _("Give the name of each person.")})
        if p.role not in ORGANISATION_ROLES:
            raise ValidationError(
                {
                    "persons": _(
                        "%(name)s: an organisation is interviewed through its principal, the person in "
                        "charge or the directly responsible person."
                    )
                    % {"name": name}
                }
            )
        cleaned.append(
            {"name": name[:100], "role": str(p.role), "position": (p.position or "").strip()[:100]}
        )
    if method == ReminderMethod.INTERVIEW and not cleaned:
        raise ValidationError(
            {
                "persons": _(
                    "Name the persons interviewed: the principal, the person in charge or the directly "
                    "responsible person."
                )
            }
        )
    return cleaned


def _payload(reminder: Reminder) -> dict:
    subject, record = reminder.subject, reminder.record
    return {
        **subject_payload(subject),
        "reminder_id": reminder.pk,
        "kind": reminder.kind,
        "method": reminder.method,
        "interview_type": reminder.interview_type,
        "severity": reminder.severity,
        "department": reminder.department.code,
        "department_name": reminder.department.name,
        "held_at": reminder.held_at,
        "place": reminder.place,
        "content": reminder.content,
        "persons": reminder.persons,
        "rectification_deadline": reminder.rectification_deadline,
        "record_id": record.pk if record else None,
        "document_number": record.document_number if record else "",
        "decision_date": record.decision_date if record else None,
        "follow_up_of": reminder.follow_up_of_id,
    }


@transaction.atomic
def reminder_register(
    *,
    actor: Actor,
    reminder: Reminder,
    method: str,
    held_at: datetime.datetime,
    content: str,
    persons: list[PersonInput] | None = None,
    place: str = "",
    interview_type: str = "",
    rectification_deadline: datetime.date | None = None,
) -> Reminder:
    """Register how a due reminder or interview was carried out: the method, time, place, content and
    persons (000 Art. 12 "详细记载提醒和约谈的对象、时间、方式及内容"), optionally a rectification
    deadline; and queue it for the platform."""
    reminder = REMINDERS.begin(
        reminder, ReminderStatus.DONE, actor=actor, verb=_("registered"), permission=HANDLERS
    )
    errors = {}
    allowed = allowed_methods(reminder)
    if method not in allowed:
        errors["method"] = _("For this case the method is one of: %(methods)s.") % {
            "methods": "、".join(str(ReminderMethod(m).label) for m in allowed)
        }
    if interview_type and (method != ReminderMethod.INTERVIEW or interview_type not in InterviewType.values):
        errors["interview_type"] = _("Only an interview has an interview type.")
    content = (content or "").strip()
    if not content:
        errors["content"] = _("Describe what the party was told.")
    now = timezone.now()
    if held_at is None:
        errors["held_at"] = _("Give the time.")
    elif held_at > now:
        errors["held_at"] = _("The time cannot be in the future.")
    elif reminder.record is not None and timezone.localdate(held_at) < reminder.record.decision_date:
        errors["held_at"] = _("The time cannot be before the decision date of the record.")
    if rectification_deadline is not None and held_at is not None and "held_at" not in errors:
        if rectification_deadline <= timezone.localdate(held_at):
            errors["rectification_deadline"] = _("The rectification deadline must come after the time.")
    if errors:
        raise ValidationError(errors)
    REMINDERS.transition(
        reminder,
        ReminderStatus.DONE,
        actor=actor,
        action="reminder.register",
        audit_fields=REMINDER_AUDIT_FIELDS,
        method=method,
        held_at=held_at,
        content=content,
        place=(place or "").strip(),
        interview_type=interview_type if method == ReminderMethod.INTERVIEW else "",
        persons=_clean_persons(reminder, method, persons or []),
        rectification_deadline=rectification_deadline,
        registered_by=actor,
        registered_at=now,
    )
    outbox_enqueue(type=reminder.outbox_type, key=str(reminder.pk), payload=_payload(reminder))
    return reminder


@transaction.atomic
def reminder_rectify(*, actor: Actor, reminder: Reminder, rectified_on: datetime.date, note: str) -> Reminder:
    """The party rectified (004 §6(2)): no interview follows."""
    reminder = REMINDERS.begin(
        reminder, ReminderStatus.RECTIFIED, actor=actor, verb=_("marked as rectified"), permission=HANDLERS
    )
    errors = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Describe the rectification.")
    if rectified_on is None:
        errors["rectified_on"] = _("Give the date of the rectification.")
    elif rectified_on > timezone.localdate():
        errors["rectified_on"] = _("The date cannot be in the future.")
    elif rectified_on < timezone.localdate(reminder.held_at):
        errors["rectified_on"] = _("The rectification cannot come before the reminder or interview.")
    if errors:
        raise ValidationError(errors)
    reminder.rectified_on, reminder.rectification_note = rectified_on, note
    return REMINDERS.transition(
        reminder,
        ReminderStatus.RECTIFIED,
        actor=actor,
        action="reminder.rectify",
        reason=note,
        audit_after=["rectified_on"],
    )


@transaction.atomic
def reminder_cancel(*, actor: Actor, reminder: Reminder, reason: str) -> Reminder:
    """A due reminder or interview that will not be carried out, with the reason."""
    reminder = REMINDERS.begin(
        reminder, ReminderStatus.CANCELLED, actor=actor, verb=_("cancelled"), permission=HANDLERS
    )
    reminder.cancel_reason = reason_required(reason)
    return REMINDERS.transition(
        reminder,
        ReminderStatus.CANCELLED,
        actor=actor,
        action="reminder.cancel",
        reason=reminder.cancel_reason,
    )
