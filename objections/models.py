"""Subject accounts, objections (异议) and the notices a subject receives.

- A subject user registers with its code, name and contact; the account sees nothing until it is
  linked to its subject, and knowing the subject's data never links it (SPEC §6): the credit office
  verifies it, an account already linked to the subject approves it, or the applicant enters a
  one-time code sent to the subject's contact on record (``LinkCode``).
- An objection is filed online against a credit record or a grade, with reasons and evidence files
  (003 §5(2), 004 §4(5)). The unit concerned handles it within 5 working days: a record objection goes
  to the department that entered the record (it answers for its truthfulness, 000/001 Art. 5), a
  grade objection to the credit office. Upheld, the record is revoked or corrected through the intake
  services, the subject is regraded and the platform told (000 Art. 14, 001 Art. 16).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import StatusChange, UserStoredFile


class AccountRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not verified")


class AccountVerification(models.TextChoices):
    # Kept for accounts linked before knowledge alone stopped linking (SPEC §6); never set any more.
    REPRESENTATIVE = "representative", _("Legal representative's identity number matched")
    CREDIT_OFFICE = "credit_office", _("Verified by the credit office")
    HOLDER = "holder", _("Approved by an account already linked to the subject")
    CONTACT_CODE = "contact_code", _("Code sent to the subject's contact on record")


class SubjectAccountRequest(models.Model):
    """A subject user's request to be linked to its subject (one per account)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="subject_request",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("kind"), max_length=24)
    code = models.CharField(_("code"), max_length=18, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100)
    phone = models.CharField(_("contact phone"), max_length=30)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AccountRequestStatus.choices,
        default=AccountRequestStatus.PENDING,
        db_index=True,
    )
    verified_by_method = models.CharField(
        _("verified through"), max_length=20, choices=AccountVerification.choices, blank=True
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # The account stays inactive until the applicant follows the link mailed to this address (or the
    # credit office verifies it): registration never tells on the page whether a user name exists.
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    registered_from = models.GenericIPAddressField(_("registered from"), null=True, blank=True)

    class Meta:
        verbose_name = _("subject account request")
        verbose_name_plural = _("subject account requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class LinkCode(models.Model):
    """A one-time code sent to the subject's contact on record; entered by the applicant, it proves the
    holder of the subject agrees to link the account. Only a keyed hash is stored; the code expires
    and allows a few attempts (SPEC §6)."""

    request = models.ForeignKey(
        SubjectAccountRequest,
        on_delete=models.PROTECT,
        related_name="link_codes",
        verbose_name=_("account request"),
    )
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    channel = models.CharField(_("sent by"), max_length=10, choices=ContactChannel.choices)
    sent_to = models.CharField(_("sent to"), max_length=100)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    voided = models.BooleanField(_("voided"), default=False)

    class Meta:
        verbose_name = _("account link code")
        verbose_name_plural = _("account link codes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.request} → {self.sent_to}"


class ObjectionTarget(models.TextChoices):
    RECORD = "record", _("Credit record")
    GRADE = "grade", _("Grade")


class ObjectionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MATERIAL_REQUESTED = "material_requested", _("More material requested")
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (ObjectionStatus.SUBMITTED, ObjectionStatus.ACCEPTED, ObjectionStatus.MATERIAL_REQUESTED)
# The 5 working days run in these; a request for material stops the clock until the answer.
CLOCK_RUNNING = (ObjectionStatus.SUBMITTED, ObjectionStatus.ACCEPTED)
DECIDED_STATUSES = (ObjectionStatus.UPHELD, ObjectionStatus.PARTLY_UPHELD, ObjectionStatus.REJECTED)

# The workflow (Oscar's transition map): one service per arrow in objections.services.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ObjectionStatus.SUBMITTED: (ObjectionStatus.ACCEPTED,),
    ObjectionStatus.ACCEPTED: (
        ObjectionStatus.MATERIAL_REQUESTED,
        ObjectionStatus.UPHELD,
        ObjectionStatus.PARTLY_UPHELD,
        ObjectionStatus.REJECTED,
    ),
    # The subject answers (the clock runs again), or stays silent 10 working days (withdrawn).
    ObjectionStatus.MATERIAL_REQUESTED: (ObjectionStatus.ACCEPTED, ObjectionStatus.WITHDRAWN),
    ObjectionStatus.UPHELD: (),
    ObjectionStatus.PARTLY_UPHELD: (),
    ObjectionStatus.REJECTED: (),
    ObjectionStatus.WITHDRAWN: (),
}


class ObjectionField(models.TextChoices):
    """The one field of a record an objection may name (SPEC §5, §7); empty: the whole record. The
    claimed value is written as the API writes it (``objections.claims``)."""

    SUBJECT = "subject", _("Subject")
    DECISION_DATE = "decision_date", _("Decision date")
    DOCUMENT_NUMBER = "document_number", _("Document number")
    FINE_TOTAL = "fine_total", _("Fines (yuan)")
    SANCTIONS = "sanctions", _("Sanctions")
    SEVERITY = "severity", _("Severity")


class RecordAction(models.TextChoices):
    """What an upheld objection did to the record (empty: nothing, e.g. a grade objection)."""

    REVOKED = "revoked", _("Record revoked")
    CORRECTED = "corrected", _("Record corrected")
    REGRADED = "regraded", _("Subject regraded")


class Objection(models.Model):
    # The human number on every page and letter (YY-2026-000123), given at filing (``objection_file``).
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="objections", verbose_name=_("subject")
    )
    target = models.CharField(_("objection against"), max_length=10, choices=ObjectionTarget.choices)
    record = models.ForeignKey(
        "records.CreditRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("credit record"),
    )
    grade = models.ForeignKey(
        "grading.Grade",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name=_("grade"),
    )
    # The handling unit: the department that entered the record, or the credit office (xyb).
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("handled by"),
    )
    # A record objection may name one field and the value the subject claims for it.
    field = models.CharField(
        _("field objected to"), max_length=20, choices=ObjectionField.choices, blank=True
    )
    claimed_value = models.CharField(_("value claimed"), max_length=500, blank=True)
    reasons = models.TextField(_("reasons"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.SUBMITTED,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # 003 §5(2): handled within 5 working days of the day it was filed (that day not counted); moved by
    # the answer to a request for material (``objection_answer``).
    deadline = models.DateField(_("deadline"))
    # The one request for more material (SPEC §5): it stops the clock until the subject answers.
    material_requested_on = models.DateField(_("material requested on"), null=True, blank=True)
    material_request = models.TextField(_("material requested"), blank=True)
    material_days_left = models.PositiveSmallIntegerField(_("working days left"), null=True, blank=True)
    # Without an answer by this day the objection is withdrawn (10 working days after the request).
    material_due = models.DateField(_("material due by"), null=True, blank=True)
    material_answered_on = models.DateField(_("material answered on"), null=True, blank=True)
    material_answer = models.TextField(_("answer to the request"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    # What the decision set: the field's new value (upheld: the claimed one; partly upheld: the
    # handler's), or the corrected grade of a grade objection.
    corrected_value = models.CharField(_("corrected to"), max_length=500, blank=True)
    corrected_grade = models.CharField(_("corrected grade"), max_length=4, blank=True)
    record_action = models.CharField(
        _("done to the record"), max_length=10, choices=RecordAction.choices, blank=True
    )
    correction = models.ForeignKey(
        "records.CreditRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected version"),
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target="record", record__isnull=False, grade__isnull=True))
                | (Q(target="grade", grade__isnull=False, record__isnull=True)),
                name="objection_target_matches",
            ),
        ]
        indexes = [models.Index(fields=["department", "status", "deadline"], name="objection_queue_idx")]

    def __str__(self) -> str:
        return _("Objection %(id)s") % {"id": self.number or self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def paused(self) -> bool:
        """The clock stands still while the handler waits for the subject's material."""
        return self.status == ObjectionStatus.MATERIAL_REQUESTED

    @property
    def receipt_number(self) -> str:
        """The number printed on the receipt (回执) given at filing."""
        return _letter_number(self.number, "HZ")

    @property
    def decision_number(self) -> str:
        """The number printed on the decision letter (决定书)."""
        return _letter_number(self.number, "JD")


def objection_number(*, year: int, pk: int) -> str:
    """YY-2026-000123: the year of filing and the objection's id, so it is unique without a counter."""
    return f"YY-{year}-{pk:06d}"


def _letter_number(number: str | None, letter: str) -> str:
    """A letter's number from the objection's: YY-2026-000123 → YYHZ-2026-000123 (回执) or
    YYJD-2026-000123 (决定书)."""
    return f"YY{letter}{number[2:]}" if number else ""


class ObjectionEvidence(UserStoredFile):
    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to="objections/%Y/%m/")

    class Meta(UserStoredFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class ObjectionTransition(StatusChange):
    """One status change of an objection (its history line)."""

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=ObjectionStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ObjectionStatus.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("objection status change")
        verbose_name_plural = _("objection status changes")


class NoticeEvent(models.TextChoices):
    ACCOUNT_VERIFIED = "account_verified", _("Your account is linked to your subject")
    ACCOUNT_REJECTED = "account_rejected", _("Your account could not be verified")
    LINK_REQUESTED = "link_requested", _("An account asks to be linked to your subject")
    ACCOUNT_ADDED = "account_added", _("A new account was linked to your subject")
    OBJECTION_SUBMITTED = "objection_submitted", _("Your objection was received")
    OBJECTION_ACCEPTED = "objection_accepted", _("Your objection was accepted for handling")
    OBJECTION_MATERIAL_REQUESTED = "objection_material", _("More material is asked for your objection")
    OBJECTION_WITHDRAWN = "objection_withdrawn", _("Your objection was withdrawn: no material came")
    OBJECTION_UPHELD = "objection_upheld", _("Your objection was upheld")
    OBJECTION_PARTLY_UPHELD = "objection_partly_upheld", _("Your objection was partly upheld")
    OBJECTION_REJECTED = "objection_rejected", _("Your objection was rejected")


class Notification(models.Model):
    """A notice to a subject user, shown in the portal (and e-mailed when the user has an address)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("to"),
    )
    event = models.CharField(_("event"), max_length=30, choices=NoticeEvent.choices)
    objection = models.ForeignKey(
        Objection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("objection"),
    )
    detail = models.TextField(_("detail"), blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return str(self.get_event_display())
