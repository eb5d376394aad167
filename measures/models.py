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
- A department's own red and black lists (002 §3(1), §4(3); SPEC §3.6): a ``DepartmentListing`` is the
  procedure — proposed by a clerk, approved or returned by a reviewer of the same department (four
  eyes), and for a black listing the subject told and heard (陈述申辩) before it takes effect. Once in
  force it is a ``ListEntry`` of scope ``department`` like the county lists, read by every page, the
  public API and the platform push, and counted through an effective record of kind
  ``department_red_list`` / ``department_black_list``; it ends by expiry, repair or decision.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StatusChange, UserStoredFile


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


class ListScope(models.TextChoices):
    """Whose list an entry is on: the county's joint lists kept by the credit office (with those pushed
    down by the platform), or a department's own red or black list for its field (002 §3(1), §4(3))."""

    JOINT = "joint", _("County joint list")
    DEPARTMENT = "department", _("A department's own list")


class ListExit(models.TextChoices):
    """How a listing ended."""

    EXPIRY = "expiry", _("Listing period over")
    REPAIR = "repair", _("Credit repair")
    DECISION = "decision", _("Removed by decision")


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
    scope = models.CharField(_("kept by"), max_length=12, choices=ListScope.choices, default=ListScope.JOINT)
    # The last day of a listing period (a department's listings have one); empty: until removed.
    ends_on = models.DateField(_("listed until"), null=True, blank=True)
    exit_kind = models.CharField(_("how it ended"), max_length=10, choices=ListExit.choices, blank=True)
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
        return f"{self.list_name} · {self.subject}"

    @property
    def in_force(self) -> bool:
        return self.removed_on is None

    @property
    def list_name(self) -> str:
        """The list's name as pages, the public API and the measures show it: the county list's, or the
        deciding department's own list ("住房保障中心黑名单")."""
        if self.scope != ListScope.DEPARTMENT:
            return str(self.get_list_type_display())
        if self.list_type == ListType.RED:
            return _("%(department)s red list") % {"department": self.department.name}
        return _("%(department)s black list") % {"department": self.department.name}


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


# --- a department's own red and black lists (002 §3(1), §4(3); SPEC §3.6) ------------------------------


class ListingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting review")
    RETURNED = "returned", _("Returned for correction")
    HEARING = "hearing", _("Subject told; statement period running")
    STATEMENT = "statement", _("Statement received, to be considered")
    EFFECTIVE = "effective", _("In force")
    DROPPED = "dropped", _("Not listed after the statement")
    WITHDRAWN = "withdrawn", _("Withdrawn by the department")
    ENDED = "ended", _("Ended")


# The procedure (Oscar's transition map). A red listing takes effect on approval; a black listing is
# first told to the subject, which may state its case (陈述申辩, SPEC §3.6) until ``hearing_until``:
# without a statement it takes effect when that period is over (the beat task, or the first read after
# it), with one when the department has considered it — and then lists or drops it.
LISTING_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ListingStatus.PROPOSED: (
        ListingStatus.HEARING,
        ListingStatus.EFFECTIVE,
        ListingStatus.RETURNED,
        ListingStatus.WITHDRAWN,
    ),
    ListingStatus.RETURNED: (ListingStatus.PROPOSED, ListingStatus.WITHDRAWN),
    ListingStatus.HEARING: (ListingStatus.STATEMENT, ListingStatus.EFFECTIVE, ListingStatus.WITHDRAWN),
    ListingStatus.STATEMENT: (ListingStatus.EFFECTIVE, ListingStatus.DROPPED),
    ListingStatus.EFFECTIVE: (ListingStatus.ENDED,),
    ListingStatus.DROPPED: (),
    ListingStatus.WITHDRAWN: (),
    ListingStatus.ENDED: (),
}
# A listing the department is still deciding on, or in force: one at a time per department, subject
# and list.
OPEN_LISTING_STATUSES = (
    ListingStatus.PROPOSED,
    ListingStatus.RETURNED,
    ListingStatus.HEARING,
    ListingStatus.STATEMENT,
    ListingStatus.EFFECTIVE,
)
# What the subject is shown: from the day it is told (never a proposal still inside the department).
TOLD_STATUSES = (
    ListingStatus.HEARING,
    ListingStatus.STATEMENT,
    ListingStatus.EFFECTIVE,
    ListingStatus.DROPPED,
    ListingStatus.ENDED,
)


