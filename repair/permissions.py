"""Who may do what with credit repair applications (SPEC §1, §6; 003 §5(3)).

- A verified subject user applies online for its own subject's records and withdraws its own
  applications; it sees only its own subject's applications (another subject's answer 404).
- Staff of the department that determined the record register paper applications; its reviewers
  handle them ("whoever determines, repairs": accept, approve, refuse).
- The credit office sees every application (it receives the outcome, 003 §5(3)) but does not decide.
"""

import rules

from accounts.permissions import (
    is_credit_office,
    is_department_staff,
    is_reviewer,
    is_subject_user,
    is_subject_user_of,
)

from .models import RepairChannel


@rules.predicate
def is_record_subject_user(user, record) -> bool:
    return record is not None and is_subject_user_of(user, record.subject)


@rules.predicate
def is_record_department(user, record) -> bool:
    return record is not None and is_department_staff(user) and record.department_id == user.department_id


@rules.predicate
def is_applicant_subject_user(user, application) -> bool:
    return application is not None and is_subject_user_of(user, application.subject)


@rules.predicate
def is_handling_department(user, application) -> bool:
    return (
        application is not None
        and is_department_staff(user)
        and application.department_id == user.department_id
    )


@rules.predicate
def is_paper_application(user, application) -> bool:
    return application is not None and application.channel == RepairChannel.PAPER


can_apply_online = is_record_subject_user
can_register_paper = is_record_department
can_view_application = is_credit_office | is_handling_department | is_applicant_subject_user
can_handle_application = is_reviewer & is_handling_department
can_withdraw_application = is_applicant_subject_user | (is_handling_department & is_paper_application)
can_use_repair_pages = is_credit_office | is_department_staff | is_subject_user
