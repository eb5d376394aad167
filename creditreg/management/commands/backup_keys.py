from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from creditreg.backup import (
    BackupError,
    keys_backup,
)


class Command(BaseCommand):
    help = "Write DJANGO_SECRET_KEY and CREDITREG_FIELD_KEYS to FILE (readable by its owner only)."

    def add_arguments(self, parser):
        parser.add_argument("output", metavar="FILE")

    def handle(self, *args, **options):
        try:
            result = keys_backup(output=Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{options['output']}: written" + (f" ({result})" if result is not None else ""))
