"""creditreg.workdays against the official schedules in chinesecalendar, the statutory-holiday
fallback for later years, and the office's adjustment table."""

import math
import time
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from django.contrib import admin
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from lunardate import LunarDate

from accounts.models import Role
from workcalendar import workdays
from workcalendar.admin import DayAdjustmentAdmin
from workcalendar.models import DayAdjustment, DayKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    # The schedule cache lives for the process, the test database only for the test.
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _adjustment_queries(queries) -> int:
    return sum("workcalendar_dayadjustment" in q["sql"] for q in queries)


# --- years chinesecalendar knows ------------------------------------------------------------------


@pytest.mark.parametrize("day", _days(date(2025, 10, 1), date(2025, 10, 8)))
def test_national_day_week_2025_is_off(day):
    assert chinese_calendar.is_holiday(day)  # the package agrees: the test is about our reading of it
    assert not workdays.is_working_day(day)


@pytest.mark.parametrize("day", [date(2025, 9, 28), date(2025, 10, 11)])
def test_make_up_weekend_days_2025_are_worked(day):
    assert day.weekday() >= 5
    assert chinese_calendar.get_holiday_detail(day) == (False, "National Day")
    assert workdays.is_working_day(day)


def test_ordinary_days_around_national_day_2025():
    assert workdays.is_working_day(date(2025, 9, 30))  # Tuesday
    assert workdays.is_working_day(date(2025, 10, 9))  # Thursday after the holiday
    assert not workdays.is_working_day(date(2025, 10, 12))  # a plain Sunday


def test_objection_deadline_skips_the_national_day_week():
    # 10-09 Thu, 10-10 Fri, 10-11 Sat (make-up day), 10-13 Mon, 10-14 Tue.
    assert workdays.add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)
    assert workdays.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert workdays.add_working_days(date(2025, 9, 27), 1) == date(2025, 9, 28)  # Saturday -> make-up Sunday
    assert workdays.working_days_between(date(2025, 9, 30), date(2025, 10, 14)) == 5


def test_spring_festival_2026():
    assert LunarDate(2026, 1, 1).to_solar_date() == date(2026, 2, 17)
    for day in _days(date(2026, 2, 15), date(2026, 2, 23)):
        assert not workdays.is_working_day(day), day
    assert workdays.is_working_day(date(2026, 2, 14))  # Saturday, make-up day
    assert workdays.is_working_day(date(2026, 2, 28))  # Saturday, make-up day
    assert workdays.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert workdays.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    # 02-13 Fri, 02-14 Sat (make-up), 02-24 … 02-27, 02-28 Sat (make-up), 03-02, 03-03, 03-04.
    assert workdays.add_working_days(date(2026, 2, 12), 10) == date(2026, 3, 4)


def test_package_years_are_known_and_later_ones_are_not():
    assert workdays.year_is_known(2025) and workdays.year_is_known(2026)
    assert not workdays.year_is_known(2027)
    assert not workdays.year_is_known(2100)


# --- the fallback for years beyond the package ----------------------------------------------------


def test_chinesecalendar_does_not_know_2027():
    # If a newer package knows 2027 these fallback tests must move to a later year.
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


def test_spring_festival_2027_from_the_lunar_calendar():
    assert LunarDate(2027, 1, 1).to_solar_date() == date(2027, 2, 6)  # a Saturday
    assert workdays.is_working_day(date(2027, 2, 4))  # Thursday
    assert not workdays.is_working_day(date(2027, 2, 5))  # Friday, Spring Festival eve (除夕)
    assert not workdays.is_working_day(date(2027, 2, 8))  # Monday, 初三
    assert workdays.is_working_day(date(2027, 2, 9))  # Tuesday: no substitute days in the fallback
    assert workdays.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 9)


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2027, 1, 1), "New Year's Day, Friday"),
        (date(2027, 4, 5), "Qingming, Monday"),
        (date(2027, 6, 9), "Dragon Boat (5th day of the 5th lunar month), Wednesday"),
        (date(2027, 9, 15), "Mid-Autumn (15th day of the 8th lunar month), Wednesday"),
        (date(2027, 10, 1), "National Day, Friday"),
        (date(2030, 2, 4), "Spring Festival 初二, Monday (初一 2030-02-03 is a Sunday)"),
        (date(2030, 2, 5), "Spring Festival 初三, Tuesday"),
        (date(2030, 4, 5), "Qingming, Friday"),
        (date(2030, 5, 1), "Labour Day, Wednesday"),
        (date(2030, 5, 2), "Labour Day second day, Thursday"),
        (date(2030, 6, 5), "Dragon Boat, Wednesday"),
        (date(2030, 9, 12), "Mid-Autumn, Thursday"),
        (date(2030, 10, 1), "National Day, Tuesday"),
        (date(2030, 10, 2), "National Day, Wednesday"),
        (date(2030, 10, 3), "National Day, Thursday"),
    ],
)
def test_fallback_statutory_holidays_on_weekdays_are_off(day, holiday):
    assert day.weekday() < 5, holiday
    assert not workdays.is_working_day(day), holiday


