"""The registry of credit subjects (信用主体).

001 Art. 2 grades every person the bureau supervises — legal persons, social organisations and natural
persons; 004 §4(1) keys each market subject's credit record by its unified social credit code. So a
subject is identified by its 18-character unified social credit code (GB 32100-2015) or, for a natural
person, its resident identity number (GB 11643-1999), and links to its legal representative so that
measures can extend to that person (004 §6(5), 000 Art. 11(3)).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SubjectKind(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("Legal person")
    UNINCORPORATED = "unincorporated", _("Unincorporated organisation")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business")
    NATURAL_PERSON = "natural_person", _("Natural person")

    @classmethod
    def organisation_kinds(cls) -> list[str]:
        return [kind for kind in cls.values if kind != cls.NATURAL_PERSON]


class Subject(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=SubjectKind.choices)
    # Stored normalised (upper case, half-width) by the services; unique across all kinds.
    code = models.CharField(_("code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_representative = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="represented_subjects",
        limit_choices_to={"kind": SubjectKind.NATURAL_PERSON},
        verbose_name=_("legal representative"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # The contact on record: a one-time code that links a portal account to the subject goes here
    # (SPEC §6: knowledge of an identity number alone never links an account).
    email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    history = HistoricalRecords()
    _change_reason: str  # set before a save: django-simple-history keeps it on the history row

    class Meta:
        verbose_name = _("credit subject")
        verbose_name_plural = _("credit subjects")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SubjectKind.values), name="subject_kind_valid"),
            models.CheckConstraint(
                condition=~Q(legal_representative=models.F("id")), name="subject_not_own_representative"
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="subject_kind_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_natural_person(self) -> bool:
        return self.kind == SubjectKind.NATURAL_PERSON


class AnswererRole(models.TextChoices):
    """Who answers for a subject besides its legal representative (004 §6(5): 法定代表人、主要负责人和
    实际控制人). The legal representative is the subject's own field (``legal_representative``)."""

    PRINCIPAL = "principal", _("Principal (主要负责人)")
    ACTUAL_CONTROLLER = "actual_controller", _("Actual controller (实际控制人)")


class SubjectAnswerer(models.Model):
    """A natural person who answers for a subject as its principal or actual controller, from ``since``
    until the day before ``until`` (an ended link is kept, with its history rows: who answered when)."""

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="answerers", verbose_name=_("subject")
    )
    person = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        related_name="answers_for",
        limit_choices_to={"kind": SubjectKind.NATURAL_PERSON},
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=AnswererRole.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    history = HistoricalRecords()
    _change_reason: str

    class Meta:
        verbose_name = _("person who answers for a subject")
        verbose_name_plural = _("persons who answer for subjects")
        ordering = ["subject", "role", "-since", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=AnswererRole.values), name="answerer_role_valid"),
            models.CheckConstraint(condition=~Q(person=models.F("subject")), name="answerer_not_self"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="answerer_until_after_since",
            ),
            models.UniqueConstraint(
                fields=["subject", "person", "role"],
                condition=Q(until__isnull=True),
                name="answerer_one_current_link",
            ),
        ]
        indexes = [models.Index(fields=["person", "until"], name="answerer_person_idx")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.subject}"
