"""Grading schemes, their versions, and the grades they give.

A scheme (评价方案) is data, not code: each version holds its window (one year, 001 Art. 4), its record
scope and its rules, so the credit office can change the numbers in the admin. A grade records the
scheme version, the as-of date and its reasons — the rules that fired and the document numbers behind
them — so every grade explains itself (SPEC §2, §3). Publishing a new version never changes a grade
already given: grades point at the version that gave them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SchemeKind(models.TextChoices):
    CONDITIONS = "conditions", _("Ordered conditions → grade")
    SCORE = "score", _("Score model → levels")


class Scheme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("rule set"), max_length=12, choices=SchemeKind.choices)
    # Empty: the credit office's county scheme. Otherwise a department scheme (SPEC §3.6): every
    # department may run it with versions of its own; the owner's versions are the model the others
    # start from, and the department ``evaluate`` grades for when none is named.
    owner = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("owner")
    )
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grading scheme")
        verbose_name_plural = _("grading schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class RecordScope(models.TextChoices):
    OWN = "own", _("The grading department's records")
    ALL = "all", _("All departments' records")
    KINDS = "kinds", _("Own records and the named kinds from others")


class SchemeVersion(models.Model):
    """One version of a scheme's rules. A department scheme's versions belong to one department each
    (SPEC §3.6, 000 Art. 7–8, 001 Art. 7–8: each department grades its own subjects by its own rules);
    a department grades with the scheme while it has a published version of its own."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="versions", verbose_name=_("scheme")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
        help_text=_("For a department scheme: the department whose version this is."),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    window_days = models.PositiveIntegerField(_("window (days)"), default=365)
    record_scope = models.CharField(
        _("records counted"), max_length=10, choices=RecordScope.choices, default=RecordScope.ALL
    )
    scope_kinds = models.JSONField(_("kinds counted from other departments"), default=list, blank=True)
    rules = models.JSONField(_("rules"))
    note = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme", "department", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "number"],
                condition=Q(department__isnull=True),
                name="scheme_version_unique_number",
            ),
            models.UniqueConstraint(
                fields=["scheme", "department", "number"],
                condition=Q(department__isnull=False),
                name="scheme_version_unique_dept_number",
            ),
            models.UniqueConstraint(
                fields=["scheme"],
                condition=Q(status="published", department__isnull=True),
                name="scheme_one_published_version",
            ),
            models.UniqueConstraint(
                fields=["scheme", "department"],
                condition=Q(status="published", department__isnull=False),
                name="scheme_one_published_dept_version",
            ),
        ]

    def __str__(self) -> str:
        if self.department_id is not None:
            return f"{self.scheme.code}:{self.department.code} v{self.number}"
        return f"{self.scheme.code} v{self.number}"


class GradeSource(models.TextChoices):
    DYNAMIC = "dynamic", _("Records changed")
    NIGHTLY = "nightly", _("Nightly regrade")
    YEARLY = "yearly", _("Yearly evaluation")
    COMMAND = "command", _("Command")
    ADJUSTED = "adjusted", _("Adjusted by the credit office")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed, awaiting review")
    PUBLISHED = "published", _("Published")


class EvaluationRun(models.Model):
    """A yearly evaluation of every subject as of a date (003 §3(2): reported every December 15).

    One run per scheme, department and date (idempotent); its work is split into chunks over subject
    id ranges that any worker can take, and a chunk that was interrupted is simply done again.
    """

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="runs", verbose_name=_("scheme")
    )
    version = models.ForeignKey(
        SchemeVersion, on_delete=models.PROTECT, related_name="runs", verbose_name=_("scheme version")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    as_of = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    subjects_total = models.PositiveIntegerField(_("subjects"), default=0)
    subjects_graded = models.PositiveIntegerField(_("graded"), default=0)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        ordering = ["-as_of", "scheme"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "as_of"], condition=Q(department__isnull=True), name="run_unique_county"
            ),
            models.UniqueConstraint(
                fields=["scheme", "department", "as_of"],
                condition=Q(department__isnull=False),
                name="run_unique_department",
            ),
        ]

    def __str__(self) -> str:
        if self.department_id is not None:
            return f"{self.scheme.code}:{self.department.code} {self.as_of}"
        return f"{self.scheme.code} {self.as_of}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 1)


class RunChunk(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="chunks")
    first_subject_id = models.BigIntegerField()
    last_subject_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    graded = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The claim of the process grading the chunk ("host:pid:nonce"); its beat renews the claim while it
    # works, and a chunk "running" with no beat for GRADING_CHUNK_STALE_SECONDS is lost and sent again.
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the chunk was last sent to the workers: a pending chunk not taken long after (its message
    # lost with the broker) is sent again.
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "first_subject_id"]
        constraints = [models.UniqueConstraint(fields=["run", "first_subject_id"], name="chunk_unique_start")]

    def __str__(self) -> str:
        return f"{self.run} [{self.first_subject_id}-{self.last_subject_id}] {self.status}"


