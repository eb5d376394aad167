"""The 5-working-day deadline of 003 §5(2), on the Chinese calendar (creditreg.workdays, backed by
chinesecalendar): across the Spring Festival and National Day holidays and over a make-up Saturday."""

from datetime import date

import pytest
from django.utils import timezone

from creditreg import workdays
from objections.selectors import objection_queue, objections_visible_to
from objections.services import objection_deadline, objection_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.mark.parametrize(
    ("filed_on", "deadline", "why"),
    [
        # Spring Festival 2026: 02-15 … 02-23 off; Saturday 02-14 and Saturday 02-28 are worked.
        (date(2026, 2, 12), date(2026, 2, 26), "02-13 Fri, 02-14 Sat (make-up), 02-24, 02-25, 02-26"),
        (date(2026, 2, 13), date(2026, 2, 27), "02-14 Sat (make-up), 02-24, 02-25, 02-26, 02-27"),
        (date(2026, 2, 16), date(2026, 2, 28), "filed in the holiday: 02-24 … 02-27, 02-28 Sat (make-up)"),
        (date(2026, 2, 25), date(2026, 3, 3), "02-26, 02-27, 02-28 Sat (make-up), 03-02, 03-03"),
        # National Day 2025: 10-01 … 10-08 off; Sunday 09-28 and Saturday 10-11 are worked.
        (date(2025, 9, 30), date(2025, 10, 14), "10-09, 10-10, 10-11 Sat (make-up), 10-13, 10-14"),
        (date(2025, 9, 26), date(2025, 10, 10), "09-28 Sun (make-up), 09-29, 09-30, 10-09, 10-10"),
        (date(2025, 10, 3), date(2025, 10, 14), "filed in the holiday week"),
        # An ordinary week: Monday → next Monday.
        (date(2026, 6, 1), date(2026, 6, 8), "ordinary week"),
    ],
)
def test_the_objection_deadline_counts_chinese_working_days(filed_on, deadline, why):
    assert objection_deadline(filed_on=filed_on) == deadline, why
    assert workdays.working_days_between(filed_on, deadline) == 5


def test_the_make_up_saturdays_are_working_days_and_the_holidays_are_not():
    assert date(2026, 2, 14).weekday() == 5 and workdays.is_working_day(date(2026, 2, 14))
    assert date(2025, 10, 11).weekday() == 5 and workdays.is_working_day(date(2025, 10, 11))
    assert not workdays.is_working_day(date(2026, 2, 17)) and not workdays.is_working_day(date(2025, 10, 6))


def test_a_filed_objection_carries_the_deadline_of_its_filing_day(subject_user, record):
    objection = objection_file(actor=subject_user, record=record, reasons="理由")
    assert objection.deadline == objection_deadline(filed_on=timezone.localdate())


def test_overdue_means_open_after_the_deadline_day(subject_user, record, reviewer):
    objection = objection_file(actor=subject_user, record=record, reasons="理由")
    on_deadline = objections_visible_to(user=reviewer, today=objection.deadline).get()
    assert not on_deadline.overdue
    day_after = date.fromordinal(objection.deadline.toordinal() + 1)
    assert objections_visible_to(user=reviewer, today=day_after).get().overdue
    assert objection_queue(user=reviewer, today=day_after).get().overdue
