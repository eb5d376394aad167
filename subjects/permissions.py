"""Who may do what in the subject registry (SPEC §1, §6).

- Any staff member (department clerk or reviewer, credit office) looks subjects up; a clerk registers
  a subject not yet in the registry while entering a record about it.
- Only the credit office changes a registered subject (it maintains the registry).
- A subject user sees its own subject only.
- Identity numbers of natural persons are shown whole only to the credit office, department
  reviewers (who decide on records and objections about the person) and the person's own account;
  everyone else — clerks included — sees the masked number. Codes of organisations are public.
"""

import rules

from accounts.permissions import (
    is_credit_office,
    is_department_staff,
    is_own_subject,
    is_reviewer,
    is_staff_member,
)


@rules.predicate
def is_organisation(user, subject) -> bool:
    return subject is not None and not subject.is_natural_person


can_view_subject = is_staff_member | is_own_subject
can_register_subject = is_credit_office | is_department_staff
can_change_subject = is_credit_office
can_see_full_code = is_organisation | is_credit_office | is_reviewer | is_own_subject

rules.add_perm("subjects.registry_view", can_view_subject)
rules.add_perm("subjects.registry_register", can_register_subject)
rules.add_perm("subjects.registry_change", can_change_subject)
rules.add_perm("subjects.registry_see_full_code", can_see_full_code)
