"""Working days in mainland China, for every deadline counted in working days (SPEC §7; the pinned
path ``creditreg/workdays.py`` offers the same functions).

Objections, publication and repair deadlines are counted in working days (工作日), so a deadline that
crosses the Spring Festival or the National Day week moves by a week or more, and a Saturday that the
State Council's yearly notice turns into a make-up working day (调休上班) counts. The schedule of a
year comes from the first of these sources that knows it:

1. the credit office's adjustment table (``workcalendar.DayAdjustment``), when it has at least one row
   for that year: it is entered from the notice, so it may also correct the package;
2. the ``chinesecalendar`` package, which knows the years 2004–2026 in version 1.11.0;
3. the fallback: weekends plus the statutory holidays themselves (see ``_statutory_holidays``).

Deadlines are computed in bulk (imports of tens of thousands of records), so each year's schedule is
built once and cached per process; the database is asked at most once per year per cache lifetime.
The admin clears the cache when the office changes the table (``clear_cache``); other processes
(workers, other web processes) pick the change up when their cache expires after
``CACHE_MAX_AGE_SECONDS``. The database is only needed for the adjustment table: when it cannot be
reached, the package and the fallback still answer.
"""

import functools
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar
from django.db import DatabaseError, transaction
from lunardate import LunarDate

from .models import DayAdjustment, DayKind

logger = logging.getLogger(__name__)

# Long enough for a bulk run to query each year once, short enough that a worker process sees the
# office's new notice the same hour without a restart.
CACHE_MAX_AGE_SECONDS = 600

# The fallback needs the Qingming formula (valid for 2000–2099) and lunardate (1900–2099).
FALLBACK_YEARS = range(2000, 2100)

SOURCE_ADJUSTMENTS = "adjustments"
SOURCE_PACKAGE = "chinesecalendar"
SOURCE_FALLBACK = "fallback"

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """One year's schedule: the days whose status differs from the plain Monday–Friday week.

    Storing only the exceptions (weekdays off, weekend days worked) keeps the set to a few dozen
    dates and makes ``is_working_day`` one set look-up.
    """

    year: int
    source: str
    exceptions: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        return (day.weekday() < 5) != (day in self.exceptions)


_loaded_at = time.monotonic()


def clear_cache() -> None:
    """Forget every cached year; the next question about a year reads the adjustment table again.

    Called by the admin after the office saves or deletes an adjustment, and by tests.
    """
    global _loaded_at
    _schedule_for_year.cache_clear()
    _loaded_at = time.monotonic()


def _schedule(year: int) -> YearSchedule:
    if time.monotonic() - _loaded_at > CACHE_MAX_AGE_SECONDS:
        clear_cache()
    return _schedule_for_year(year)


@functools.lru_cache(maxsize=256)
def _schedule_for_year(year: int) -> YearSchedule:
    adjustments = _adjustments(year=year)
    if adjustments:
        return _schedule_from_adjustments(year=year, adjustments=adjustments)
    if package_knows_year(year):
        return _schedule_from_package(year=year)
    return _schedule_from_fallback(year=year)


def _adjustments(*, year: int) -> dict[date, str]:
    """The office's rows for ``year`` (day -> kind), or nothing when the database cannot answer.

    The savepoint keeps an enclosing transaction usable on PostgreSQL when the query fails (for
    instance before ``migrate`` has created the table).
    """
    try:
        with transaction.atomic():
            return dict(DayAdjustment.objects.filter(day__year=year).values_list("day", "kind"))
    except DatabaseError:
        logger.warning(
            "Working-day adjustments for %s could not be read; using chinesecalendar or the fallback.",
            year,
            exc_info=True,
        )
        return {}


def _schedule_from_adjustments(*, year: int, adjustments: dict[date, str]) -> YearSchedule:
    """The notice as the office entered it: listed holidays are off, listed workdays are worked,
    every other day follows the plain week (statutory holidays are not added: the notice lists them)."""
    exceptions = {
        day
        for day, kind in adjustments.items()
        if (kind == DayKind.HOLIDAY and day.weekday() < 5) or (kind == DayKind.WORKDAY and day.weekday() >= 5)
    }
    return YearSchedule(year=year, source=SOURCE_ADJUSTMENTS, exceptions=frozenset(exceptions))


