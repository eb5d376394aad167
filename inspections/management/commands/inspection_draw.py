"""``inspection_draw`` (SPEC §7): draw a random inspection plan of a department over the subjects
graded under ``public`` and print one JSON line per drawn subject; counts and the subjects skipped
for their caps go to standard error."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Department
from inspections.services import command_draw, ratios_parse


class Command(BaseCommand):
    help = "Draw a random inspection plan (双随机) and print the drawn subjects as JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("--department", required=True, help="department code, e.g. scjg")
        parser.add_argument("--matter", required=True, help="the inspection matter, free text")
        parser.add_argument("--year", required=True, type=int, help="the year whose caps count")
        parser.add_argument("--seed", required=True, help="the seed (its SHA-256 is recorded and printed)")
        parser.add_argument(
            "--ratios",
            default=None,
            help='sampling ratio per grade, e.g. "A+=0,A=0,B=0.05,C=0.1,C-=0.1,D=0.3,D-=0.3" (grades left '
            "out keep these defaults)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="draw without recording (counts toward no cap)"
        )

    def handle(self, *args, **options):
        department = Department.objects.filter(code=options["department"]).first()
        if department is None or not department.is_active:
            raise CommandError(f"unknown department: {options['department']!r}")
        try:
            ratios = ratios_parse(options["ratios"]) if options["ratios"] is not None else None
            result = command_draw(
                department=department,
                matter=options["matter"],
                year=options["year"],
                seed=options["seed"],
                ratios=ratios,
                dry_run=options["dry_run"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for line in result.lines:
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        err = self.stderr
        if result.recorded:
            err.write(f"plan {result.plan.pk}: drawn before with this seed; the recorded draw is printed")
        elif result.plan is None:
            err.write("dry run: nothing recorded, no cap counted")
        else:
            err.write(f"plan {result.plan.pk} recorded; seed sha256 {result.plan.seed_sha256}")
        for s in result.strata:
            err.write(
                f"{s['grade']}: {s['size']} eligible, ratio {s['ratio']}, quota {s['quota']}, "
                f"drawn {s['drawn']}, skipped at their cap {s['skipped']}"
            )
        err.write(
            f"{result.eligible} eligible, {len(result.lines)} drawn, {result.skipped} skipped for their caps"
        )
