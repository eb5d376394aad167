"""Credit records (信用记录) and their reference data.

A record is one piece of credit information about one subject, entered by one department, which answers
for its truthfulness (000/001 Art. 5). A decision (处理决定, one document number) may hold several
violations and each violation is graded on its own (001 Art. 10), so a record here is one violation (or
one commendation, complaint, inspection result …) of a decision; the records of a decision share its
department, subject and document number. A violation with several sanctions takes the severity of the
heaviest (001 Art. 9). Records are never deleted: they move through the statuses below, and a
correction is a new version that replaces the old one, which is kept.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.crypto import EncryptedTextField
from core.models import StatusChange, UserStoredFile


class Polarity(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")


class Severity(models.TextChoices):
    """Severity of negative information (轻微、一般、严重失信), in rising order."""

    MINOR = "minor", _("Minor")
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")

    @classmethod
    def rank(cls, value: str) -> int:
        return {cls.MINOR: 1, cls.GENERAL: 2, cls.SERIOUS: 3}.get(value, 0)


class RecordKind(models.Model):
    """A kind of record (信息类别). Its Chinese name is what spreadsheets carry in 信息类别 (SPEC §7)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    polarity = models.CharField(_("polarity"), max_length=10, choices=Polarity.choices)
    default_severity = models.CharField(
        _("default severity"),
        max_length=10,
        choices=Severity.choices,
        blank=True,
        help_text=_("Used when the record has no sanctions to derive the severity from."),
    )
    has_sanctions = models.BooleanField(_("has sanctions"), default=False)
    has_complainant = models.BooleanField(_("has a confidential complainant"), default=False)
    has_external_grade = models.BooleanField(_("carries another grading's result"), default=False)
    # An administrative licence (行政许可, 004 §4(3)): the record carries the licence's fields, and its
    # publication runs to the end of the licence's validity (records.publication).
    has_licence = models.BooleanField(_("carries an administrative licence"), default=False)
    # 000/001 Art. 4, 002 §4(2): a result from a fixed scale (national evaluation 优/良/中/差 or A–D,
    # public evaluation, market and association ratings AAA…C); the rules of the grading schemes name
    # these values, so a record may carry only one of them. Empty: any text (another department's grade).
    external_grade_choices = models.JSONField(
        _("grades a record of this kind may carry"),
        default=list,
        blank=True,
        help_text=_("The results of the other grading, one per entry; leave empty to accept any text."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("record kind")
        verbose_name_plural = _("record kinds")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        choices = self.external_grade_choices
        if not isinstance(choices, list) or not all(
            isinstance(c, str) and c.strip() and len(c) <= 20 for c in choices
        ):
            raise ValidationError(
                {
                    "external_grade_choices": _(
                        'Give the results as a list of texts of at most 20 characters, e.g. ["优", "良"].'
                    )
                }
            )


class SanctionKind(models.Model):
    """A kind of administrative sanction (Administrative Penalty Law Art. 9) with its default severity
    (SPEC §3.3); ``rank`` orders sanctions of the same severity so the heaviest one is well defined."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    rank = models.PositiveIntegerField(_("weight"), default=0)
    has_fine = models.BooleanField(_("has an amount"), default=False)
    amount_required = models.BooleanField(_("amount required"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sanction kind")
        verbose_name_plural = _("sanction kinds")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name


class LicenceCategory(models.TextChoices):
    """许可类别 of the 双公示 standard (XK_XKLB); the Chinese names are in ``exchange.columns``."""

    ORDINARY = "ordinary", _("Ordinary licence")
    FRANCHISE = "franchise", _("Franchise")
    RECOGNITION = "recognition", _("Recognition")
    APPROVAL = "approval", _("Approval")
    REGISTRATION = "registration", _("Registration")
    OTHER = "other", _("Other")


class LicenceStatus(models.TextChoices):
    """当前状态 of the 双公示 standard (XK_ZT): 1 valid, 2 invalid (revoked, cancelled, withdrawn)."""

    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    EFFECTIVE = "effective", _("Effective")
    REVOKED = "revoked", _("Revoked")
    CORRECTED = "corrected", _("Corrected")
    REPAIRED = "repaired", _("Repaired")
    EXPIRED = "expired", _("Expired")


# The workflow (Oscar's transition map): from each status, the statuses the services of
# records.services move a record to. Two moves have maps of their own there: a withdrawal (also of an
# expired record) and the retirement of the version a correction replaces.
RECORD_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RecordStatus.DRAFT: (RecordStatus.SUBMITTED,),
    RecordStatus.SUBMITTED: (RecordStatus.EFFECTIVE, RecordStatus.RETURNED),
    RecordStatus.RETURNED: (RecordStatus.SUBMITTED,),
    RecordStatus.EFFECTIVE: (RecordStatus.REVOKED, RecordStatus.REPAIRED, RecordStatus.EXPIRED),
    RecordStatus.REVOKED: (),
    RecordStatus.CORRECTED: (),
    RecordStatus.REPAIRED: (),
    RecordStatus.EXPIRED: (),
}


class SeveritySource(models.TextChoices):
    SANCTIONS = "sanctions", _("Heaviest sanction")
    KIND = "kind", _("Default of the kind")
    MANUAL = "manual", _("Set by the clerk")


class RecordSource(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    IMPORT = "import", _("Spreadsheet import")


class ImportBatch(models.Model):
    """One uploaded spreadsheet: who, which template, what came of each row."""

    class Template(models.TextChoices):
        GENERAL = "general", _("General record template")
        PENALTY = "penalty", _("Platform administrative-penalty template (双公示)")
        LICENCE = "licence", _("Platform administrative-licence template (双公示)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Refused or stopped")

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, verbose_name=_("department")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("checksum"), max_length=64, db_index=True)
    template = models.CharField(_("template"), max_length=10, choices=Template.choices, blank=True)
    approve = models.BooleanField(_("take effect at once"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("records created"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("rows already entered"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    subjects_created = models.PositiveIntegerField(_("subjects registered"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # The import runs as a job outside the web request (records/jobs.py): its state and progress.
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_processed = models.PositiveIntegerField(_("rows processed"), default=0)
    failure = models.TextField(_("why the import stopped"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class ImportUpload(models.Model):
    """The uploaded file of a batch, kept until its import has run. It is stored in the database, the one
    store the web process and the Celery worker always share; the job deletes it when it ends."""

    batch = models.OneToOneField(
        ImportBatch, on_delete=models.CASCADE, primary_key=True, related_name="upload"
    )
    content = models.BinaryField()

    class Meta:
        verbose_name = _("uploaded file awaiting import")
        verbose_name_plural = _("uploaded files awaiting import")

    def __str__(self) -> str:
        return str(self.batch_id)


class ImportRowError(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="errors")
    row_number = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=60, blank=True)
    message = models.TextField(_("reason"))
    values = models.JSONField(_("values"), default=dict)

    class Meta:
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")
        ordering = ["batch", "row_number", "id"]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"


class CreditRecord(models.Model):
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="records", verbose_name=_("subject")
    )
    kind = models.ForeignKey(RecordKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind"))
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="records", verbose_name=_("department")
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    document_number = models.CharField(_("document number"), max_length=100)
    decision_date = models.DateField(_("decision date"))
    matter = models.CharField(_("violation or matter"), max_length=200)
    # Normalised ``matter`` (whitespace collapsed) for the duplicate rule.
    matter_key = models.CharField(max_length=200, editable=False)
    content = models.TextField(_("content"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    severity_source = models.CharField(
        _("severity from"), max_length=10, choices=SeveritySource.choices, blank=True
    )
    severity_reason = models.TextField(_("reason for the severity"), blank=True)
    fine_total = models.DecimalField(_("fines (yuan)"), max_digits=14, decimal_places=2, default=0)
    external_grade = models.CharField(_("grade given"), max_length=20, blank=True)
    # 000 Art. 13: never in lists, exports, logs or history; visible to the reviewer and the credit office.
    complainant_name = EncryptedTextField(_("complainant"), blank=True)
    complainant_contact = EncryptedTextField(_("complainant contact"), blank=True)
    # An administrative licence (kinds with ``has_licence``; 双公示 行政许可, 004 §4(3)): the decision's
    # number and date are ``document_number`` and ``decision_date``, 许可内容 is ``content``; these hold
    # the rest. Scalars of one kind on the record itself, as the complainant and the external grade are,
    # so every version, history row, audit entry and correction carries them without a step of its own.
    licence_document_name = models.CharField(_("licence decision document"), max_length=200, blank=True)
    licence_category = models.CharField(
        _("licence category"), max_length=20, choices=LicenceCategory.choices, blank=True
    )
    licence_category_note = models.CharField(_("licence category (other)"), max_length=50, blank=True)
    licence_certificate = models.CharField(_("licence certificate"), max_length=200, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=100, blank=True)
    licence_valid_from = models.DateField(_("licence valid from"), null=True, blank=True)
    licence_valid_to = models.DateField(_("licence valid to"), null=True, blank=True)
    licence_authority = models.CharField(_("licensing authority"), max_length=200, blank=True)
    licence_authority_code = models.CharField(_("licensing authority's code"), max_length=18, blank=True)
    licence_status = models.CharField(
        _("licence status"), max_length=10, choices=LicenceStatus.choices, blank=True
    )

    status = models.CharField(
        _("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT, db_index=True
    )
    is_current = models.BooleanField(_("current version"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    source = models.CharField(
        _("entered through"), max_length=10, choices=RecordSource.choices, default=RecordSource.WEB
    )
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("import batch"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    effective_at = models.DateTimeField(_("effective since"), null=True, blank=True)
    # 004 §4(3): published within 7 working days of the decision.
    publish_due = models.DateField(_("to be published by"))
    # SPEC §3.4: publication window by severity, from the decision date; a licence's runs to the end of
    # its validity (records.publication); empty = not published.
    publish_until = models.DateField(_("published until"), null=True, blank=True)
    # 003 §5(2): marked on every page and export while an objection against it is open; kept by
    # objections.services through ``record_objection_mark``.
    under_objection = models.BooleanField(_("under objection"), default=False)
    history = HistoricalRecords(excluded_fields=["complainant_name", "complainant_contact"])

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-decision_date", "-id"]
        constraints = [
            # The same department, subject, document number and violation cannot be entered twice.
            models.UniqueConstraint(
                fields=["department", "subject", "document_number", "matter_key"],
                condition=Q(is_current=True),
                name="record_unique_current_violation",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="record_dept_status_idx"),
            models.Index(fields=["subject", "status", "decision_date"], name="record_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} · {self.matter}"


class Sanction(models.Model):
    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.ForeignKey(
        SanctionKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("sanction")
    )
    fine_amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.fine_amount or ''}".strip()


class Evidence(UserStoredFile):
    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")

    class Meta(UserStoredFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class RecordTransition(StatusChange):
    """One status change of a record (Oscar's OrderStatusChange): the record's own history line."""

    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=RecordStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=RecordStatus.choices)