class Grade(models.Model):
    """One subject's grade under one scheme version (and, for a department scheme run by several
    departments, one department), as of a date, with its reasons."""

    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="grades", verbose_name=_("subject")
    )
    # No index of its own: ``grade_current_idx`` starts with it (every grade written maintains each
    # index of this table, a million of them a night; the run's index is ``grade_once_per_run``).
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme"), db_index=False
    )
    version = models.ForeignKey(
        SchemeVersion, on_delete=models.PROTECT, related_name="grades", verbose_name=_("scheme version")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    as_of = models.DateField(_("as of"))
    grade = models.CharField(_("grade"), max_length=4, blank=True)  # empty: not graded
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2, null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list)
    source = models.CharField(_("given by"), max_length=10, choices=GradeSource.choices)
    is_current = models.BooleanField(_("current"), default=True)
    # A yearly run's grades are a snapshot (not current); once the run is published they are the
    # official, public grades (``published``) until the next published run.
    run = models.ForeignKey(
        EvaluationRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grades",
        verbose_name=_("evaluation run"),
        db_index=False,
    )
    published = models.BooleanField(_("published"), default=False)
    adjusted_reason = models.TextField(_("reason for the adjustment"), blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    # A fingerprint of the facts behind the reasons, kept by the database-side regrade to find the
    # grades that may have changed without building every subject's reasons (grading/compiled.py).
    reasons_digest = models.BigIntegerField(null=True, blank=True, editable=False)
    # Set by the selectors that show grades: the reasons worded in the reader's language.
    reason_texts: list[str]

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "scheme"],
                condition=Q(is_current=True, department__isnull=True),
                name="grade_one_current_county",
            ),
            models.UniqueConstraint(
                fields=["subject", "scheme", "department"],
                condition=Q(is_current=True, department__isnull=False),
                name="grade_one_current_per_department",
            ),
            models.UniqueConstraint(
                fields=["run", "subject"], condition=Q(run__isnull=False), name="grade_once_per_run"
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "department", "is_current", "subject"], name="grade_current_idx")
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.scheme.code} {self.grade or '—'}"


class InForceBasis(models.TextChoices):
    COMPUTED = "computed", _("Computed from the facts")
    PUBLISHED = "published", _("Published yearly evaluation")
    CORRECTED = "corrected", _("Corrected by a decision")


class GradeInForceFields(models.Model):
    """What the grade in force says, shared by the row in force and each change kept in its history."""

    subject = models.ForeignKey(
        "subjects.Subject",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("subject"),
    )
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("scheme")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("department"),
    )
    # The Grade row the value stands on: the current computed grade, the published run's grade, or
    # the grade a person corrected (its id is what a grade objection names).
    stands_on = models.ForeignKey(
        Grade, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("grade")
    )
    grade = models.CharField(_("grade"), max_length=4, blank=True)  # empty: not graded
    as_of = models.DateField(_("as of"))
    basis = models.CharField(_("basis"), max_length=10, choices=InForceBasis.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("decided by"),
    )
    # The decision behind a correction ("objection 12", "adjustment") and the run it concerns, if any.
    decision = models.CharField(_("decision"), max_length=100, blank=True)
    decision_run = models.ForeignKey(
        EvaluationRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("evaluation run"),
    )

    class Meta:
        abstract = True

    @property
    def corrected(self) -> bool:
        return self.basis == InForceBasis.CORRECTED

    @property
    def version(self) -> SchemeVersion:
        return self.stands_on.version

    @property
    def score(self):
        """The score behind the value; none for a value a person set."""
        return None if self.corrected else self.stands_on.score

    @property
    def reasons(self) -> list:
        return self.stands_on.reasons


class GradeInForce(GradeInForceFields):
    """The grade in force (生效等级, SPEC §3.5) of one subject under one scheme (and department): the one
    value every reader shows and uses. Written only by ``grading.writer``: it follows the computed
    current grade when the facts change, takes a published run's grade for subjects whose facts did not
    change since the run, and keeps a person's correction while the grade it was made on stays
    current (000 Art. 14, 001 Art. 16, 003 §5(2))."""

    since = models.DateTimeField(_("in force since"))

    # Set by ``grading.selectors.grades_in_force``: a person's correction and the reasons, worded in the
    # reader's language.
    correction_text: str
    reason_texts: list[str]

    class Meta:
        verbose_name = _("grade in force")
        verbose_name_plural = _("grades in force")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "scheme"],
                condition=Q(department__isnull=True),
                name="grade_in_force_one_county",
            ),
            models.UniqueConstraint(
                fields=["subject", "scheme", "department"],
                condition=Q(department__isnull=False),
                name="grade_in_force_one_per_department",
            ),
        ]
        indexes = [models.Index(fields=["subject", "scheme"], name="grade_in_force_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.scheme_id} {self.grade or '—'}"


class GradeInForceChange(GradeInForceFields):
    """One change of a grade in force: from what, to what, when, why, by whom, by which decision.
    ``previous`` is null for a subject's first grade under the scheme."""

    # Null, not "": "" is a value (not graded), null says there was none.
    previous = models.CharField(_("previous grade"), max_length=4, null=True, blank=True)  # noqa: DJ001
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("change of a grade in force")
        verbose_name_plural = _("changes of grades in force")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["subject", "changed_at"], name="grade_in_force_change_idx")]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.previous or '—'} → {self.grade or '—'}"
