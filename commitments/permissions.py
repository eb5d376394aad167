"""Who may do what with credit commitments and voluntary registrations (SPEC §1, §6).

- Department staff maintain their department's commitment templates, register paper commitments on
  them and record whether a commitment was fulfilled or breached.
- A verified subject user signs commitments online, registers voluntary information and withdraws it
  while unverified; it sees only its own subject's commitments and registrations.
- A reviewer of the department a registration names verifies or rejects it (a registration addressed to
  the credit office is verified by the credit office's reviewers).
- The credit office sees everything.
"""

import rules

from accounts.permissions import (
    is_credit_office,
    is_department_staff,
    is_reviewer,
    is_subject_user,
    is_subject_user_of,
)


@rules.predicate
def is_verified_subject_user(user) -> bool:
    return bool(is_subject_user(user) and user.subject_id)


@rules.predicate
def is_same_department(user, obj) -> bool:
    return obj is not None and is_department_staff(user) and obj.department_id == user.department_id


@rules.predicate
def is_subject_of(user, obj) -> bool:
    return obj is not None and is_subject_user_of(user, obj.subject)


can_maintain_template = is_same_department
can_sign_online = is_verified_subject_user
can_register_paper = is_same_department
can_view_commitment = is_credit_office | is_same_department | is_subject_of
can_record_outcome = is_same_department
can_register_voluntary = is_verified_subject_user
can_view_voluntary = is_credit_office | is_same_department | is_subject_of
can_verify_voluntary = is_reviewer & is_same_department
can_withdraw_voluntary = is_subject_of
can_use_commitment_pages = is_credit_office | is_department_staff | is_verified_subject_user
