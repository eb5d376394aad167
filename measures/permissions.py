"""Who may do what with a department's own red and black lists (SPEC §1, §3.6, §6).

- Department staff propose listings for their own department's lists only, and see only their own
  department's listings (another department's answer 404, as if they did not exist).
- Four eyes: a reviewer of the same department approves or returns a proposal, never one they
  proposed or submitted themselves; the same holds for considering the subject's statement. A reviewer
  of the department ends a listing by decision.
- The credit office sees every department's listings (it is told of each proposal and each listing
  that takes effect) but decides none: a department answers for its own lists.
- A subject user sees its own subject's listings from the day it is told, and states its case.
"""

import rules

from accounts.permissions import (
    is_credit_office,
    is_department_staff,
    is_reviewer,
    is_subject_user_of,
)

from .models import ListingStatus


@rules.predicate
def is_listing_department(user, listing) -> bool:
    return listing is not None and is_department_staff(user) and listing.department_id == user.department_id


@rules.predicate
def is_not_proposer(user, listing) -> bool:
    return listing is not None and user.pk not in (listing.proposed_by_id, listing.submitted_by_id)


@rules.predicate
def is_listed_subject_user(user, listing) -> bool:
    return listing is not None and is_subject_user_of(user, listing.subject)


@rules.predicate
def is_still_a_proposal(user, listing) -> bool:
    return listing is not None and listing.status in (ListingStatus.PROPOSED, ListingStatus.RETURNED)


can_propose_listing = is_department_staff
can_view_listing = is_credit_office | is_listing_department
can_resubmit_listing = is_listing_department
can_review_listing = is_reviewer & is_listing_department & is_not_proposer
can_end_listing = is_reviewer & is_listing_department
# A proposal is withdrawn by its department's staff; a listing already told to the subject only by a
# reviewer.
can_withdraw_listing = is_listing_department & (is_still_a_proposal | is_reviewer)
can_state_case = is_listed_subject_user
