"""``manage.py measures --subject CODE`` (SPEC §7): JSON Lines on standard output, one object per measure
that applies to the subject now (from its current grades and its list memberships, and for a natural
person the measures extending to the legal representative of the subjects it represents, with
``via_subject``). An unknown or invalid code exits non-zero with a clear message."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from measures.department_lists import department_listings_settle_due
from measures.selectors import measures_applicable, subject_code_checked
from subjects.models import Subject


class Command(BaseCommand):
    help = "List the measures that apply now to a subject, as JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("--subject", required=True, help="unified social credit code or identity number")

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            try:
                code = subject_code_checked(code=options["subject"])
            except ValidationError as exc:
                raise CommandError(exc.messages[0]) from None
            subject = Subject.objects.filter(code=code).first()
            if subject is None:
                raise CommandError(_("No subject with the code %(code)s is registered.") % {"code": code})
            department_listings_settle_due()  # listings due today are in force (SPEC §3.6)
            items = measures_applicable(subject=subject)
            for item in items:
                self.stdout.write(json.dumps(item, ensure_ascii=False))
            self.stderr.write(
                _("%(count)s measure(s) apply to %(name)s (%(code)s).")
                % {"count": len(items), "name": subject.name, "code": subject.code}
            )
