"""``manage.py yearly_summary --year YYYY [--department CODE] [--output FILE] [--store]``

Builds the year's summary spreadsheet (003 §6(1), 004 §7(4)) of the county, or of one department, and
writes it to FILE (default ``yearly-summary-YYYY[-CODE].xlsx`` in the current directory). With
``--store`` the same report is also stored for download, as the December 20 task does.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Department
from reports.selectors import summary_build
from reports.services import report_generate, year_validate
from reports.spreadsheet import summary_workbook


class Command(BaseCommand):
    help = "Build the yearly summary spreadsheet of the county or of one department."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="the year, e.g. 2026")
        parser.add_argument("--department", help="a department code (default: the whole county)")
        parser.add_argument("--output", help="the .xlsx file to write")
        parser.add_argument("--store", action="store_true", help="also store it as the year's report")

    def handle(self, *args, **options):
        try:
            year = year_validate(year=options["year"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        department = None
        if options["department"]:
            department = Department.objects.filter(code=options["department"]).first()
            if department is None:
                raise CommandError(f"unknown department: {options['department']}")
        suffix = f"-{department.code}" if department else ""
        output = Path(options["output"] or f"yearly-summary-{year}{suffix}.xlsx")
        if output.suffix.lower() != ".xlsx":
            raise CommandError(f"the output file must end in .xlsx: {output}")
        summary = summary_build(year=year, department=department)
        content = summary_workbook(summary=summary)
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        self.stdout.write(f"{output}: {len(content)} bytes, {len(summary.grade_sections)} grade section(s)")
        if options["store"]:
            report = report_generate(actor=None, year=year, department=department)
            self.stdout.write(f"stored as report {report.pk} ({report.file_name})")
