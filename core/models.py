"""Abstract bases the workflow apps share; abstract, so no table lives here.

``StatusChange`` is the history line of a workflow object (a record, an objection, a repair, a
reminder, a commitment); ``StoredFile`` and ``UserStoredFile`` are the uploaded files kept as
evidence, stored and checked by ``core.files``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusChange(models.Model):
    """One status change of a workflow object (Oscar's OrderStatusChange): who moved it, when, why.
    Each workflow keeps its own table with the foreign key and the from/to statuses of its choices."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        abstract = True
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class StoredFile(models.Model):
    """An uploaded file kept as evidence (a record's evidence, an objection's, a repair's proof, a
    voluntary registration's supporting file): its name as uploaded, type, size and checksum, so that
    what was filed can be shown to be what is kept (``core.files.file_store``)."""

    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("checksum"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class UserStoredFile(StoredFile):
    """A stored file with the account that uploaded it (staff, or a subject in the portal)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )

    class Meta(StoredFile.Meta):
        abstract = True
