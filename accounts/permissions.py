"""Role predicates, shared by services, selectors, views and templates.

Permission checks live here and in the services and selectors that call them, never only in a
template (SPEC §6: staff see only what their role allows).
"""

import rules
from django.db.models import QuerySet

from .models import Role


@rules.predicate
def is_credit_office(user) -> bool:
    return bool(user and user.is_authenticated and user.is_credit_office)


@rules.predicate
def is_department_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_department_staff)


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(is_department_staff(user) and user.role == Role.REVIEWER)


@rules.predicate
def is_clerk(user) -> bool:
    return bool(is_department_staff(user) and user.role == Role.CLERK)


@rules.predicate
def is_subject_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.SUBJECT)


@rules.predicate
def is_own_subject(user, subject) -> bool:
    return bool(subject is not None and is_subject_user(user) and user.subject_id == subject.pk)


is_staff_member = is_credit_office | is_department_staff


@rules.predicate
def is_subject_user_of(user, subject) -> bool:
    """A verified subject user of ``subject``: the account is linked to a subject only once verified,
    so the link itself is the proof (SPEC §1, §6)."""
    if subject is None or not is_subject_user(user):
        return False
    return user.subject_id is not None and user.subject_id == subject.pk


def scope_by_role(queryset: QuerySet, *, user, own_subject: bool = True) -> QuerySet:
    """The rows of ``queryset`` the user may see, by role (SPEC §6): all for the credit office, their
    department's for department staff, and — where the subject sees its own (``own_subject``) — a
    verified subject user's own subject's; none for anyone else. The rows carry ``department_id`` and
    ``subject_id``."""
    if is_credit_office(user):
        return queryset
    if is_department_staff(user):
        return queryset.filter(department_id=user.department_id)
    if own_subject and is_subject_user(user) and user.subject_id:
        return queryset.filter(subject_id=user.subject_id)
    return queryset.none()
