"""Reminders and interviews (000 Art. 12, 001 Art. 14, 004 §6(2)): what falls due, registration with
its rules, rectification, and the interview that falls due when a deadline passes — with dates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditLog
from creditreg.workdays import add_working_days
from exchange.models import OutboxItem
from records.services import record_revoke
from reminders.models import Reminder, ReminderKind, ReminderMethod, ReminderStatus
from reminders.selectors import reminders_due, reminders_overdue
from reminders.services import (
    PersonInput,
    reminder_cancel,
    reminder_rectify,
    reminder_register,
    reminders_escalate,
    reminders_sync,
)
from tests.factories import make_company, make_person, make_user

from .conftest import MINOR, SERIOUS, days_ago

pytestmark = pytest.mark.django_db

HELD = {"hours": 2}


def held_at() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**HELD)


@pytest.fixture
def firm(db):
    return make_company("西峡县提醒约谈测试有限公司")


def test_an_effective_general_record_brings_a_reminder_due(firm, make_effective):
    record = make_effective(firm)
    reminder = Reminder.objects.get(record=record)
    effective_day = timezone.localdate(record.effective_at)
    assert (reminder.kind, reminder.severity, reminder.status) == ("reminder", "general", "due")
    assert reminder.subject == firm and reminder.department == record.department
    assert reminder.due_date == add_working_days(effective_day, 10)
    assert [t.to_status for t in reminder.transitions.all()] == ["due"]
    # Idempotent: syncing again creates nothing.
    assert reminders_sync(subject_ids=[firm.pk])["created"] == 0


def test_minor_and_old_records_bring_no_reminder(firm, make_effective):
    make_effective(firm, **MINOR)
    make_effective(firm, document_number="旧文书1号", decision_date=days_ago(120))
    assert not Reminder.objects.exists()


def test_due_and_overdue_by_date(firm, make_effective, reviewer):
    make_effective(firm)
    reminder = Reminder.objects.get()
    day_before, due = reminder.due_date - datetime.timedelta(days=1), reminder.due_date
    assert list(reminders_due(user=reviewer, today=due)) == [reminder]
    assert not reminders_overdue(user=reviewer, today=due).exists()
    assert not reminders_due(user=reviewer, today=day_before).get().is_overdue
    late = due + datetime.timedelta(days=1)
    assert list(reminders_overdue(user=reviewer, today=late)) == [reminder]
    assert reminders_due(user=reviewer, today=late).get().is_overdue
    # Another department sees nothing of it.
    assert not reminders_due(user=make_user(Role.REVIEWER, "scjg"), today=late).exists()


def test_general_dishonesty_allows_oral_or_written_only(firm, make_effective, reviewer):
    make_effective(firm)
    reminder = Reminder.objects.get()
    with pytest.raises(ValidationError) as exc:
        reminder_register(
            actor=reviewer,
            reminder=reminder,
            method=ReminderMethod.INTERVIEW,
            held_at=held_at(),
            content="约谈",
        )
    assert "口头提醒、书面提醒" in str(exc.value.message_dict["method"])
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DUE and not OutboxItem.objects.exists()
    done = reminder_register(
        actor=reviewer,
        reminder=reminder,
        method=ReminderMethod.ORAL,
        held_at=held_at(),
        content="电话告知其失信行为，提醒其依法经营。",
        persons=[PersonInput("赵经理", "principal", "总经理")],
    )
    assert done.status == ReminderStatus.DONE and done.registered_by == reviewer
    item = OutboxItem.objects.get()
    assert item.type == "reminder" and item.idempotency_key == f"reminder:{done.pk}"
    assert item.payload["subject_code"] == firm.code and item.payload["subject_name"] == firm.name
    assert item.payload["subject_kind"] == "legal_person" and item.payload["method"] == "oral"
    assert item.payload["document_number"] == done.record.document_number
    assert item.payload["persons"] == [{"name": "赵经理", "role": "principal", "position": "总经理"}]
    assert AuditLog.objects.filter(action="reminder.register", target_id=str(done.pk)).exists()


def test_serious_dishonesty_allows_written_or_interview(firm, make_effective, reviewer):
    make_effective(firm, **SERIOUS)
    reminder = Reminder.objects.get()
    assert reminder.severity == "serious"
    with pytest.raises(ValidationError) as exc:
        reminder_register(actor=reviewer, reminder=reminder, method="oral", held_at=held_at(), content="x")
    assert "书面提醒、诚信约谈" in str(exc.value.message_dict["method"])
    # An interview of an organisation names its principal, person in charge or responsible person.
    with pytest.raises(ValidationError) as exc:
        reminder_register(
            actor=reviewer, reminder=reminder, method="interview", held_at=held_at(), content="x"
        )
    assert "主要负责人" in str(exc.value.message_dict["persons"])
    with pytest.raises(ValidationError) as exc:
        reminder_register(
            actor=reviewer,
            reminder=reminder,
            method="interview",
            held_at=held_at(),
            content="x",
            persons=[PersonInput("钱会计", "self")],
        )
    assert "钱会计" in str(exc.value.message_dict["persons"])
    done = reminder_register(
        actor=reviewer,
        reminder=reminder,
        method="interview",
        interview_type="warning",
        held_at=held_at(),
        place="县发改委会议室",
        content="指出失信行为，宣传相关法律法规，督促其严格自律、诚信守法。",
        persons=[PersonInput("孙总", "principal", "董事长"), PersonInput("李工", "responsible", "项目经理")],
        rectification_deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert done.status == "done" and len(done.persons) == 2 and done.interview_type == "warning"
    assert OutboxItem.objects.get().type == "interview"


def test_a_natural_person_is_interviewed_in_person(make_effective, reviewer):
    person = make_person("周六")
    make_effective(person, **SERIOUS)
    reminder = Reminder.objects.get()
    with pytest.raises(ValidationError):
        reminder_register(
            actor=reviewer,
            reminder=reminder,
            method="interview",
            held_at=held_at(),
            content="x",
            persons=[PersonInput("周六的律师", "responsible")],
        )
    done = reminder_register(
        actor=reviewer, reminder=reminder, method="interview", held_at=held_at(), content="当面约谈"
    )
    assert done.persons == [{"name": "周六", "role": "self", "position": ""}]


def test_bad_times_and_deadlines_are_refused(firm, make_effective, reviewer):
    record = make_effective(firm)
    reminder = Reminder.objects.get()
    cases = [
        ({"held_at": timezone.now() + datetime.timedelta(hours=3)}, "held_at"),
        ({"held_at": timezone.now() - datetime.timedelta(days=60)}, "held_at"),  # before the decision
        ({"rectification_deadline": timezone.localdate(held_at())}, "rectification_deadline"),
        ({"content": "  "}, "content"),
    ]
    for overrides, field in cases:
        values = {"method": "written", "held_at": held_at(), "content": "书面提醒"} | overrides
        with pytest.raises(ValidationError) as exc:
            reminder_register(actor=reviewer, reminder=reminder, **values)
        assert field in exc.value.message_dict, overrides
    reminder.refresh_from_db()
    assert reminder.status == "due" and reminder.method == "" and record.pk == reminder.record_id


def test_only_a_reviewer_of_the_department_handles_it(firm, make_effective, clerk):
    make_effective(firm)
    reminder = Reminder.objects.get()
    for actor in (clerk, make_user(Role.REVIEWER, "scjg"), make_user(Role.CREDIT_OFFICE, "xyb")):
        with pytest.raises(PermissionDenied):
            reminder_register(actor=actor, reminder=reminder, method="oral", held_at=held_at(), content="x")
        with pytest.raises(PermissionDenied):
            reminder_cancel(actor=actor, reminder=reminder, reason="x")
    reminder.refresh_from_db()
    assert reminder.status == "due"


def test_illegal_transitions_are_refused_with_a_message(firm, make_effective, reviewer):
    make_effective(firm)
    reminder = Reminder.objects.get()
    with pytest.raises(ValidationError, match="待办"):
        reminder_rectify(actor=reviewer, reminder=reminder, rectified_on=timezone.localdate(), note="已整改")
    reminder_register(
        actor=reviewer, reminder=reminder, method="written", held_at=held_at(), content="书面提醒"
    )
    with pytest.raises(ValidationError, match="已登记"):
        reminder_register(
            actor=reviewer, reminder=reminder, method="written", held_at=held_at(), content="再次"
        )
    with pytest.raises(ValidationError, match="已登记"):
        reminder_cancel(actor=reviewer, reminder=reminder, reason="不需要")
    with pytest.raises(ValidationError) as exc:
        reminder_rectify(
            actor=reviewer,
            reminder=reminder,
            rectified_on=timezone.localdate() + datetime.timedelta(days=1),
            note="x",
        )
    assert "rectified_on" in exc.value.message_dict
    reminder.refresh_from_db()
    assert reminder.status == "done" and reminder.transitions.count() == 2


def test_a_missed_rectification_deadline_brings_an_interview_due(firm, make_effective, reviewer):
    make_effective(firm)
    reminder = Reminder.objects.get()
    deadline = timezone.localdate() + datetime.timedelta(days=15)
    reminder_register(
        actor=reviewer,
        reminder=reminder,
        method="written",
        held_at=held_at(),
        content="请于限期内整改。",
        rectification_deadline=deadline,
    )
    # On the deadline itself nothing happens yet; the day after, an interview falls due.
    assert reminders_escalate(today=deadline) == 0
    assert reminders_escalate(today=deadline + datetime.timedelta(days=1)) == 1
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.ESCALATED
    interview = Reminder.objects.get(follow_up_of=reminder)
    assert (interview.kind, interview.status, interview.department_id) == (
        "interview",
        "due",
        reminder.department_id,
    )
    assert interview.due_date == add_working_days(deadline, 10)
    assert reminders_escalate(today=deadline + datetime.timedelta(days=2)) == 0  # idempotent
    # The follow-up is an interview, whatever the severity.
    with pytest.raises(ValidationError):
        reminder_register(
            actor=reviewer, reminder=interview, method="written", held_at=held_at(), content="x"
        )
    overdue_day = interview.due_date + datetime.timedelta(days=1)
    assert list(reminders_overdue(user=reviewer, today=overdue_day)) == [interview]


def test_rectified_in_time_brings_no_interview(firm, make_effective, reviewer):
    make_effective(firm)
    reminder = Reminder.objects.get()
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    reminder_register(
        actor=reviewer,
        reminder=reminder,
        method="written",
        held_at=held_at(),
        content="x",
        rectification_deadline=deadline,
    )
    reminder_rectify(actor=reviewer, reminder=reminder, rectified_on=timezone.localdate(), note="已补办手续")
    assert reminders_escalate(today=deadline + datetime.timedelta(days=5)) == 0
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.RECTIFIED and not reminder.follow_ups.exists()


def test_a_revoked_record_cancels_its_due_reminder(
    firm, make_effective, reviewer, django_capture_on_commit_callbacks
):
    record = make_effective(firm)
    with django_capture_on_commit_callbacks(execute=True):
        record_revoke(actor=reviewer, record=record, reason="异议成立")
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.CANCELLED and reminder.cancel_reason


def test_cancel_needs_a_reason(firm, make_effective, reviewer):
    make_effective(firm)
    reminder = Reminder.objects.get()
    with pytest.raises(ValidationError):
        reminder_cancel(actor=reviewer, reminder=reminder, reason=" ")
    done = reminder_cancel(actor=reviewer, reminder=reminder, reason="当事人已注销")
    assert done.status == "cancelled" and ReminderKind.REMINDER == done.kind
