"""The access log (查询使用, 003 §5(1)): who read which subject's personal data or credit file, when and
from where.

It is written on every such read, so it is kept apart from the audit chain (SPEC §6): plain inserts,
several at once when one read shows many subjects, no hash chain and no history. Rows are never
changed; the purge service removes only rows older than the retention period, which is at least six
months (网络安全法 Art. 21). Who read is kept as the account and, for the subject's own view, as the
department (office) the reader belonged to at the time, so a subject learns which office looked at its
file without learning staff names.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    IDENTITY_NUMBER = "identity_number", _("Unmasked identity number")
    CREDIT_FILE = "credit_file", _("Full credit file")
    CREDIT_REPORT = "credit_report", _("Credit report")
    EXPORT = "export", _("Export")


# What a subject sees of the reads of its file in its portal (the seed speaks of its credit file).
PORTAL_KINDS = (AccessKind.CREDIT_FILE, AccessKind.CREDIT_REPORT)


class AccessPurpose(models.TextChoices):
    """Why a staff member opens a subject's credit file (信用档案). 004 §4(2) shares credit information
    between departments "按需共享" — on demand, for a use in supervision — so each opening states its use:
    one of the uses the seeds name (licensing and 容缺受理, 002 §3(2); supervision and random
    inspections, 003 §3(4), 004 §5(2); procurement and commendations, 003 §4; joint incentives and
    punishments, 004 §6(1); objections and repair, 003 §5) or another one, typed out."""

    LICENSING = "licensing", _("Administrative licensing")
    SUPERVISION = "supervision", _("Daily supervision")
    INSPECTION = "inspection", _("Random inspection")
    ENFORCEMENT = "enforcement", _("Law enforcement case")
    PROCUREMENT = "procurement", _("Public procurement and bidding")
    COMMENDATION = "commendation", _("Commendation and selection")
    FUNDING = "funding", _("Government funding and support")
    JOINT_MEASURES = "joint_measures", _("Joint incentives and punishments")
    OBJECTION_REPAIR = "objection_repair", _("Objection or credit repair")
    OTHER = "other", _("Other (state it)")


# Characters of the purpose a reader types for opening a credit file.
PURPOSE_DETAIL_MAX = 200


class AccessEntry(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept as text too, so the row still reads right if the account is renamed or removed.
    user_label = models.CharField(_("user name"), max_length=150)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office"),
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        # The registry never deletes a subject; PROTECT keeps it that way for one whose file was read.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
    )
    kind = models.CharField(_("what was read"), max_length=20, choices=AccessKind.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    # Why a credit file was opened (004 §4(2) 按需共享): the use picked, and the reader's own words.
    purpose = models.CharField(_("purpose"), max_length=20, choices=AccessPurpose.choices, blank=True)
    purpose_detail = models.CharField(
        _("purpose in the reader's words"), max_length=PURPOSE_DETAIL_MAX, blank=True
    )

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at"], name="accesslog_at_idx"),
            models.Index(fields=["subject", "-at"], name="accesslog_subject_at_idx"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AccessKind.values), name="accesslog_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_label} {self.kind}"

    @property
    def office_name(self) -> str:
        """The office that answers for the read: the reader's department, or the credit office for its
        staff and administrators who belong to none."""
        return self.department.name if self.department_id else str(_("County credit office"))
