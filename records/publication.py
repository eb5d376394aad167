"""Publication of records.

- 004 §4(3): information about administrative acts goes online within 7 working days; a record not
  effective by then is overdue and flagged to its department.
- SPEC §3.4 (国办发〔2025〕22号): the publication window counts from the decision date and depends on the
  severity — minor at most 3 months, general at most 1 year, serious at most 3 years. We publish for
  the maximum by default; the months are in settings (``RECORD_PUBLICATION_MONTHS``). Kinds marked not
  published (complaints, evaluations) get no window.
- Administrative licences (双公示 行政许可): published while the licence is valid, up to its 有效期至
  (the standard writes 2099-12-31 for a licence without end, 长期: published until it becomes invalid).
  A licence given without 有效期至 is published for ``LICENCE_PUBLICATION_MONTHS_WITHOUT_END`` months
  from the decision (default 36, the longest window of SPEC §3.4; no national rule for a missing end
  date was found). A licence whose 当前状态 is 无效 (revoked, cancelled) is not published at all.
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


def publish_until_date(
    *,
    kind,
    severity: str,
    decision_date: date,
    licence_valid_to: date | None = None,
    licence_valid: bool = True,
) -> date | None:
    if not kind.is_published:
        return None
    if kind.has_licence:
        if not licence_valid:
            return None
        return licence_valid_to or add_months(decision_date, settings.LICENCE_PUBLICATION_MONTHS_WITHOUT_END)
    months = settings.RECORD_PUBLICATION_MONTHS.get(severity or kind.polarity)
    if not months:
        return None
    return add_months(decision_date, months)
