"""``manage.py credit_report --subject CODE [--full] --output FILE`` (SPEC §7): writes the subject's credit
report as a PDF (the public version, or with ``--full`` the subject's own full version) and prints its
document number alone on the last line of output. An unknown or invalid code exits non-zero with a clear
message and writes nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from creditreports.services import credit_report_issue
from measures.department_lists import department_listings_settle_due
from measures.selectors import subject_code_checked
from subjects.models import Subject


class Command(BaseCommand):
    help = "Issue a subject's credit report as a PDF and print its document number."

    def add_arguments(self, parser):
        parser.add_argument("--subject", required=True, help="unified social credit code or identity number")
        parser.add_argument("--full", action="store_true", help="the subject's own full version")
        parser.add_argument("--output", required=True, help="the PDF file to write")

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            try:
                code = subject_code_checked(code=options["subject"])
            except ValidationError as exc:
                raise CommandError(exc.messages[0]) from None
            subject = Subject.objects.filter(code=code).first()
            if subject is None:
                raise CommandError(_("No subject with the code %(code)s is registered.") % {"code": code})
            output = Path(options["output"])
            if not output.parent.is_dir():
                raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": output.parent})
            department_listings_settle_due()  # listings due today are in force (SPEC §3.6)
            issued = credit_report_issue(subject=subject, full=options["full"])
            output.write_bytes(issued.content)
            self.stderr.write(
                _("%(title)s of %(name)s written to %(file)s (%(size)s bytes).")
                % {
                    "title": issued.document.title,
                    "name": subject.name,
                    "file": output,
                    "size": len(issued.content),
                }
            )
            self.stdout.write(issued.document.number)
