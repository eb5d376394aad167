"""Retention: the access log is kept at least six months (网络安全法 Art. 21); the audit log never goes."""

import datetime

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from accesslog.models import AccessEntry, AccessKind
from accesslog.services import access_log_purge
from accesslog.tasks import access_log_purge_task
from audit.models import AuditLog

pytestmark = pytest.mark.django_db


def _entry(days_ago: int) -> AccessEntry:
    return AccessEntry.objects.create(
        at=timezone.now() - datetime.timedelta(days=days_ago), user_label="u", kind=AccessKind.EXPORT
    )


@override_settings(ACCESS_LOG_RETENTION_DAYS=183)
def test_the_purge_deletes_only_entries_older_than_the_retention_period():
    kept = [_entry(0), _entry(182), _entry(182)]
    old = [_entry(184), _entry(400)]
    audit_before = AuditLog.objects.count()
    assert access_log_purge(batch_size=1) == 2
    assert set(AccessEntry.objects.values_list("pk", flat=True)) == {e.pk for e in kept}
    assert not AccessEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    purge = AuditLog.objects.get(action="accesslog.purge")
    assert purge.after["deleted"] == 2 and AuditLog.objects.count() == audit_before + 1


def test_the_default_keeps_a_year_and_the_task_and_command_run_the_same_purge():
    _entry(300)
    _entry(366)
    assert access_log_purge_task.delay().get() == 1
    call_command("purge_access_log")
    assert AccessEntry.objects.count() == 1


@override_settings(ACCESS_LOG_RETENTION_DAYS=30)
def test_a_retention_shorter_than_six_months_is_refused():
    _entry(60)
    with pytest.raises(ImproperlyConfigured):
        access_log_purge()
    with pytest.raises(CommandError):
        call_command("purge_access_log")
    assert AccessEntry.objects.count() == 1
    assert "accesslog.E001" in [m.id for m in run_checks()]


def test_the_purge_is_scheduled():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["accesslog-purge"]["task"] == "accesslog.purge"
