"""Read-side queries of the landing page: a few numbers from several apps, each scoped to the user."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import is_credit_office, is_department_staff, is_reviewer
from grading.models import EvaluationRun, RunStatus
from inspections.selectors import inspections_awaiting_result
from measures.selectors import department_listing_news, department_listing_queue
from objections.selectors import account_requests_pending, objection_queue_summary
from records.models import RecordStatus
from records.selectors import NOT_YET_EFFECTIVE, records_visible_to, review_queue
from reminders.selectors import reminders_due
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
    # The records, objections and reminders waiting are the to-do's (``todo_items``).
    # SPEC §3.6: a department's listings waiting for its staff; for the credit office, the proposals
    # and listings in force it was told of and has not read.
    if is_department_staff(user):
        summary["listings_to_handle"] = department_listing_queue(user=user).count()
    if is_credit_office(user):
        summary["listings_news"] = department_listing_news(user=user).count()
    return summary


@dataclass(frozen=True)
class TodoItem:
    """One line of a role's to-do: what waits, how many, how many of them are overdue, and where."""

    label: str
    count: int
    url: str
    overdue: int = 0


# Records due for publication within this many days are listed before their 7-working-day deadline.
DUE_SOON_DAYS = 3


def todo_items(*, user: User, today: datetime.date | None = None) -> list[TodoItem]:
    """The role's to-do on the landing page (issue 19), each with its count and a link, the lines with
    overdue work first: the clerk's drafts, returned records and records due for publication
    (004 §4(3): seven working days) and drawn inspections still without a result (past the plan's
    period: overdue); the reviewer's queue, objections and reminders due; the credit
    office's yearly runs to review and subject accounts to verify. Empty lines are left out."""
    today = today or timezone.localdate()
    items: list[TodoItem] = []
    if is_department_staff(user):
        visible = records_visible_to(user=user).filter(is_current=True)
        mine = visible.filter(Q(created_by=user) | Q(submitted_by=user))
        counts = mine.aggregate(
            drafts=Count("id", filter=Q(status=RecordStatus.DRAFT)),
            returned=Count("id", filter=Q(status=RecordStatus.RETURNED)),
        )
        due = visible.filter(
            status__in=NOT_YET_EFFECTIVE, publish_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        ).aggregate(due=Count("id"), overdue=Count("id", filter=Q(publish_due__lt=today)))
        records_url = reverse("records:list")
        items += [
            TodoItem(_("My drafts"), counts["drafts"], f"{records_url}?status=draft"),
            TodoItem(_("Returned to me"), counts["returned"], f"{records_url}?status=returned"),
            TodoItem(
                _("Due for publication (7 working days)"),
                due["due"],
                f"{records_url}?overdue=true" if due["overdue"] else records_url,
                due["overdue"],
            ),
        ]
    if is_reviewer(user):
        queue = review_queue(user=user).aggregate(
            n=Count("id"), overdue=Count("id", filter=Q(publish_due__lt=today))
        )
        items.append(
            TodoItem(_("Records to review"), queue["n"], reverse("records:review"), queue["overdue"])
        )
    if is_department_staff(user) or is_credit_office(user):
        objections = objection_queue_summary(user=user)
        items.append(
            TodoItem(
                _("Objections to handle"),
                objections.get("open", 0),
                reverse("objections:list"),
                objections.get("overdue", 0),
            )
        )
    if is_department_staff(user):
        reminders = reminders_due(user=user, today=today).aggregate(
            n=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today))
        )
        items.append(
            TodoItem(_("Reminders due"), reminders["n"], reverse("reminders:list"), reminders["overdue"])
        )
        inspections = inspections_awaiting_result(user=user).aggregate(
            n=Count("id"), overdue=Count("id", filter=Q(plan__period_end__lt=today))
        )
        items.append(
            TodoItem(
                _("Inspections awaiting a result"),
                inspections["n"],
                reverse("inspections:home") + "?awaiting=1",
                inspections["overdue"],
            )
        )
    if is_credit_office(user):
        items.append(
            TodoItem(
                _("Yearly runs to review"),
                EvaluationRun.objects.filter(status=RunStatus.COMPLETED).count(),
                reverse("grading:runs"),
            )
        )
        items.append(
            TodoItem(
                _("Subject accounts to verify"),
                account_requests_pending().count(),
                reverse("objections:account_requests"),
            )
        )
    shown = [item for item in items if item.count]
    return sorted(shown, key=lambda item: item.overdue == 0)
