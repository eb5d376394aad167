"""What falls due follows the records: corrections carry the reminder over, the nightly task catches
up with records whose after-commit hook did not run, and the credit office sees every department's."""

import pytest

from accounts.models import Role
from records.services import record_approve, record_correction_start, record_create, record_submit
from records.validation import SanctionInput
from reminders.models import Reminder, ReminderStatus
from reminders.selectors import reminders_due
from reminders.tasks import reminders_daily_task
from tests.factories import make_company, make_user
from tests.records.conftest import penalty_input

from .conftest import days_ago

pytestmark = pytest.mark.django_db


def correct(clerk, reviewer, record, capture, **overrides):
    """A correction started by the department's reviewer, approved by a second reviewer (four eyes)."""
    second = make_user(Role.REVIEWER, "fgw")
    values = {"decision_date": record.decision_date} | overrides
    new = record_correction_start(actor=reviewer, record=record, data=penalty_input(**values), reason="更正")
    record_submit(actor=clerk, record=new)
    with capture(execute=True):
        return record_approve(actor=second, record=new)


def test_a_correction_carries_the_reminder_over(
    make_effective, clerk, reviewer, django_capture_on_commit_callbacks
):
    firm = make_company()
    record = make_effective(firm)
    reminder = Reminder.objects.get()
    new = correct(
        clerk, reviewer, record, django_capture_on_commit_callbacks, sanctions=[SanctionInput("罚款", "8000")]
    )
    reminder.refresh_from_db()
    assert Reminder.objects.count() == 1
    assert reminder.record == new and reminder.status == ReminderStatus.DUE


def test_a_correction_to_minor_cancels_the_due_reminder(
    make_effective, clerk, reviewer, django_capture_on_commit_callbacks
):
    firm = make_company()
    record = make_effective(firm)
    correct(clerk, reviewer, record, django_capture_on_commit_callbacks, sanctions=[SanctionInput("警告")])
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.CANCELLED and reminder.record.severity == "minor"


def test_the_nightly_task_catches_up_and_the_credit_office_sees_all(
    clerk, reviewer, other_clerk, credit_office_user
):
    firm = make_company()
    # Approved without the after-commit hook running (as if the worker was down): no reminder yet.
    record = record_create(actor=clerk, subject=firm, data=penalty_input(decision_date=days_ago(5)))
    record_submit(actor=clerk, record=record)
    record_approve(actor=reviewer, record=record)
    assert not Reminder.objects.exists()
    result = reminders_daily_task()
    assert result["created"] == 1 and result["escalated"] == 0
    assert reminders_daily_task()["created"] == 0
    assert reminders_due(user=credit_office_user).count() == 1
    assert reminders_due(user=other_clerk).count() == 0
