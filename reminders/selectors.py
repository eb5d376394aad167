"""Read-side queries on reminders and interviews, scoped to what the user may see: a department sees
its own (004 §6(2) "谁认定、谁约谈"), the credit office all of them."""

import datetime

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from accounts.permissions import scope_by_role

from .models import Reminder, ReminderStatus


def reminders_visible_to(*, user: User) -> QuerySet[Reminder]:
    qs = Reminder.objects.select_related("subject", "department", "record", "record__kind")
    return scope_by_role(qs, user=user, own_subject=False)


def reminders_with_overdue(queryset: QuerySet[Reminder], *, today: datetime.date | None = None) -> QuerySet:
    """Annotate ``is_overdue``: due and past its due date."""
    today = today or timezone.localdate()
    return queryset.annotate(
        is_overdue=Case(
            When(Q(status=ReminderStatus.DUE, due_date__lt=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def reminders_due(*, user: User, today: datetime.date | None = None) -> QuerySet[Reminder]:
    """What the user's department still has to do, the most overdue first."""
    return reminders_with_overdue(
        reminders_visible_to(user=user).filter(status=ReminderStatus.DUE), today=today
    ).order_by("due_date", "id")


def reminders_overdue(*, user: User, today: datetime.date | None = None) -> QuerySet[Reminder]:
    today = today or timezone.localdate()
    return reminders_due(user=user, today=today).filter(due_date__lt=today)


def reminder_get(*, user: User, pk: int) -> Reminder | None:
    return reminders_with_overdue(reminders_visible_to(user=user)).filter(pk=pk).first()
