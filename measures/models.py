"""Measures (措施) tied to grades, red and black lists (SPEC §4, §5).

- The catalogue: every incentive, management and punishment measure the seeds name (000 Art. 9–12,
  001 Art. 11–14, 002 §3–4, 003 §4, 004 §3(1), §6), each tied to a scheme's grades and/or to a list,
  with its legal basis, implementing departments, whether it extends to the legal representative
  (000 Art. 11(3), 004 §6(5)) and its parameters (the random-inspection cap of 003 §4). Reference data
  the credit office maintains in the admin; versioned and audited.
- Applications (004 §6(3) 成效统计与反馈): a department records that it applied a measure, and with what
  outcome.
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


class MeasureKind(models.TextChoices):
    INCENTIVE = "incentive", _("Incentive")
    MANAGEMENT = "management", _("Management")
    PUNISHMENT = "punishment", _("Punishment")


class MeasureCategory(models.TextChoices):
    """004 §6(3): administrative, market and industry measures (行政性、市场性、行业性), and social ones
    (publicity, 003 §4.1(5))."""

    ADMINISTRATIVE = "administrative", _("Administrative")
    MARKET = "market", _("Market")
    INDUSTRY = "industry", _("Industry")
    SOCIAL = "social", _("Social")


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


class Measure(models.Model):
    """One measure of the catalogue. It applies to a subject whose grade in force under ``scheme`` is one
    of ``grades`` — for a department scheme, the grade ``grade_department`` gives (SPEC §3.6: each
    department's measures follow that department's own grade) — or who is on the ``list_type`` list
    (either suffices)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    category = models.CharField(_("category"), max_length=16, choices=MeasureCategory.choices)
    description = models.TextField(_("text of the measure"), blank=True)
    scheme = models.ForeignKey(
        "grading.Scheme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("scheme"),
    )
    grades = models.JSONField(_("grades"), default=list, blank=True)
    grade_department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grading department"),
        help_text=_("For a department scheme: the department whose grade brings this measure."),
    )
    list_type = models.CharField(_("list"), max_length=10, choices=ListType.choices, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    # Empty: every department that supervises the subject (各行业监管部门, 003 §4).
    departments = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="+", verbose_name=_("implementing departments")
    )
    extends_to_legal_representative = models.BooleanField(
        _("extends to the legal representative and responsible persons"), default=False
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    history = HistoricalRecords(m2m_fields=[departments])
    _change_reason: str  # set before a save: django-simple-history keeps it on the history row

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures catalogue")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class MeasureApplication(models.Model):
    """A department's record that it applied a measure to a subject, with the outcome (004 §6(3))."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        RECTIFIED = "rectified", _("Applied; the subject rectified")
        NOT_APPLICABLE = "not_applicable", _("Not applied: conditions not met")
        OTHER = "other", _("Other outcome")

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="applications", verbose_name=_("measure")
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        on_delete=models.PROTECT,
        related_name="measure_applications",
        verbose_name=_("subject"),
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    applied_on = models.DateField(_("applied on"))
    matter = models.CharField(_("matter"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    outcome_note = models.TextField(_("outcome in detail"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure application")
        verbose_name_plural = _("measure applications")
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["department", "applied_on"], name="measure_app_dept_date_idx"),
            models.Index(fields=["measure", "applied_on"], name="measure_app_measure_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.name} · {self.subject} · {self.applied_on}"
