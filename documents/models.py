"""Documents the system issues (004 §3(3), §5(3); SPEC §5 Documents, §7): credit reports and letters,
each a PDF with a document number, the issuing office, the date, a verification code and a QR code
pointing at the public check.

A row keeps what the document stated (``stated``: the same structure the PDF is drawn from) and the
SHA-256 of the bytes issued, never the file: the check compares a file in someone's hand with what
was issued, whatever copies were made since. The number is public (it is printed and put in a URL);
the verification code is printed on the document only, and shows its content to whoever holds it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    CREDIT_REPORT_PUBLIC = "credit_report_public", _("Credit report (public version)")
    CREDIT_REPORT_FULL = "credit_report_full", _("Credit report (full version)")
    OBJECTION_RECEIPT = "objection_receipt", _("Objection receipt")
    OBJECTION_DECISION = "objection_decision", _("Objection decision letter")
    REMINDER_LETTER = "reminder_letter", _("Credit reminder letter")
    REPAIR_DECISION = "repair_decision", _("Credit repair decision")
    COMMITMENT = "commitment", _("Credit commitment")


class Document(models.Model):
    number = models.CharField(_("document number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    office = models.CharField(_("issuing office"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    # The subject the document is about, as it was named on the day (a plain id: this app sits below
    # the registry of subjects and reads nothing of it).
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True, db_index=True)
    holder_name = models.CharField(_("issued for"), max_length=200, blank=True)
    holder_code = models.CharField(_("code"), max_length=18, blank=True)
    holder_is_person = models.BooleanField(_("natural person"), default=False)
    # What the document is about in its app ("objections.objection:12"): a letter is issued once.
    source = models.CharField(_("source"), max_length=80, blank=True, db_index=True)
    verification_code = models.CharField(_("verification code"), max_length=20)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    stated = models.JSONField(_("what it stated"))

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["source", "kind"], name="document_source_kind_idx")]

    def __str__(self) -> str:
        return self.number
