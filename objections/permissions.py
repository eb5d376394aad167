"""Who may file, see and handle objections (003 §5(2), SPEC §1, §6).

- A verified subject user files objections about its own subject's records and grades and sees them.
- A record objection is handled by a reviewer of the department that entered the record (it answers
  for the record, 000/001 Art. 5); a grade objection by the credit office.
- The credit office sees every objection; department staff see their own department's.
"""

import rules

from accounts.permissions import (
    is_credit_office,
    is_department_staff,
    is_reviewer,
    is_subject_user_of,
)

from .models import ObjectionTarget


@rules.predicate
def is_objection_of_own_subject(user, objection) -> bool:
    return objection is not None and is_subject_user_of(user, objection.subject)


@rules.predicate
def is_objection_of_own_department(user, objection) -> bool:
    return (
        objection is not None and is_department_staff(user) and objection.department_id == user.department_id
    )


@rules.predicate
def is_record_objection(user, objection) -> bool:
    return objection is not None and objection.target == ObjectionTarget.RECORD


@rules.predicate
def is_grade_objection(user, objection) -> bool:
    return objection is not None and objection.target == ObjectionTarget.GRADE


can_view_objection = is_credit_office | is_objection_of_own_department | is_objection_of_own_subject
can_handle_objection = (is_record_objection & is_reviewer & is_objection_of_own_department) | (
    is_grade_objection & is_credit_office
)
can_verify_accounts = is_credit_office

rules.add_perm("objections.view_objection_of", can_view_objection)
rules.add_perm("objections.handle_objection", can_handle_objection)
