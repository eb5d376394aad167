from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from creditreg.backup import (
    BackupError,
    files_restore,
)


class Command(BaseCommand):
    help = "Restore a backup_files FILE into an empty MEDIA_ROOT, checking every file against its SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE")

    def handle(self, *args, **options):
        try:
            result = files_restore(source=Path(options["source"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{options['source']}: files restored" + (f" ({result})" if result is not None else "")
        )
