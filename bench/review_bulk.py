"""Benchmark: a reviewer approves N submitted records at once (the review queue's bulk approval).

Usage: .venv/bin/python bench/review_bulk.py [N] [--database-url URL] [--profile]

Creates a throwaway database (SQLite file in a temp dir unless --database-url names an empty
PostgreSQL database), migrates it, has a clerk of fgw upload N penalties of N/2 firms (submitted, as an
upload leaves them), then approves them all with ``records_review_bulk`` as fgw's reviewer, with tasks
inline (the embedded default: the regrades run in the request). Prints the wall time, the time a
record, the queries and the outbox items written; ``--profile`` adds the ten functions that took the
most time.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("records", nargs="?", type=int, default=500)
    parser.add_argument("--database-url")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-review-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "creditreg.settings.base"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    os.environ["CREDITREG_DATA_DIR"] = str(workdir)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from accounts.models import Department, Role
    from accounts.services import user_create
    from bench.import_records import build_rows
    from exchange.models import OutboxItem
    from records.importing import records_import
    from records.models import CreditRecord, RecordStatus
    from records.services import records_review_bulk

    fgw = Department.objects.get(code="fgw")
    clerk, reviewer = (
        user_create(actor=None, username=name, password="bench-2026-pw", role=role, department=fgw)
        for name, role in (("bench-clerk", Role.CLERK), ("bench-reviewer", Role.REVIEWER))
    )
    header, body = build_rows(args.records)
    # Penalties only, two a firm: every approval changes a grade.
    rows = [[*row[:3], "行政处罚", *row[4:6], "警告;罚款", "5000", "", row[9]] for row in body]
    content = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    records_import(content=content.encode(), file_name="bench.csv", department=fgw, actor=clerk)
    chosen = list(CreditRecord.objects.filter(status=RecordStatus.SUBMITTED).order_by("id"))
    engine = connection.vendor
    print(
        f"records: {len(chosen)} submitted, subjects: {len({r.subject_id for r in chosen})}, database: {engine}"
    )
    outbox_before = OutboxItem.objects.count()

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    queries = 0

    def counted(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        result = records_review_bulk(actor=reviewer, records=chosen, action="approve")
        seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
    print(
        f"bulk approval: {seconds:.2f} s, {1000 * seconds / len(chosen):.1f} ms a record, "
        f"{queries} queries ({queries / len(chosen):.1f} a record), "
        f"{len(result.done)} approved, {len(result.refused)} refused, "
        f"{OutboxItem.objects.count() - outbox_before} outbox items"
    )
    if profiler is not None:
        import pstats

        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(r"creditreg|records|grading|exchange|audit", 25)
        stats.print_callees("record_outbox_enqueue|outbox_enqueue|audit_chain_extend")


if __name__ == "__main__":
    main()
