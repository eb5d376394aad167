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
