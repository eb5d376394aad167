"""``manage.py audit_verify`` (SPEC §7): exits 0 when the audit chain is intact, and otherwise prints
``first bad entry: SEQ`` and exits 1.

First it runs the chaining catch-up, so entries committed a moment ago are checked too
(``--read-only`` skips it, to verify a copy of the database without writing to it). Entries still
waiting for their chaining step are counted and reported, not failed.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_verify
from audit.services import audit_chain_extend


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; names the first entry changed, removed or inserted."

    def add_arguments(self, parser):
        parser.add_argument(
            "--read-only", action="store_true", help="do not chain the entries waiting to be chained first"
        )
        parser.add_argument("--chunk-size", type=int, default=10000, help="rows read at a time")

    def handle(self, *args, **options):
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        started = time.perf_counter()
        if not options["read_only"]:
            audit_chain_extend(wait=True)
        verdict = audit_chain_verify(chunk_size=options["chunk_size"])
        elapsed = time.perf_counter() - started
        if verdict.unchained:
            self.stderr.write(f"{verdict.unchained} entries are not chained yet (not checked)")
        if not verdict.intact:
            self.stdout.write(f"first bad entry: {verdict.first_bad}")
            self.stderr.write(verdict.problem)
            raise SystemExit(1)
        algorithms = ", ".join(sorted(verdict.algorithms)) or "-"
        self.stdout.write(
            f"audit chain intact: {verdict.checked} entries ({algorithms}), "
            f"{verdict.heads_checked} heads sent checked, {elapsed:.1f} s"
        )
