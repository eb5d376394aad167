"""Who sees and registers reminders and interviews (SPEC §1: the department reviewer records them;
004 §6(2) "谁认定、谁约谈": the department that determined the dishonesty). The credit office sees all."""

import rules

from accounts.permissions import is_credit_office, is_department_staff, is_reviewer


@rules.predicate
def is_reminder_department(user, reminder) -> bool:
    return reminder is not None and is_department_staff(user) and reminder.department_id == user.department_id


can_view_reminder = is_credit_office | is_reminder_department
can_handle_reminder = is_reviewer & is_reminder_department
can_see_reminders = is_credit_office | is_department_staff
