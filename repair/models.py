"""Credit repair applications (信用修复, 003 §5(3), 004 §6(6)).

A subject that has corrected its behaviour applies to the department that determined the record
("whoever determines, repairs") with proof: a public credit commitment, proof of rectification, a
training certificate, a credit report, public-interest work. The department accepts the application,
then approves it — the record stops being published at once, list membership tied to it ends, the
subject is regraded and the platform is told — or refuses it with reasons. Every step is a
``RepairTransition`` row; applications are never deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import StatusChange, UserStoredFile


class RepairStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Application filed")
    ACCEPTED = "accepted", _("Accepted for handling")
    APPROVED = "approved", _("Repair approved")
    REFUSED = "refused", _("Repair refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (RepairStatus.SUBMITTED, RepairStatus.ACCEPTED)

# The workflow: from each status, the statuses a service may move an application to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RepairStatus.SUBMITTED: (RepairStatus.ACCEPTED, RepairStatus.REFUSED, RepairStatus.WITHDRAWN),
    RepairStatus.ACCEPTED: (RepairStatus.APPROVED, RepairStatus.REFUSED, RepairStatus.WITHDRAWN),
    RepairStatus.APPROVED: (),
    RepairStatus.REFUSED: (),
    RepairStatus.WITHDRAWN: (),
}


class RepairChannel(models.TextChoices):
    ONLINE = "online", _("Online by the subject")
    PAPER = "paper", _("Paper application registered by staff")


class ProofKind(models.TextChoices):
    """The repair routes of 004 §6(6) for which the applicant brings proof."""

    COMMITMENT = "commitment", _("Public credit commitment")
    RECTIFICATION = "rectification", _("Proof of rectification")
    TRAINING = "training", _("Training certificate")
    CREDIT_REPORT = "credit_report", _("Credit report")
    PUBLIC_INTEREST = "public_interest", _("Public-interest work")


class RepairApplication(models.Model):
    record = models.ForeignKey(
        "records.CreditRecord",
        on_delete=models.PROTECT,
        related_name="repair_applications",
        verbose_name=_("record"),
    )
    # Copied from the record when the application is filed, so lists are scoped without a join.
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handling department"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RepairStatus.choices, default=RepairStatus.SUBMITTED
    )
    channel = models.CharField(_("channel"), max_length=10, choices=RepairChannel.choices)
    statement = models.TextField(_("how the behaviour was corrected"))
    contact = models.CharField(_("contact person and phone"), max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    submitted_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    # The deadline of the current step, in working days (acceptance, then decision).
    due_on = models.DateField(_("due on"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One application at a time per record.
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status__in=["submitted", "accepted"]),
                name="repair_one_open_per_record",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="repair_dept_status_idx"),
            models.Index(fields=["subject", "status"], name="repair_subject_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} · {self.record_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RepairProof(UserStoredFile):
    application = models.ForeignKey(RepairApplication, on_delete=models.PROTECT, related_name="proofs")
    kind = models.CharField(_("kind of proof"), max_length=20, choices=ProofKind.choices)
    file = models.FileField(_("file"), upload_to="repair/%Y/%m/")

    class Meta(UserStoredFile.Meta):
        verbose_name = _("proof file")
        verbose_name_plural = _("proof files")


class RepairTransition(StatusChange):
    application = models.ForeignKey(RepairApplication, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=12, choices=RepairStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=RepairStatus.choices)
