"""The outbox: one row per result the municipal platform must receive (003 §5(2), 004 §4(2)–(3)).

A row is written inside the transaction that produced the result, so a result is never committed
without its row and a rolled-back change never reaches the platform. The idempotency key is unique:
writing the same result twice keeps one row, and the platform de-duplicates on the same key.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxType(models.TextChoices):
    GRADE_PUBLISHED = "grade.published", _("published grade")
    GRADE_CHANGED = "grade.changed", _("change of a grade in force")
    RECORD_EFFECTIVE = "record.effective", _("effective record")
    RECORD_CORRECTED = "record.corrected", _("corrected record")
    RECORD_REVOKED = "record.revoked", _("revoked record")
    RECORD_REPAIRED = "record.repaired", _("repaired record")
    REMINDER = "reminder", _("credit reminder")
    INTERVIEW = "interview", _("credit interview")
    # An objection opens (the platform marks the record 异议中) and closes: decided, or withdrawn.
    OBJECTION_OPENED = "objection.opened", _("objection opened")
    OBJECTION_DECIDED = "objection.decided", _("objection outcome")
    OBJECTION_WITHDRAWN = "objection.withdrawn", _("objection withdrawn")
    REPAIR_DECIDED = "repair.decided", _("credit repair outcome")
    LIST_ENTRY = "list.entry", _("red or black list entry")
    # The day's audit chain head (issue 13): date, seq, hash, algorithm.
    AUDIT_HEAD = "audit.head", _("audit chain head")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class OutboxItem(models.Model):
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    # Not indexed: no delivery query selects by type, and every index costs each enqueue and each
    # delivered row (a published run writes up to 1,000,000 of them).
    type = models.CharField(_("type"), max_length=40, choices=OutboxType.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # Backoff: a pending item whose delivery failed is not tried again before this time.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Claimed by a delivery batch until this time; a worker that died mid-batch leaves the lease to
    # run out, and the items are claimed again by the next batch (at-least-once).
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    # Not indexed: claiming a batch then changes no indexed column, so PostgreSQL can update the row in
    # place (a HOT update) — the claim of 100,000 items costs a fraction of a full index update.
    batch = models.ForeignKey(
        "DeliveryBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="outbox_items",
        verbose_name=_("last delivery batch"),
    )

    class Meta:
        verbose_name = _("outbox item")
        verbose_name_plural = _("outbox")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], name="outbox_pending_idx", condition=models.Q(status="pending")),
            models.Index(fields=["id"], name="outbox_failed_idx", condition=models.Q(status="failed")),
            models.Index(fields=["delivered_at"], name="outbox_delivered_at_idx"),
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class BatchStatus(models.TextChoices):
    SENDING = "sending", _("sending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("delivery failed")
    ABANDONED = "abandoned", _("abandoned (worker stopped)")


class DeliveryBatch(models.Model):
    """One attempt to deliver a batch of outbox items: the delivery log (who, when, where, the
    platform's answer). A batch whose worker died keeps "sending" until its heartbeat is stale (or its
    lease runs out) and is then marked abandoned; its items are claimed again by a later batch."""

    transport = models.CharField(_("transport"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.SENDING
    )
    items = models.PositiveIntegerField(_("items"), default=0)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    lease_until = models.DateTimeField(_("claimed until"))
    # Beaten by the sending process while it sends; a batch "sending" with no beat for
    # EXCHANGE_STALE_SECONDS is taken as lost with its process before its lease runs out.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # The range of the ids it claimed (in id order), to release a lost batch's items by the index.
    first_item_id = models.BigIntegerField(null=True, blank=True, editable=False)
    last_item_id = models.BigIntegerField(null=True, blank=True, editable=False)
    location = models.TextField(_("delivered to"), blank=True)
    error = models.TextField(_("platform's error"), blank=True)

    class Meta:
        verbose_name = _("delivery batch")
        verbose_name_plural = _("delivery log")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.transport} {self.status}"
