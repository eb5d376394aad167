"""System check: the working-day calendar of next year must be known before next year starts.

The State Council publishes the holiday notice for a year in the autumn or winter before it; until the
office enters it (or a newer ``chinesecalendar`` is installed), deadlines in that year fall back to
weekends and the statutory holidays only, without make-up working days (``workcalendar.workdays``).

It is a database check (Django's ``Tags.database`` convention): it runs in ``migrate`` (so every
deployment shows it) and in ``check --database default``, not in the plain ``check --deploy`` of CI,
whose outcome must not depend on the calendar date or on the office's data entry.
"""

from datetime import date

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import workdays
from .models import DayAdjustment

W001 = "workcalendar.W001"


@register(Tags.database)
def next_year_calendar_check(
    app_configs=None, databases=None, *, today: date | None = None, **kwargs
) -> list[Warning]:
    """Warn when next year (in Asia/Shanghai) is known neither to chinesecalendar nor to the table.

    ``today`` lets tests ask about any date. The table is read directly rather than through the
    workdays cache, so the check always reflects the database, and says nothing when the database
    cannot answer (before ``migrate``, or while it is unreachable): a missing table is not a missing
    notice.
    """
    if not databases or "default" not in databases:
        return []
    year = (today or timezone.localdate()).year + 1
    if workdays.package_knows_year(year):
        return []
    try:
        if DayAdjustment.objects.filter(day__year=year).exists():
            return []
    except DatabaseError:
        return []
    return [
        Warning(
            _(
                "The working-day calendar for %(year)s is unknown: enter the State Council's holiday "
                "notice in the admin (working-day adjustments)."
            )
            % {"year": year},
            hint=_(
                "Until then, deadlines in %(year)s count only weekends and the statutory holidays "
                "themselves, without make-up working days."
            )
            % {"year": year},
            obj=DayAdjustment,
            id=W001,
        )
    ]
