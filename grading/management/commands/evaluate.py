"""``manage.py evaluate --scheme CODE [--department CODE] --as-of YYYY-MM-DD [--output FILE]`` (SPEC §7).

Grades every subject through the same service as the Celery tasks and writes JSON Lines, one object per
subject. It computes only: the official grades stay as the dynamic, nightly and yearly runs left them.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import Department
from grading.models import Scheme
from grading.presentation import reason_text
from grading.services import grades_compute, grading_department, version_published
from subjects.models import Subject


class Command(BaseCommand):
    help = "Grade every subject under a scheme as of a date and write JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True)
        parser.add_argument("--department", help="department code, for a department scheme run by it")
        parser.add_argument("--as-of", required=True, dest="as_of", help="YYYY-MM-DD")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        try:
            as_of = datetime.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(f"--as-of must be a date YYYY-MM-DD, not {options['as_of']!r}") from None
        scheme = Scheme.objects.filter(code=options["scheme"]).select_related("owner").first()
        if scheme is None:
            raise CommandError(f"unknown scheme: {options['scheme']}")
        department = None
        if options["department"]:
            department = Department.objects.filter(code=options["department"]).first()
            if department is None:
                raise CommandError(f"unknown department: {options['department']}")
        department = grading_department(scheme=scheme, department=department)
        # A department scheme grades with the department's own version (SPEC §3.6).
        version = version_published(scheme=scheme, department=department)
        if version is None:
            raise CommandError(
                f"scheme {scheme.code} has no published version"
                + (f" for department {department.code}" if department is not None else "")
            )
        out = open(options["output"], "w", encoding="utf-8") if options["output"] else self.stdout  # noqa: SIM115
        count = 0
        try:
            with translation.override("zh-hans"):
                batch: list = []
                for subject_id, outcome in grades_compute(
                    version=version, department=department, as_of=as_of
                ):
                    batch.append((subject_id, outcome))
                    if len(batch) >= 2000:
                        count += self._write(out, batch, scheme, version, department, as_of)
                        batch = []
                if batch:
                    count += self._write(out, batch, scheme, version, department, as_of)
        finally:
            if out is not self.stdout:
                out.close()
        label = f"{scheme.code}:{department.code}" if department is not None else scheme.code
        self.stderr.write(f"{count} subjects graded under {label} v{version.number} as of {as_of}")

    def _write(self, out, batch, scheme, version, department, as_of) -> int:
        rows = Subject.objects.filter(pk__in=[sid for sid, _o in batch]).values_list("pk", "code", "name")
        subjects = {pk: (code, name) for pk, code, name in rows}
        for subject_id, outcome in batch:
            out.write(
                json.dumps(
                    {
                        "subject_code": subjects[subject_id][0],
                        "subject_name": subjects[subject_id][1],
                        "scheme": scheme.code,
                        "scheme_version": version.number,
                        "department": getattr(department, "code", None),
                        "as_of": as_of.isoformat(),
                        "grade": outcome.grade,
                        "score": None if outcome.score is None else float(outcome.score),
                        "reasons": [reason_text(r) for r in outcome.reasons],
                        "documents": sorted({d for r in outcome.reasons for d in r.get("documents", [])}),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
        return len(batch)