def package_knows_year(year: int) -> bool:
    """Whether the installed ``chinesecalendar`` has the official schedule of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _schedule_from_package(*, year: int) -> YearSchedule:
    exceptions = set()
    day, end = date(year, 1, 1), date(year, 12, 31)
    while day <= end:
        if chinese_calendar.is_workday(day) != (day.weekday() < 5):
            exceptions.add(day)
        day += ONE_DAY
    return YearSchedule(year=year, source=SOURCE_PACKAGE, exceptions=frozenset(exceptions))


def _schedule_from_fallback(*, year: int) -> YearSchedule:
    """Weekends plus the statutory holidays themselves, for a year nobody has entered yet.

    There are no make-up working days (调休) and no substitute days off here: the State Council only
    fixes them in its yearly notice, and guessing them would move deadlines by days in either
    direction. A deadline computed from the fallback is therefore provisional; the system check
    ``workcalendar.W001`` asks the office to enter the notice in time.
    """
    holidays = _statutory_holidays(year)
    return YearSchedule(
        year=year,
        source=SOURCE_FALLBACK,
        exceptions=frozenset(day for day in holidays if day.weekday() < 5),
    )


def _statutory_holidays(year: int) -> set[date]:
    """The days off named by the national holiday regulations (全国年节及纪念日放假办法) as amended in
    2024, in force from 2025: 13 days (fewer when two coincide, as Mid-Autumn and 3 October in 2028),
    without the notice's bridging arrangements."""
    if year not in FALLBACK_YEARS:
        raise ValueError(
            f"No working-day calendar for {year}: outside chinesecalendar's years and the fallback's "
            f"{FALLBACK_YEARS.start}–{FALLBACK_YEARS.stop - 1}; enter the year's adjustments in the admin."
        )
    spring_festival = LunarDate(year, 1, 1).to_solar_date()
    days = {
        date(year, 1, 1),  # New Year's Day
        # Spring Festival eve (除夕, the last day of the twelfth lunar month) to the third day (初三).
        *(spring_festival + timedelta(days=offset) for offset in range(-1, 3)),
        qingming(year),
        date(year, 5, 1),
        date(year, 5, 2),
        LunarDate(year, 5, 5).to_solar_date(),  # Dragon Boat Festival
        LunarDate(year, 8, 15).to_solar_date(),  # Mid-Autumn Festival
        date(year, 10, 1),
        date(year, 10, 2),
        date(year, 10, 3),
    }
    return days


def qingming(year: int) -> date:
    """The day of the Qingming solar term (sun at 15° ecliptic longitude, Beijing time), 2000–2099.

    The "寿星" formula [Y×0.2422 + 4.81] − [Y/4] with Y = year mod 100; it agrees with chinesecalendar
    for 2004–2026 and with an independent computation of the solar longitude (Meeus, low precision)
    for every year 2000–2099.
    """
    if year not in FALLBACK_YEARS:
        raise ValueError(
            f"The Qingming formula covers {FALLBACK_YEARS.start}–{FALLBACK_YEARS.stop - 1}, not {year}."
        )
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def _check_date(value: date, name: str) -> None:
    # A datetime's calendar day depends on the time zone it is read in; callers convert first
    # (timezone.localdate) so that a deadline never shifts by a day at midnight UTC.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}.")


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day in mainland China (holidays off, make-up days worked)."""
    _check_date(day, "day")
    return _schedule(day.year).is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start``; ``start`` itself is not counted.

    ``days=0`` returns ``start`` unchanged (even if it is not a working day); a negative count is an
    error, since no deadline runs backwards.
    """
    _check_date(start, "start")
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}.")
    day = start
    schedule = _schedule(day.year)
    remaining = days
    while remaining:
        day += ONE_DAY
        if day.year != schedule.year:
            schedule = _schedule(day.year)
        if schedule.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days lie in (start, end]: the inverse of ``add_working_days``.

    ``end`` before ``start`` is an error rather than a negative count, so a swapped pair of dates
    shows up instead of silently passing a deadline check.
    """
    _check_date(start, "start")
    _check_date(end, "end")
    if end < start:
        raise ValueError(f"end ({end}) is before start ({start}).")
    count = 0
    day = start
    schedule = _schedule(day.year)
    while day < end:
        day += ONE_DAY
        if day.year != schedule.year:
            schedule = _schedule(day.year)
        if schedule.is_working_day(day):
            count += 1
    return count


def year_is_known(year: int) -> bool:
    """Whether the official schedule of ``year`` is available (adjustment table or package), i.e.
    deadlines in that year do not rest on the fallback."""
    try:
        return _schedule(year).source != SOURCE_FALLBACK
    except ValueError:  # beyond the fallback's years too
        return False
