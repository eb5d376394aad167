"""Read-side queries of the landing page: a few numbers from several apps, each scoped to the user."""

from django.db.models import Count

from accounts.models import User
from accounts.permissions import is_credit_office, is_department_staff
from measures.selectors import department_listing_news, department_listing_queue
from objections.selectors import objection_queue_summary
from records.selectors import records_publication_overdue, records_visible_to, review_queue
from subjects.models import SubjectKind
from subjects.selectors import subjects_visible_to


def home_summary(*, user: User) -> dict:
    """Counts shown on the landing page; each is scoped to what the user may see."""
    summary: dict = {"role": user.get_role_display(), "department": user.department}
    visible = subjects_visible_to(user=user)
    if is_credit_office(user) or is_department_staff(user):
        rows = visible.values("kind").annotate(n=Count("id")).order_by("kind")
        summary["subjects_by_kind"] = [(SubjectKind(row["kind"]).label, row["n"]) for row in rows]
        summary["subject_total"] = sum(n for _label, n in summary["subjects_by_kind"])
    else:
        summary["own_subject"] = visible.first()
    if is_department_staff(user):
        summary["publication_overdue"] = records_publication_overdue(
            queryset=records_visible_to(user=user)
        ).count()
        summary["to_review"] = review_queue(user=user).count()
    if is_credit_office(user) or is_department_staff(user):
        summary["objections"] = objection_queue_summary(user=user)
    # SPEC §3.6: a department's listings waiting for its staff; for the credit office, the proposals
    # and listings in force it was told of and has not read.
    if is_department_staff(user):
        summary["listings_to_handle"] = department_listing_queue(user=user).count()
    if is_credit_office(user):
        summary["listings_news"] = department_listing_news(user=user).count()
    return summary
