"""Measures (措施) tied to grades, red and black lists (SPEC §4, §5).

- Red and black lists (002 §3(1), §4(3); 004 §6(1)): integrity models (诚信红榜) chosen by the credit
  office among A+/A subjects, and joint-punishment (black) lists, local or pushed down from above. A
  listing counts in grading through an effective credit record of kind ``red_list`` /
  ``joint_punishment_list`` (SPEC §3.2); removal ends the listing and that record stops counting.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ListType(models.TextChoices):
    RED = "red", _("Integrity models (red list)")
    BLACK = "black", _("Joint-punishment (black) list")


class ListLevel(models.TextChoices):
    COUNTY = "county", _("County")
    MUNICIPAL = "municipal", _("Municipal")
    PROVINCIAL = "provincial", _("Provincial")
    NATIONAL = "national", _("National")


class ListSource(models.TextChoices):
    LOCAL = "local", _("Decided locally")
    PLATFORM = "platform", _("Pushed down by the platform")


class ListEntry(models.Model):
    """One subject's listing on the red or the black list, from ``listed_on`` until ``removed_on``
    (the first day it is no longer in force)."""

    list_type = models.CharField(_("list"), max_length=10, choices=ListType.choices)
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="list_entries", verbose_name=_("subject")
    )
    reason = models.TextField(_("reason for listing"))
    authority = models.CharField(_("deciding authority"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=ListLevel.choices, default=ListLevel.COUNTY)
    source = models.CharField(
        _("source"), max_length=10, choices=ListSource.choices, default=ListSource.LOCAL
    )
    external_id = models.CharField(_("identifier at the source"), max_length=100, blank=True)
    # "Whoever determines, interviews" (004 §6(2)): the department that determined the listing.
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    listed_on = models.DateField(_("listed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    record = models.ForeignKey(
        "records.CreditRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credit record"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("red and black lists")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="list_entry_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("listed_on")),
                name="list_entry_removed_after_listed",
                violation_error_message=_("The removal date cannot be before the listing date."),
            ),
        ]
        indexes = [models.Index(fields=["subject", "list_type", "listed_on"], name="list_entry_subject_idx")]

    def __str__(self) -> str:
        return f"{self.get_list_type_display()} · {self.subject}"

    @property
    def in_force(self) -> bool:
        return self.removed_on is None
