"""Who may see and do what with credit records (SPEC §1, §6).

Department staff see their own department's records only — another department's records answer 404,
as if they did not exist. The credit office sees every record. Four-eyes: a reviewer of the same
department approves, and never a record they entered or submitted themselves. The complainant's
identity (000 Art. 13) is shown only to the department's reviewers and the credit office.
"""

import rules

from accounts.permissions import is_credit_office, is_department_staff, is_reviewer

from .models import RecordStatus

EDITABLE = (RecordStatus.DRAFT, RecordStatus.RETURNED)


@rules.predicate
def is_own_department(user, record) -> bool:
    return record is not None and is_department_staff(user) and record.department_id == user.department_id


@rules.predicate
def is_not_author(user, record) -> bool:
    return record is not None and user.pk not in (record.created_by_id, record.submitted_by_id)


can_enter_records = is_department_staff
can_view_record = is_credit_office | is_own_department
can_edit_record = is_own_department
can_review_record = is_reviewer & is_own_department & is_not_author
can_settle_record = is_credit_office | (is_reviewer & is_own_department)
can_see_complainant = is_credit_office | (is_reviewer & is_own_department)
