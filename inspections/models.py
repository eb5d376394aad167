"""Random inspections (双随机一公开; 003 §3(4), §4; 004 §5(2); SPEC §5).

- Each department keeps its list of inspection matters (抽查事项清单: name, legal basis, the subject
  kinds it applies to) and its pool of inspectors (执法检查人员名录库: name, certificate number, active
  or not), with the conflicts an inspector declared with subjects (回避).
- A plan names the matters, the period, the subjects eligible (by kind, the departments' field, or
  every graded subject) and a sampling ratio per ``public`` grade; several departments may inspect
  together (a joint plan: one inspection per subject, which counts once toward the caps).
- The plan's seed is fixed and its SHA-256 published before the draw, the seed after it. The draw
  (``inspections.draw``) picks subjects per grade stratum and two inspectors per inspection; the
  per-year caps by grade (the measures catalogue's ``inspections_per_year``) hold across every plan
  of every department. What the draw read and chose is kept as a published file anyone can
  recompute with ``verify_draw.py``.
- Each inspection's result is entered by the plan's departments; a failed one becomes a credit record
  through intake and four-eyes review.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.crypto import EncryptedTextField
from core.models import StatusChange

from .draw import GRADES


class InspectionMatter(models.Model):
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    name = models.CharField(_("matter"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    # Subject kinds (``subjects.SubjectKind`` values) the matter applies to; empty: every kind.
    subject_kinds = models.JSONField(_("subject kinds"), default=list, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection matter")
        verbose_name_plural = _("inspection matters")
        ordering = ["department__sort_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], condition=Q(is_active=True), name="inspection_matter_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Inspector(models.Model):
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=50)
    certificate_number = models.CharField(_("law-enforcement certificate number"), max_length=40)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["department__sort_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate_number"], name="inspector_certificate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_number}）"


class InspectorConflict(models.Model):
    """A conflict of interest an inspector declared with a subject (回避): the draw never sends the
    inspector there. Withdrawn conflicts are kept (``withdrawn_at``)."""

    inspector = models.ForeignKey(
        Inspector, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("inspector")
    )
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        ordering = ["-declared_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "subject"],
                condition=Q(withdrawn_at__isnull=True),
                name="inspector_conflict_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} · {self.subject_id}"


class PlanScope(models.TextChoices):
    GRADED = "graded", _("Every subject with a county grade")
    FIELD = "field", _("Subjects of the departments' field")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Seed hash published")
    DRAWN = "drawn", _("Drawn")
    CANCELLED = "cancelled", _("Cancelled")


PLAN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PlanStatus.DRAFT: (PlanStatus.ANNOUNCED, PlanStatus.CANCELLED),
    PlanStatus.ANNOUNCED: (PlanStatus.DRAWN, PlanStatus.CANCELLED),
    PlanStatus.DRAWN: (),
    PlanStatus.CANCELLED: (),
}


class PlanSource(models.TextChoices):
    WEB = "web", _("Web pages")
    COMMAND = "command", _("Command line")


class InspectionPlan(models.Model):
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead department")
    )
    # Every department of the plan, the lead one included; more than one: a joint plan.
    departments = models.ManyToManyField(
        "accounts.Department", related_name="+", verbose_name=_("departments")
    )
    matters = models.ManyToManyField(
        InspectionMatter, related_name="plans", blank=True, verbose_name=_("matters")
    )
    # The matters as free text (the command line names a matter in words; the pages copy the names).
    matter_text = models.CharField(_("matters"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    scope = models.CharField(_("eligible subjects"), max_length=10, choices=PlanScope.choices)
    subject_kinds = models.JSONField(_("subject kinds"), default=list, blank=True)
    ratios = models.JSONField(_("sampling ratios"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    source = models.CharField(_("entered through"), max_length=10, choices=PlanSource.choices)
    # Fixed when the hash is published, shown only after the draw (kept encrypted until then too).
    seed = EncryptedTextField(_("seed"), blank=True)
    seed_sha256 = models.CharField(_("SHA-256 of the seed"), max_length=64, blank=True)
    announced_at = models.DateTimeField(_("hash published at"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    eligible_count = models.PositiveIntegerField(_("eligible subjects"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped at their cap"), default=0)
    strata = models.JSONField(_("strata"), default=list, blank=True)
    draw_file = models.FileField(_("published draw"), upload_to="inspections/%Y/", blank=True)
    draw_sha256 = models.CharField(_("SHA-256 of the published draw"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "year"], name="inspection_plan_dept_year_idx"),
            models.Index(fields=["status", "year"], name="inspection_plan_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ratio_list(self) -> list[tuple[str, str]]:
        """The ratios in the order of the grades (the stored object keeps no order on PostgreSQL)."""
        return [(grade, self.ratios.get(grade, "0")) for grade in GRADES]

    @property
    def is_joint(self) -> bool:
        return len(self.departments.all()) > 1


class PlanTransition(StatusChange):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=PlanStatus.choices)


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not yet inspected")
    PASSED = "passed", _("No problem found")
    CORRECTED = "corrected", _("Problems found and corrected on the spot")
    FAILED = "failed", _("Failed")


OUTCOME_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Outcome.PENDING: (Outcome.PASSED, Outcome.CORRECTED, Outcome.FAILED),
    Outcome.PASSED: (),
    Outcome.CORRECTED: (),
    Outcome.FAILED: (),
}


class Inspection(models.Model):
    """One drawn subject of a plan, its two inspectors and its result. Counts once toward the subject's
    cap of the plan's year, whichever departments inspect."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="inspections")
    position = models.PositiveIntegerField(_("position in the draw"))
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    grade = models.CharField(_("grade at the draw"), max_length=4)
    ident = models.CharField(_("published identifier"), max_length=40)
    # The inspectors as drawn, in the order drawn: [{"certificate": …, "name": …}, …] (a later change of
    # the pool does not change the draw).
    drawn_inspectors = models.JSONField(_("inspectors"), default=list)
    status = models.CharField(_("result"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    findings = models.TextField(_("what was found"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    record = models.OneToOneField(
        "records.CreditRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection",
        verbose_name=_("credit record"),
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="inspection_position_unique"),
            models.UniqueConstraint(fields=["plan", "subject"], name="inspection_once_per_plan"),
        ]
        indexes = [models.Index(fields=["subject", "plan"], name="inspection_subject_idx")]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.position}"


class InspectionTransition(StatusChange):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=Outcome.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Outcome.choices)


class DrawYear(models.Model):
    """One row per year, locked by every draw of the year: draws that count toward the same caps run
    one after the other, so two plans cannot both take a subject's last inspection."""

    year = models.PositiveSmallIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("draw year")
        verbose_name_plural = _("draw years")

    def __str__(self) -> str:
        return str(self.year)