def test_lunar_holidays_match_the_lunar_calendar():
    assert LunarDate(2027, 5, 5).to_solar_date() == date(2027, 6, 9)
    assert LunarDate(2027, 8, 15).to_solar_date() == date(2027, 9, 15)
    assert LunarDate(2030, 1, 1).to_solar_date() == date(2030, 2, 3)


def test_fallback_has_the_13_statutory_days_and_no_make_up_days():
    # 2024 amendment: 1 + 4 + 1 + 2 + 1 + 1 + 3 = 13 days.
    for year in (2027, 2029, 2030, 2045):
        assert len(workdays._statutory_holidays(year)) == 13
    # In 2028 Mid-Autumn falls on 3 October, so the two holidays share a day.
    assert LunarDate(2028, 8, 15).to_solar_date() == date(2028, 10, 3)
    assert len(workdays._statutory_holidays(2028)) == 12
    saturdays = [d for d in _days(date(2027, 1, 1), date(2027, 12, 31)) if d.weekday() == 5]
    assert not any(workdays.is_working_day(d) for d in saturdays)
    assert workdays.is_working_day(date(2027, 10, 4))  # Monday after National Day: no bridging


def test_qingming_formula_matches_chinesecalendar():
    # Qingming has been a public holiday since 2008.
    for year in range(2008, 2027):
        assert chinese_calendar.get_holiday_detail(workdays.qingming(year)) == (True, "Tomb-sweeping Day"), (
            year
        )


def _sun_longitude(jd_tt: float) -> float:
    """Apparent ecliptic longitude of the sun in degrees (Meeus, Astronomical Algorithms ch. 25,
    low precision, about 0.01°)."""
    t = (jd_tt - 2451545.0) / 36525
    mean = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    anomaly = math.radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    centre = (
        (1.914602 - 0.004817 * t - 0.000014 * t * t) * math.sin(anomaly)
        + (0.019993 - 0.000101 * t) * math.sin(2 * anomaly)
        + 0.000289 * math.sin(3 * anomaly)
    )
    node = math.radians(125.04 - 1934.136 * t)
    return (mean + centre - 0.00569 - 0.00478 * math.sin(node)) % 360


def _qingming_by_the_sun(year: int) -> date:
    """The Beijing-time day on which the sun reaches 15°, by bisection."""
    epoch = datetime(2000, 1, 1, 12)
    low, high = datetime(year, 3, 30), datetime(year, 4, 10)
    for _ in range(50):
        middle = low + (high - low) / 2
        jd_tt = 2451545.0 + (middle - epoch) / timedelta(days=1) + 70 / 86400  # TT ≈ UT + 70 s
        if _sun_longitude(jd_tt) < 15:
            low = middle
        else:
            high = middle
    return (low + timedelta(hours=8)).date()


def test_qingming_formula_matches_the_sun_for_the_whole_century():
    assert _qingming_by_the_sun(2027) == date(2027, 4, 5)
    assert _qingming_by_the_sun(2028) == date(2028, 4, 4)
    for year in range(2000, 2100):
        assert workdays.qingming(year) == _qingming_by_the_sun(year), year


def test_years_outside_every_source_are_refused():
    with pytest.raises(ValueError):
        workdays.is_working_day(date(2100, 3, 1))


# --- the office's adjustment table ----------------------------------------------------------------


def test_adjustment_table_replaces_the_fallback_for_its_year():
    saturday, wednesday, eve = date(2027, 2, 13), date(2027, 2, 10), date(2027, 2, 5)
    assert not workdays.is_working_day(saturday)
    assert workdays.is_working_day(wednesday)
    assert not workdays.is_working_day(eve)

    DayAdjustment.objects.create(day=saturday, kind=DayKind.WORKDAY, note="春节")
    DayAdjustment.objects.create(day=wednesday, kind=DayKind.HOLIDAY, note="春节")
    workdays.clear_cache()

    assert workdays.is_working_day(saturday)
    assert not workdays.is_working_day(wednesday)
    # The table is the whole notice for its year: a statutory day it does not list is worked.
    assert workdays.is_working_day(eve)
    assert workdays.year_is_known(2027)
    # Other years are untouched.
    assert not workdays.is_working_day(date(2028, 2, 12))  # Saturday
    assert not workdays.year_is_known(2028)


def test_adjustment_table_overrides_the_package_for_its_year():
    assert not workdays.is_working_day(date(2026, 10, 1))
    DayAdjustment.objects.create(day=date(2026, 10, 2), kind=DayKind.HOLIDAY, note="国庆节")
    workdays.clear_cache()
    assert workdays.is_working_day(date(2026, 10, 1))  # not in the table any more
    assert not workdays.is_working_day(date(2026, 10, 2))


