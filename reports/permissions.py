"""Who sees which yearly summary: the credit office every scope; department staff their own department's
(SPEC §6). Lists go through ``selectors.summary_departments_visible_to`` and ``reports_visible_to``."""

import rules

from accounts.permissions import is_credit_office, is_department_staff


@rules.predicate
def can_view_summary(user, department) -> bool:
    """``department`` None is the county's summary, for the credit office only."""
    if is_credit_office(user):
        return True
    return bool(department is not None and is_department_staff(user) and user.department_id == department.pk)


@rules.predicate
def can_generate_reports(user) -> bool:
    return bool(is_credit_office(user))
