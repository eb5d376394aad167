"""``manage.py import_records --department CODE [--approve] FILE`` (SPEC §7)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Department
from records.importing import records_import
from records.spreadsheets import ImportFileError


class Command(BaseCommand):
    help = (
        "Import credit records from a .csv (UTF-8, with or without BOM) or .xlsx file in the general "
        "record template or the platform's administrative-penalty or administrative-licence (双公示) "
        "template. Good rows are kept; bad rows are listed; the exit status is non-zero if any row was "
        "rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--department", required=True, help="department code, e.g. fgw")
        parser.add_argument(
            "--approve",
            action="store_true",
            help="records take effect at once (credit office migration of historical data; audited as such)",
        )
        parser.add_argument(
            "--max-rows",
            type=int,
            default=settings.IMPORT_COMMAND_MAX_ROWS,
            help="refuse a file with more data rows than this (default %(default)s; the web allows "
            "CREDITREG_IMPORT_MAX_ROWS)",
        )
        parser.add_argument(
            "--max-unpacked-mb",
            type=int,
            default=settings.IMPORT_COMMAND_MAX_UNCOMPRESSED_BYTES // (1024 * 1024),
            help="refuse an .xlsx that unpacks to more megabytes than this (default %(default)s)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        department = Department.objects.filter(code=options["department"], is_active=True).first()
        if department is None:
            raise CommandError(f"unknown department code: {options['department']}")
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            result = records_import(
                content=path.read_bytes(),
                file_name=path.name,
                department=department,
                approve=options["approve"],
                max_rows=options["max_rows"],
                max_uncompressed_bytes=options["max_unpacked_mb"] * 1024 * 1024,
            )
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        batch = result.batch
        self.stdout.write(
            f"{path.name}: {batch.rows_total} rows, {batch.rows_created} records created, "
            f"{batch.rows_duplicate} already entered, {batch.rows_rejected} rejected, "
            f"{batch.subjects_created} subjects registered, {batch.seconds:.2f} s"
            + (" (effective at once)" if batch.approve else " (awaiting the department reviewer)")
        )
        for error in result.errors.iterator(chunk_size=2000):
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"row {error.row_number}{column}: {error.message}")
        if batch.rows_rejected:
            raise CommandError(f"{batch.rows_rejected} row(s) rejected", returncode=2)
