"""The outbox: one row per result the municipal platform must receive (003 §5(2), 004 §4(2)–(3)).

A row is written inside the transaction that produced the result, so a result is never committed
without its row and a rolled-back change never reaches the platform. The idempotency key is unique:
writing the same result twice keeps one row, and the platform de-duplicates on the same key.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxType(models.TextChoices):
    GRADE_PUBLISHED = "grade.published", _("published grade")
    RECORD_EFFECTIVE = "record.effective", _("effective record")
    RECORD_CORRECTED = "record.corrected", _("corrected record")
    RECORD_REVOKED = "record.revoked", _("revoked record")
    RECORD_REPAIRED = "record.repaired", _("repaired record")
    REMINDER = "reminder", _("credit reminder")
    INTERVIEW = "interview", _("credit interview")
    OBJECTION_DECIDED = "objection.decided", _("objection outcome")
    REPAIR_DECIDED = "repair.decided", _("credit repair outcome")
    LIST_ENTRY = "list.entry", _("red or black list entry")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class OutboxItem(models.Model):
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=40, choices=OutboxType.choices, db_index=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], name="outbox_pending_idx", condition=models.Q(status="pending"))
        ]

    def __str__(self) -> str:
        return self.idempotency_key
