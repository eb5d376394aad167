"""Departments, their units (股室) and the people who use the system.

Every department is responsible for the truthfulness of the records it enters (000/001 Art. 5), so
each staff user belongs to exactly one department; the credit office runs the registry, the schemes
and the yearly evaluation (003 §3); subject users see only their own subject (SPEC §6).
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Department(models.Model):
    """A county government department; ``code`` is the stable key other systems use (SPEC §7)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit (股室) or affiliated institution inside a department (001 Art. 5)."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="units", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["department__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return f"{self.department.name} · {self.name}"


class Role(models.TextChoices):
    CLERK = "clerk", _("Department clerk")
    REVIEWER = "reviewer", _("Department reviewer")
    CREDIT_OFFICE = "credit_office", _("Credit office staff")
    SUBJECT = "subject", _("Subject user")


DEPARTMENT_ROLES = (Role.CLERK, Role.REVIEWER)


class User(AbstractUser):
    """A person using the system, with one role.

    Department clerks and reviewers must belong to a department; a subject user is linked to its
    subject only after verification, so ``subject`` may be empty until then.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLERK)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("department"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("unit")
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("subject"),
    )
    # Set when the credit office gives a temporary password: the user must choose their own before
    # anything else (accounts.middleware.LoginPolicyMiddleware).
    password_change_required = models.BooleanField(_("must change password"), default=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["clerk", "reviewer"]) | Q(department__isnull=False),
                name="user_department_staff_has_department",
                violation_error_message=_("Department clerks and reviewers must belong to a department."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_credit_office(self) -> bool:
        return self.is_active and (self.role == Role.CREDIT_OFFICE or self.is_superuser)

    @property
    def is_department_staff(self) -> bool:
        return self.is_active and self.role in DEPARTMENT_ROLES and self.department_id is not None
