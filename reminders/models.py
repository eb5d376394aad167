"""Credit reminders (信用提醒) and credit interviews (诚信约谈).

000 Art. 12 and 001 Art. 14: general dishonesty is told to the party by an oral or written reminder;
serious dishonesty by a written reminder or an interview. An interview of an organisation talks to its
principal, the person in charge or the directly responsible person; of a natural person, to that
person. Each reminder and interview is registered — who, when, how, what — and reported on (here: the
outbox to the platform). 004 §6(2): the party rectifies within a set period; where it does not, the
department that determined the dishonesty ("谁认定、谁约谈") starts an interview.

A ``Reminder`` row is one such obligation of one department towards one subject: it falls due when the
record becomes effective (or, for a follow-up interview, when a rectification deadline passes
unrectified) and is done when the department registers how it was carried out.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import StatusChange
from exchange.models import OutboxType


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", _("Credit reminder")
    INTERVIEW = "interview", _("Integrity interview")


class ReminderMethod(models.TextChoices):
    ORAL = "oral", _("Oral reminder")
    WRITTEN = "written", _("Written reminder")
    INTERVIEW = "interview", _("Integrity interview")


class InterviewType(models.TextChoices):
    """004 §6(2): 提示约谈 and 警示约谈."""

    PROMPT = "prompt", _("Prompting interview")
    WARNING = "warning", _("Warning interview")


class PersonRole(models.TextChoices):
    """Whom an interview talks to (000 Art. 12, 001 Art. 14)."""

    PRINCIPAL = "principal", _("Principal")
    IN_CHARGE = "in_charge", _("Person in charge")
    RESPONSIBLE = "responsible", _("Directly responsible person")
    SELF = "self", _("The person concerned")


class ReminderStatus(models.TextChoices):
    DUE = "due", _("Due")
    DONE = "done", _("Registered")
    RECTIFIED = "rectified", _("Rectified")
    ESCALATED = "escalated", _("Not rectified in time")
    CANCELLED = "cancelled", _("Cancelled")


# The workflow (Oscar's transition map): from each status, the statuses reminders.services moves a
# reminder or interview to (registered or cancelled by the department; then rectified, or escalated
# to a follow-up interview when the rectification deadline passes).
REMINDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReminderStatus.DUE: (ReminderStatus.DONE, ReminderStatus.CANCELLED),
    ReminderStatus.DONE: (ReminderStatus.RECTIFIED, ReminderStatus.ESCALATED),
    ReminderStatus.RECTIFIED: (),
    ReminderStatus.ESCALATED: (),
    ReminderStatus.CANCELLED: (),
}


class Reminder(models.Model):
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="reminders", verbose_name=_("subject")
    )
    # "Whoever determines, interviews" (004 §6(2)): the department of the record.
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="reminders",
        verbose_name=_("department"),
    )
    record = models.ForeignKey(
        "records.CreditRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("credit record"),
    )
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    kind = models.CharField(_("what is due"), max_length=10, choices=ReminderKind.choices)
    severity = models.CharField(_("severity"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.DUE, db_index=True
    )
    due_date = models.DateField(_("due by"))
    method = models.CharField(_("method"), max_length=10, choices=ReminderMethod.choices, blank=True)
    interview_type = models.CharField(
        _("interview type"), max_length=10, choices=InterviewType.choices, blank=True
    )
    held_at = models.DateTimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    content = models.TextField(_("content"), blank=True)
    # [{"name": ..., "role": PersonRole, "position": ...}]
    persons = models.JSONField(_("persons reminded or interviewed"), default=list, blank=True)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_note = models.TextField(_("rectification"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder or interview")
        verbose_name_plural = _("reminders and interviews")
        ordering = ["due_date", "id"]
        constraints = [
            # One reminder falls due per record version; one follow-up interview per reminder.
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(kind="reminder", follow_up_of__isnull=True),
                name="reminder_once_per_record",
            ),
            models.UniqueConstraint(
                fields=["follow_up_of"],
                condition=Q(follow_up_of__isnull=False),
                name="reminder_one_follow_up",
            ),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"),
        ]
        indexes = [models.Index(fields=["department", "status", "due_date"], name="reminder_dept_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject}"

    @property
    def outbox_type(self) -> str:
        return OutboxType.INTERVIEW if self.method == ReminderMethod.INTERVIEW else OutboxType.REMINDER


class ReminderTransition(StatusChange):
    reminder = models.ForeignKey(Reminder, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=ReminderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ReminderStatus.choices)
