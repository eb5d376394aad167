"""``manage.py yearly_run --as-of YYYY-MM-DD [--scheme CODE] [--publish]`` (SPEC §7).

Starts the yearly evaluation of every scheme (or one) as of the date — or resumes the run that already
exists — waits for it, prints its counts and, with ``--publish``, publishes it as the credit office
does in the admin. Running it twice for the same date creates no second run and no second grades.

While it waits it looks after the run every few seconds (``run_recover``): a chunk whose process died
(no heartbeat) is sent again — in the embedded mode, where tasks run inline, the command grades it
itself — so after a crash the same command, run again, finishes the run.
"""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grading.models import EvaluationRun, RunStatus
from grading.runs import RunError, run_publish, run_recover, yearly_runs_start


class Command(BaseCommand):
    help = "Start or resume the yearly evaluation as of a date, wait for it, print its counts."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, dest="as_of", help="YYYY-MM-DD, e.g. 2026-12-15")
        parser.add_argument(
            "--scheme", help="one scheme code (default: every scheme with a published version)"
        )
        parser.add_argument("--publish", action="store_true", help="publish the completed runs")
        parser.add_argument("--timeout", type=int, default=6 * 3600, help="seconds to wait (default 6 h)")

    def handle(self, *args, **options):
        try:
            as_of = datetime.date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(f"--as-of must be a date YYYY-MM-DD, not {options['as_of']!r}") from None
        # The same service as the December 15 beat entry (grading.yearly_run).
        try:
            started = yearly_runs_start(as_of=as_of, scheme_code=options["scheme"] or "")
        except RunError as exc:
            raise CommandError(str(exc)) from None
        runs = []
        for run, created, sent in started:
            verb = "started" if created else "resumed"
            self.stdout.write(f"{_label(run)}: run {run.pk} {verb}, {run.chunks_total} chunks, {sent} sent")
            runs.append(run)
        deadline = time.monotonic() + options["timeout"]
        # Look for lost chunks as often as a process can be found dead: once a beat.
        every = max(1.0, settings.GRADING_CHUNK_HEARTBEAT_SECONDS)
        for run in runs:
            recover_at = time.monotonic() + every
            while EvaluationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).exists():
                if time.monotonic() > deadline:
                    raise CommandError(
                        f"run {run.pk} did not finish in time; run the command again to resume"
                    )
                if time.monotonic() >= recover_at:
                    sent = run_recover(run=run)
                    if sent:
                        self.stdout.write(f"{_label(run)}: run {run.pk}, {sent} lost chunks sent again")
                    recover_at = time.monotonic() + every
                time.sleep(min(1.0, every))
            run.refresh_from_db()
            # Only the runs asked for: a county run started for a department scheme's input stays
            # for the credit office to review.
            asked = not options["scheme"] or run.scheme.code == options["scheme"]
            if options["publish"] and asked and run.status == RunStatus.COMPLETED:
                run = run_publish(actor=None, run=run)
            self.stdout.write(
                f"{_label(run)} v{run.version.number} as of {run.as_of}: {run.status}, "
                f"{run.subjects_graded}/{run.subjects_total} subjects graded, {run.seconds} s"
            )


def _label(run: EvaluationRun) -> str:
    """The scheme, and for a department scheme the department (SPEC §3.6: its code everywhere)."""
    return f"{run.scheme.code}:{run.department.code}" if run.department_id else run.scheme.code
