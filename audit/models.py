"""The audit log: who did what to which object, when, with the values before and after, and why.

SPEC §6 requires every change to records, grades, schemes and measures to be audited, and the credit
office must be able to defend every grade in front of the subject it graded. Services write one row
per state change (Zulip's RealmAuditLog); rows are never changed or deleted.

The log is tamper-evident (SPEC §6, §7 ``audit_verify``; issue 13): each entry carries a gapless
sequence number and a hash chained to the previous entry's, set once by the chaining step of
``audit/chain.py`` right after the writing transaction commits. How and why is told there.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept as text too, so the row still reads right if the account is renamed.
    actor_label = models.CharField(_("actor name"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("object type")
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The chain (audit/chain.py): NULL/empty from the insert until the chaining step sets all three,
    # once; on PostgreSQL a trigger refuses any other UPDATE, and every DELETE.
    seq = models.BigIntegerField(_("sequence number"), null=True, blank=True, unique=True)
    chain_hash = models.CharField(_("chain hash"), max_length=64, blank=True)
    hash_algorithm = models.CharField(_("hash algorithm"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # The chaining step's queue: only the few entries not chained yet are in it.
            models.Index(fields=["id"], name="audit_unchained_idx", condition=models.Q(seq__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_repr}"


class AuditHead(models.Model):
    """The head of the chain as sent to the platform through the outbox, one per day (issue 13). The
    platform keeps its copy, so a history rewritten from any entry on, or cut short at the end, no
    longer leads to a head that was sent; ``audit_verify`` checks the chain against every row here.
    Written once, never changed (a trigger refuses UPDATE and DELETE on PostgreSQL)."""

    day = models.DateField(_("day"), unique=True)
    seq = models.BigIntegerField(_("sequence number"))
    chain_hash = models.CharField(_("chain hash"), max_length=64)
    hash_algorithm = models.CharField(_("hash algorithm"), max_length=8)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit chain head sent")
        verbose_name_plural = _("audit chain heads sent")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} #{self.seq} {self.hash_algorithm}:{self.chain_hash[:12]}"
