"""Publication of records.

- 004 §4(3): information about administrative acts goes online within 7 working days; a record not
  effective by then is overdue and flagged to its department.
- SPEC §3.4 (国办发〔2025〕22号): the publication window counts from the decision date and depends on the
  severity — minor at most 3 months, general at most 1 year, serious at most 3 years. We publish for
  the maximum by default; the months are in settings (``RECORD_PUBLICATION_MONTHS``). Kinds marked not
  published (complaints, evaluations) get no window.
"""

import calendar
from datetime import date

from django.conf import settings

from workcalendar.workdays import add_working_days

PUBLICATION_WORKING_DAYS = 7


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (Jan 31 + 1 → Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def publish_due_date(decision_date: date) -> date:
    return add_working_days(decision_date, PUBLICATION_WORKING_DAYS)


def publish_until_date(*, kind, severity: str, decision_date: date) -> date | None:
    if not kind.is_published:
        return None
    months = settings.RECORD_PUBLICATION_MONTHS.get(severity or kind.polarity)
    if not months:
        return None
    return add_months(decision_date, months)
