from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from creditreg.backup import (
    BackupError,
    files_backup,
)


class Command(BaseCommand):
    help = "Write every uploaded file (MEDIA_ROOT) with a manifest of SHA-256 sums to FILE (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("output", metavar="FILE")

    def handle(self, *args, **options):
        try:
            result = files_backup(output=Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{options['output']}: files written" + (f" ({result})" if result is not None else "")
        )