class DepartmentListing(models.Model):
    """One department's decision to put a subject on its own red or black list, from the proposal to
    the end of the listing. The entry it creates once in force is ``entry``."""

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        on_delete=models.PROTECT,
        related_name="department_listings",
        verbose_name=_("subject"),
    )
    list_type = models.CharField(_("list"), max_length=10, choices=ListType.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.PROPOSED
    )
    reason = models.TextField(_("reason for listing"))
    document_number = models.CharField(_("document number"), max_length=100)
    decision_date = models.DateField(_("decision date"))
    # The last day of the listing period (exit by expiry).
    ends_on = models.DateField(_("listed until"))
    # Black lists: the working days the subject has to state its case, counted from the day it is told.
    hearing_days = models.PositiveSmallIntegerField(
        _("working days to state its case"), null=True, blank=True
    )
    notified_on = models.DateField(_("subject told on"), null=True, blank=True)
    hearing_until = models.DateField(_("statement accepted until"), null=True, blank=True)
    statement = models.TextField(_("statement of the subject"), blank=True)
    statement_at = models.DateTimeField(_("statement made at"), null=True, blank=True)
    statement_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statement made by"),
    )
    answer = models.TextField(_("the department's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("last submitted by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    entry = models.OneToOneField(
        ListEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="department_listing",
        verbose_name=_("list entry"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department listing")
        verbose_name_plural = _("department red and black lists")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "subject", "list_type"],
                condition=Q(status__in=["proposed", "returned", "hearing", "statement", "effective"]),
                name="department_listing_one_open",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("decision_date")),
                name="department_listing_ends_after_decision",
                violation_error_message=_("The listing period cannot end before the decision date."),
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="dept_listing_dept_status_idx"),
            models.Index(fields=["subject", "status"], name="dept_listing_subject_idx"),
            models.Index(fields=["status", "hearing_until"], name="dept_listing_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_list_type_display()} · {self.subject}"

    @property
    def list_name(self) -> str:
        if self.list_type == ListType.RED:
            return _("%(department)s red list") % {"department": self.department.name}
        return _("%(department)s black list") % {"department": self.department.name}

    @property
    def is_black(self) -> bool:
        return self.list_type == ListType.BLACK

    def statement_open(self, today: datetime.date) -> bool:
        """Whether the subject may still state its case today."""
        return (
            self.status == ListingStatus.HEARING
            and self.hearing_until is not None
            and today <= self.hearing_until
        )


class ListingFile(UserStoredFile):
    """A file of a department listing: the department's decision document, or the subject's evidence
    with its statement (``core.files`` checks and keeps both)."""

    class Role(models.TextChoices):
        DECISION = "decision", _("Decision document")
        STATEMENT = "statement", _("Filed with the statement")

    listing = models.ForeignKey(DepartmentListing, on_delete=models.PROTECT, related_name="files")
    role = models.CharField(_("file of"), max_length=10, choices=Role.choices)
    file = models.FileField(_("file"), upload_to="lists/%Y/%m/")

    class Meta(UserStoredFile.Meta):
        verbose_name = _("listing file")
        verbose_name_plural = _("listing files")


class ListingTransition(StatusChange):
    """One step of a department listing. A step the credit office is told of (a proposal, a listing
    taking effect) stays on its to-do until someone of the office has read it (``office_read_at``)."""

    listing = models.ForeignKey(DepartmentListing, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=ListingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ListingStatus.choices)
    office_read_at = models.DateTimeField(_("read by the credit office at"), null=True, blank=True)
    office_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("department listing step")
        verbose_name_plural = _("department listing steps")
        indexes = [models.Index(fields=["to_status", "office_read_at"], name="listing_step_unread_idx")]
