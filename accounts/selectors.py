"""Read-side queries about departments and users."""

from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from subjects.models import SubjectKind
from subjects.selectors import subjects_visible_to

from .models import Department, Role
from .permissions import is_credit_office, is_department_staff


def home_summary(*, user) -> dict:
    """Counts shown on the landing page; each is scoped to what the user may see."""
    summary: dict = {"role": user.get_role_display(), "department": user.department}
    visible = subjects_visible_to(user=user)
    if is_credit_office(user) or is_department_staff(user):
        rows = visible.values("kind").annotate(n=Count("id")).order_by("kind")
        summary["subjects_by_kind"] = [(SubjectKind(row["kind"]).label, row["n"]) for row in rows]
        summary["subject_total"] = sum(n for _label, n in summary["subjects_by_kind"])
    else:
        summary["own_subject"] = visible.first()
    if is_department_staff(user):
        from records.selectors import records_publication_overdue, records_visible_to, review_queue

        summary["publication_overdue"] = records_publication_overdue(
            queryset=records_visible_to(user=user)
        ).count()
        summary["to_review"] = review_queue(user=user).count()
    if is_credit_office(user) or is_department_staff(user):
        from objections.selectors import objection_queue_summary

        summary["objections"] = objection_queue_summary(user=user)
    return summary


def departments_active():
    return Department.objects.filter(is_active=True)


# --- second factor (SPEC §6: a second factor for the credit office and reviewers) ----------------------

SECOND_FACTOR_ROLES = (Role.CREDIT_OFFICE, Role.REVIEWER)


def second_factor_mandatory(*, user) -> bool:
    """The credit office and reviewers (SPEC §6), and anyone who may use the admin, must pass a TOTP
    code after the password; clerks and subject users may choose to."""
    return bool(
        user.is_authenticated and (user.role in SECOND_FACTOR_ROLES or user.is_staff or user.is_superuser)
    )


def second_factor_device(*, user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if one was set up."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def second_factor_wanted(*, user) -> bool:
    """Whether a login of this user must be completed with a code: always for the mandatory roles, and
    for anyone else who set up a device (a factor that could be skipped would protect nothing)."""
    return second_factor_mandatory(user=user) or second_factor_device(user=user) is not None