def test_adjustments_are_read_once_per_year_and_cached():
    DayAdjustment.objects.create(day=date(2027, 2, 13), kind=DayKind.WORKDAY)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            workdays.is_working_day(date(2027, 2, 13))
            workdays.add_working_days(date(2027, 2, 1), 30)
            workdays.is_working_day(date(2025, 10, 1))
    assert _adjustment_queries(ctx.captured_queries) == 2  # 2027 and 2025, once each

    # Written behind the cache's back: not seen until the cache is cleared.
    DayAdjustment.objects.create(day=date(2027, 2, 20), kind=DayKind.WORKDAY)
    assert not workdays.is_working_day(date(2027, 2, 20))
    workdays.clear_cache()
    assert workdays.is_working_day(date(2027, 2, 20))


def test_cache_expires_by_itself(monkeypatch):
    assert not workdays.is_working_day(date(2027, 2, 13))
    DayAdjustment.objects.create(day=date(2027, 2, 13), kind=DayKind.WORKDAY)
    assert not workdays.is_working_day(date(2027, 2, 13))
    monkeypatch.setattr(workdays, "_loaded_at", time.monotonic() - workdays.CACHE_MAX_AGE_SECONDS - 1)
    assert workdays.is_working_day(date(2027, 2, 13))


@pytest.fixture
def office_admin(django_user_model):
    return django_user_model.objects.create_superuser(
        username="calendar-admin", password="pw-for-tests-2026", role=Role.CREDIT_OFFICE
    )


def test_admin_changes_clear_the_cache(office_admin):
    model_admin = DayAdjustmentAdmin(DayAdjustment, admin.site)
    request = RequestFactory().post("/")
    request.user = office_admin
    saturday = date(2027, 2, 13)
    assert not workdays.is_working_day(saturday)

    adjustment = DayAdjustment(day=saturday, kind=DayKind.WORKDAY, note="春节")
    model_admin.save_model(request, adjustment, form=None, change=False)
    assert workdays.is_working_day(saturday)

    adjustment.kind = DayKind.HOLIDAY
    model_admin.save_model(request, adjustment, form=None, change=True)
    assert not workdays.is_working_day(saturday)

    model_admin.delete_model(request, adjustment)
    assert not workdays.is_working_day(date(2027, 2, 5))  # back to the fallback: Spring Festival eve

    DayAdjustment.objects.create(day=saturday, kind=DayKind.WORKDAY)
    workdays.clear_cache()
    assert workdays.is_working_day(saturday)
    model_admin.delete_queryset(request, DayAdjustment.objects.all())
    assert not workdays.is_working_day(saturday)
    # Every change is in the row history, bulk deletion included.
    history = DayAdjustment.history.filter(day=saturday).order_by("history_id")
    assert list(history.values_list("history_type", flat=True)) == ["+", "~", "-", "+", "-"]
    assert history.first().history_user == office_admin


def test_admin_list_page(client, office_admin):
    client.force_login(office_admin)
    DayAdjustment.objects.create(day=date(2027, 2, 13), kind=DayKind.WORKDAY, note="春节")
    url = "/admin/workcalendar/dayadjustment/"
    for query in ("", "?kind__exact=workday", "?day__year=2027", "?q=春节"):
        response = client.get(url + query)
        assert response.status_code == 200, query
        assert "2027" in response.content.decode()


def test_a_make_up_day_on_a_weekday_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        DayAdjustment(day=date(2027, 2, 10), kind=DayKind.WORKDAY).full_clean()
    assert "day" in excinfo.value.message_dict
    DayAdjustment(day=date(2027, 2, 13), kind=DayKind.WORKDAY).full_clean()
    DayAdjustment(day=date(2027, 2, 13), kind=DayKind.HOLIDAY).full_clean()


# --- without the database -------------------------------------------------------------------------


def _unreachable(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_package_and_fallback_answer_when_the_database_is_unreachable():
    with connection.execute_wrapper(_unreachable):
        assert workdays.add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)
        assert not workdays.is_working_day(date(2027, 2, 5))
        assert not workdays.year_is_known(2027)


# --- arguments ------------------------------------------------------------------------------------


def test_arguments():
    saturday = date(2025, 10, 18)
    assert workdays.add_working_days(saturday, 0) == saturday
    with pytest.raises(ValueError):
        workdays.add_working_days(date(2025, 9, 30), -1)
    with pytest.raises(ValueError):
        workdays.working_days_between(date(2025, 10, 14), date(2025, 9, 30))
    with pytest.raises(TypeError):
        workdays.is_working_day(datetime(2025, 10, 1, 12))
    assert workdays.working_days_between(saturday, saturday) == 0


def test_a_deadline_across_the_year_end_reaches_the_fallback():
    # 2026-12-31 Thu, 2027-01-01 Fri is New Year's Day, 01-04 Mon.
    assert workdays.add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)


# --- properties -----------------------------------------------------------------------------------

starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=60))
def test_add_working_days_properties(start, n):
    end = workdays.add_working_days(start, n)
    assert workdays.is_working_day(end)
    assert end > workdays.add_working_days(start, n - 1)
    assert workdays.working_days_between(start, end) == n
    # Nothing between the previous deadline and this one is a working day.
    previous = workdays.add_working_days(start, n - 1)
    assert not any(
        workdays.is_working_day(d) for d in _days(previous + timedelta(days=1), end - timedelta(days=1))
    )
