"""Who may do what with random inspections (SPEC §5, §6).

- Department staff (clerks and reviewers) keep their department's matters and inspector pool, make
  their department's plans, publish a plan's seed hash and draw it: the 双随机 work of a department's
  law-enforcement office, which the draw itself makes impartial.
- Staff of any department of a plan enter its inspections' results; a failed one becomes a record of
  their department, which a reviewer of that department approves (four eyes).
- The credit office reads everything.
"""

import rules

from accounts.permissions import is_credit_office, is_department_staff


@rules.predicate
def is_own_department(user, obj) -> bool:
    return obj is not None and is_department_staff(user) and obj.department_id == user.department_id


@rules.predicate
def takes_part(user, plan) -> bool:
    """Staff of one of the plan's departments (a joint plan has several)."""
    return (
        plan is not None
        and is_department_staff(user)
        and any(d.pk == user.department_id for d in plan.departments.all())
    )


can_use_inspection_pages = is_credit_office | is_department_staff
can_maintain = is_own_department  # a matter, an inspector or a plan of the user's department
can_enter_result = takes_part
