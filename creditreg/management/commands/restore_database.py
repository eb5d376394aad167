from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from creditreg.backup import (
    BackupError,
    database_restore,
)


class Command(BaseCommand):
    help = "Restore a backup_database FILE into the configured database, which must be empty."

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE")

    def handle(self, *args, **options):
        try:
            result = database_restore(source=Path(options["source"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{options['source']}: restored" + (f" ({result})" if result is not None else ""))
