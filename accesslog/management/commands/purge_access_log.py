"""``manage.py purge_access_log``: the scheduled purge, for the embedded mode that runs no beat."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from accesslog.services import access_log_purge, access_log_retention_days


class Command(BaseCommand):
    help = "Delete access-log entries older than CREDITREG_ACCESS_LOG_RETENTION_DAYS (at least 183)."

    def handle(self, *args, **options):
        try:
            deleted = access_log_purge()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"deleted {deleted} access-log entries older than {access_log_retention_days()} days"
        )
