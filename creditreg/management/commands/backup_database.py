from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from creditreg.backup import (
    BackupError,
    database_backup,
)


class Command(BaseCommand):
    help = (
        "Write a backup of the database to FILE (PostgreSQL: pg_dump custom format; SQLite: an online copy)."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", metavar="FILE")

    def handle(self, *args, **options):
        try:
            result = database_backup(output=Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{options['output']}: written" + (f" ({result})" if result is not None else ""))
