"""The system check that asks the credit office to enter next year's holiday notice."""

from datetime import date

import pytest
from django.core.checks import Tags, registry
from django.db import ProgrammingError, connection
from django.utils import translation

from workcalendar import workdays
from workcalendar.checks import W001, next_year_calendar_check
from workcalendar.models import DayAdjustment, DayKind

pytestmark = pytest.mark.django_db

DATABASES = ["default"]


@pytest.fixture(autouse=True)
def fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def test_warns_when_next_year_is_unknown():
    warnings = next_year_calendar_check(databases=DATABASES, today=date(2026, 11, 23))
    assert [w.id for w in warnings] == [W001]
    with translation.override("en"):
        warnings = next_year_calendar_check(databases=DATABASES, today=date(2026, 11, 23))
    assert warnings[0].msg == (
        "The working-day calendar for 2027 is unknown: enter the State Council's holiday notice in the "
        "admin (working-day adjustments)."
    )


def test_silent_once_a_row_for_next_year_is_entered():
    DayAdjustment.objects.create(day=date(2026, 12, 31), kind=DayKind.HOLIDAY)  # another year: no effect
    assert [w.id for w in next_year_calendar_check(databases=DATABASES, today=date(2026, 11, 23))] == [W001]
    DayAdjustment.objects.create(day=date(2027, 1, 1), kind=DayKind.HOLIDAY, note="元旦")
    assert next_year_calendar_check(databases=DATABASES, today=date(2026, 11, 23)) == []


def test_silent_when_the_package_knows_next_year():
    assert next_year_calendar_check(databases=DATABASES, today=date(2025, 12, 31)) == []


def test_next_year_follows_today():
    warnings = next_year_calendar_check(databases=DATABASES, today=date(2029, 1, 1))
    assert [w.id for w in warnings] == [W001]
    with translation.override("en"):
        assert "2030" in str(next_year_calendar_check(databases=DATABASES, today=date(2029, 1, 1))[0].msg)


def _no_table(execute, sql, params, many, context):
    raise ProgrammingError('relation "workcalendar_dayadjustment" does not exist')


def test_silent_when_the_table_does_not_exist_yet():
    with connection.execute_wrapper(_no_table):
        assert next_year_calendar_check(databases=DATABASES, today=date(2026, 11, 23)) == []


def test_is_a_database_check():
    # Only migrate and `check --database` run it, so the date never decides a plain `check --deploy`.
    assert next_year_calendar_check(databases=None, today=date(2026, 11, 23)) == []
    assert next_year_calendar_check in registry.registry.get_checks()
    assert Tags.database in next_year_calendar_check.tags
