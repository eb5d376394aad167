"""Reading the access log: the credit office sees every entry, per subject and per user; a subject sees
which offices read its credit file, never who in them (003 §5(1); SPEC §1, §6)."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import is_credit_office, is_subject_user

from .models import PORTAL_KINDS, AccessEntry


def access_entries_visible_to(*, user: User) -> QuerySet[AccessEntry]:
    """Every entry for the credit office; nothing for anyone else (department staff included: who read
    what is the credit office's to supervise)."""
    if not is_credit_office(user):
        return AccessEntry.objects.none()
    return AccessEntry.objects.select_related("user", "department", "subject").order_by("-at", "-id")


def access_entries_of_own_subject(*, user: User) -> QuerySet[AccessEntry]:
    """The reads of the user's own subject's credit file and reports, for its portal. Only the office
    (department) and the time are meant to be shown: the selector leaves the user out of the query."""
    if not is_subject_user(user) or not user.subject_id:
        return AccessEntry.objects.none()
    return (
        AccessEntry.objects.filter(subject_id=user.subject_id, kind__in=PORTAL_KINDS)
        .select_related("department")
        .only("id", "at", "kind", "department__name", "department_id")
        .order_by("-at", "-id")
    )
