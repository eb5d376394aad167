"""Credit commitments (信用承诺, 004 §3(1)) and voluntary registration (自愿注册, 004 §5(3)).

Commitments: each department keeps a template per matter (事项) for which it accepts a written
commitment; a subject signs one online, or a clerk registers a paper one, naming the materials still
missing and the deadline to bring them (容缺受理). The department records whether the commitment was
fulfilled or breached; a breach becomes a credit record of the kind 违反信用承诺 through the intake
services. Signed commitments are listed publicly ("依托市信用门户网站向社会公开").

Voluntary registration: a subject registers its qualifications, certificates, contract performance
and public-interest work with a commitment that the information is true; a reviewer of the
department it names verifies or rejects it. Verified entries show on the subject's page and, where
configured, become a positive credit record that a grading scheme may count.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StatusChange, StoredFile


class Channel(models.TextChoices):
    ONLINE = "online", _("Online by the subject")
    PAPER = "paper", _("Paper, registered by staff")


class CommitmentTemplate(models.Model):
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    matter = models.CharField(_("matter"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text of the commitment"))
    materials_working_days = models.PositiveSmallIntegerField(
        _("working days to supply missing materials"),
        default=20,
        help_text=_("Default deadline for materials accepted as missing (容缺受理)."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commitment template")
        verbose_name_plural = _("commitment templates")
        ordering = ["department__sort_order", "matter", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "matter"],
                condition=Q(is_active=True),
                name="commitment_template_one_per_matter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.matter}"


class CommitmentStatus(models.TextChoices):
    SIGNED = "signed", _("Signed, being fulfilled")
    FULFILLED = "fulfilled", _("Fulfilled")
    BREACHED = "breached", _("Breached")


COMMITMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CommitmentStatus.SIGNED: (CommitmentStatus.FULFILLED, CommitmentStatus.BREACHED),
    CommitmentStatus.FULFILLED: (),
    CommitmentStatus.BREACHED: (),
}


class Commitment(models.Model):
    template = models.ForeignKey(
        CommitmentTemplate, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("template")
    )
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    # Copied at signing: a later change of the template does not change what was signed.
    matter = models.CharField(_("matter"), max_length=200)
    text = models.TextField(_("text of the commitment"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    missing_materials = models.TextField(_("materials still missing"), blank=True)
    materials_due = models.DateField(_("missing materials due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.SIGNED
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed or registered by"),
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    breach_record = models.OneToOneField(
        "records.CreditRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breached_commitment",
        verbose_name=_("record of the breach"),
    )

    class Meta:
        verbose_name = _("credit commitment")
        verbose_name_plural = _("credit commitments")
        ordering = ["-signed_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status"], name="commitment_dept_status_idx"),
            models.Index(fields=["subject", "status"], name="commitment_subject_idx"),
            models.Index(fields=["signed_at"], name="commitment_signed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.matter} · {self.subject_id}"


class CommitmentTransition(StatusChange):
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=CommitmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=CommitmentStatus.choices)


# --- voluntary registration (004 §5(3)) -----------------------------------------------------------


class VoluntaryCategory(models.TextChoices):
    QUALIFICATION = "qualification", _("Qualification or licence")
    CERTIFICATE = "certificate", _("Certificate")
    CONTRACT = "contract", _("Contract performance")
    PUBLIC_INTEREST = "public_interest", _("Public-interest activities")


class VoluntaryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not verified")
    WITHDRAWN = "withdrawn", _("Withdrawn")


VOLUNTARY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    VoluntaryStatus.SUBMITTED: (
        VoluntaryStatus.VERIFIED,
        VoluntaryStatus.REJECTED,
        VoluntaryStatus.WITHDRAWN,
    ),
    VoluntaryStatus.VERIFIED: (),
    VoluntaryStatus.REJECTED: (),
    VoluntaryStatus.WITHDRAWN: (),
}


class VoluntaryEntry(models.Model):
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verifying department"),
    )
    category = models.CharField(_("category"), max_length=20, choices=VoluntaryCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issued by or counterparty"), max_length=200, blank=True)
    reference = models.CharField(_("certificate or contract number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    # 004 §5(3): the subject publicly commits that the information is true; the text it agreed to is kept.
    truthfulness_commitment = models.TextField(_("commitment that the information is true"))
    status = models.CharField(
        _("status"), max_length=10, choices=VoluntaryStatus.choices, default=VoluntaryStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    submitted_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    decided_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    positive_record = models.OneToOneField(
        "records.CreditRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voluntary_entry",
        verbose_name=_("positive record"),
    )

    class Meta:
        verbose_name = _("voluntary registration")
        verbose_name_plural = _("voluntary registrations")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status"], name="voluntary_dept_status_idx"),
            models.Index(fields=["subject", "status"], name="voluntary_subject_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class VoluntaryFile(StoredFile):
    entry = models.ForeignKey(VoluntaryEntry, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to="voluntary/%Y/%m/")

    class Meta(StoredFile.Meta):
        verbose_name = _("supporting file")
        verbose_name_plural = _("supporting files")


class VoluntaryTransition(StatusChange):
    entry = models.ForeignKey(VoluntaryEntry, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=VoluntaryStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=VoluntaryStatus.choices)
