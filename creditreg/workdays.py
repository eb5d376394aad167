"""Working days in mainland China at the path other systems and our acceptance checks rely on (SPEC §7):
``is_working_day(day)`` and ``add_working_days(start, days)``, with the rest of the calendar's public
functions. The calendar itself is ``workcalendar.workdays``, beside the office's adjustment table; the
apps import it from there, below this project package."""

from workcalendar.workdays import (
    add_working_days,
    clear_cache,
    is_working_day,
    package_knows_year,
    working_days_between,
    year_is_known,
)

__all__ = [
    "add_working_days",
    "clear_cache",
    "is_working_day",
    "package_knows_year",
    "working_days_between",
    "year_is_known",
]
