"""Benchmark of the grading engine on PostgreSQL.

Usage: .venv/bin/python bench/grading.py --subjects 100000 --records-per-subject 10 \
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_bench]

Creates (drops first) the database, migrates it, generates a synthetic county with SQL (subjects with
valid-looking codes, records of every negative and positive kind spread over the last 400 days), then
prints:
  (a) the full regrade of every subject under every scheme through the real service (first run: every
      grade written; second run: nothing changed, nothing written; the next day: records left the
      window), with the seconds of each pass, and under ``public`` alone;
  (b) a hand-written SQL aggregate over the same window (one GROUP BY per subject), and the ratio;
  (c) single-subject regrade (dynamic, every scheme) p50 / p99 over 1,000 tries.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--records-per-subject", type=int, default=10)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_bench")
    parser.add_argument("--tries", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="time an existing (kept) database instead of generating one"
    )
    args = parser.parse_args()
    name = args.database_url.rsplit("/", 1)[1]
    base = args.database_url.rsplit("/", 1)[0]
    if not args.reuse:
        subprocess.run(
            ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "creditreg.settings.base", "DATABASE_URL": args.database_url}
    )
    os.environ.pop("REDIS_URL", None)
    # Django and the apps load only now, on the database this script just created.
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    n, per = args.subjects, args.records_per_subject
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if args.reuse:
            cursor.execute("SELECT count(*) FROM subjects_subject")
            n = cursor.fetchone()[0]
        else:
            generate(cursor, n, per)
            print(
                f"generated {n:,} subjects and {n * per:,} records in {time.perf_counter() - started:.1f} s"
            )
    measure(args, n, connection)
    connection.close()
    if not args.keep and not args.reuse:
        subprocess.run(
            ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
        )
        print(f"(database {base}/{name} dropped)")


# The licence's columns (004 §4(3)), empty on every other record.
LICENCE_COLUMNS = (
    "licence_authority, licence_authority_code, licence_category, licence_category_note, "
    "licence_certificate, licence_document_name, licence_number, licence_status"
)
LICENCE_VALUES = ", ".join(["''"] * 8)


def generate(cursor, n: int, per: int, departments: tuple[str, ...] = ("fgw",), spread: str = "all") -> None:
    """The synthetic county: ``n`` subjects with ``per`` records each, entered by ``departments`` in
    turn (one department by default): every department has records of every subject (``spread``
    "all"), or each subject's records come from one department ("one")."""
    if True:
        cursor.execute(
            """
            INSERT INTO subjects_subject (kind, code, name, address, phone, email, created_at, updated_at)
            SELECT 'legal_person', '91411323' || lpad(g::text, 10, '0'), '测试企业' || g, '', '', '', now(), now()
            FROM generate_series(1, %s) AS g
            """,
            [n],
        )
        cursor.execute("SELECT id, code FROM records_recordkind")
        kinds = dict((code, pk) for pk, code in cursor.fetchall())
        cursor.execute("SELECT code, id FROM accounts_department WHERE code = ANY(%s)", [list(departments)])
        ids = dict(cursor.fetchall())
        department = "CASE (({}) %% {}) {} END".format(
            "s.id + r" if spread == "all" else "s.id",
            len(departments),
            " ".join(f"WHEN {i} THEN {ids[code]}" for i, code in enumerate(departments)),
        )
        # kind, severity, fine: a mix where most subjects have something negative.
        mix = [
            ("warning", "minor", 0),
            ("correction_order", "minor", 0),
            ("administrative_penalty", "general", 5000),
            ("administrative_penalty", "serious", 200000),
            ("commendation", "", 0),
            ("commitment_breach", "general", 0),
            ("inspection_failed", "minor", 0),
            ("administrative_penalty", "general", 20000),
            ("complaint", "minor", 0),
            ("red_list", "", 0),
        ]
        cases = " ".join(f"WHEN {i} THEN {kinds[k]}" for i, (k, _s, _f) in enumerate(mix))
        severities = " ".join(f"WHEN {i} THEN '{s}'" for i, (_k, s, _f) in enumerate(mix))
        fines = " ".join(f"WHEN {i} THEN {f}" for i, (_k, _s, f) in enumerate(mix))
        cursor.execute(
            f"""
            INSERT INTO records_creditrecord
              (subject_id, kind_id, department_id, document_number, decision_date, matter, matter_key, content,
               legal_basis, severity, severity_source, severity_reason, fine_total, external_grade,
               complainant_name, complainant_contact, status, is_current, version, source, return_reason,
               created_at, updated_at, publish_due, under_objection, {LICENCE_COLUMNS})
            SELECT s.id, CASE m {cases} END, {department}, 'BENCH-' || s.id || '-' || r, current_date - ((s.id * 7 + r * 37) %% 400)::int,
                   'x', 'x' || r, '', '', CASE m {severities} END, 'kind', '', CASE m {fines} END, '', '', '',
                   'effective', true, 1, 'import', '', now(), now(), current_date, false, {LICENCE_VALUES}
            FROM subjects_subject s CROSS JOIN generate_series(1, %s) AS r
            CROSS JOIN LATERAL (SELECT ((s.id * 31 + r * 17) %% 10) AS m) mm
            """,
            [per],
        )
        cursor.execute("ANALYZE")


def measure(args, n: int, connection) -> None:
    # The apps load after main() has set Django up for the benchmark's database.
    import logging

    import django.utils.timezone

    from grading.models import GradeSource, Scheme
    from grading.services import grades_refresh, regrade_all

    logging.basicConfig(level=logging.WARNING, format="    %(message)s")
    logging.getLogger("grading.services").setLevel(logging.INFO)  # each pass's seconds
    today = django.utils.timezone.localdate()
    for label in ("first run (every grade written, unless kept from an earlier run)", "second run"):
        started = time.perf_counter()
        counts = regrade_all(as_of=today, source=GradeSource.NIGHTLY)
        print(f"(a) full regrade of every scheme, {label}: {time.perf_counter() - started:.1f} s, {counts}")
    scheme = Scheme.objects.get(code="public")
    started = time.perf_counter()
    counts = grades_refresh(
        scheme=scheme, as_of=django.utils.timezone.localdate(), source=GradeSource.NIGHTLY
    )
    service_seconds = time.perf_counter() - started
    print(f"(a) full regrade of `public` alone, nothing changed: {service_seconds:.1f} s, {counts}")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.subject_id, count(*), sum(r.fine_total),
                   sum(CASE r.severity WHEN 'minor' THEN -10 WHEN 'general' THEN -50 WHEN 'serious' THEN -150 ELSE 0 END),
                   max(CASE r.severity WHEN 'serious' THEN 3 WHEN 'general' THEN 2 WHEN 'minor' THEN 1 ELSE 0 END),
                   string_agg(r.document_number, ',')
            FROM records_creditrecord r
            WHERE r.status IN ('effective', 'expired') AND r.is_current
              AND r.decision_date > current_date - 365 AND r.decision_date <= current_date
            GROUP BY r.subject_id
            """
        )
        rows = len(cursor.fetchall())
    sql_seconds = time.perf_counter() - started
    print(
        f"(b) hand-written SQL aggregate: {sql_seconds:.1f} s ({rows:,} subjects with records); "
        f"`public` regrade / SQL = {service_seconds / sql_seconds:.1f}x"
    )

    # The next night: the window moves on a day, records leave it and their subjects' grades change.
    tomorrow = today + datetime.timedelta(days=1)
    started = time.perf_counter()
    counts = regrade_all(as_of=tomorrow, source=GradeSource.NIGHTLY)
    print(f"(a) full regrade of every scheme, the next day: {time.perf_counter() - started:.1f} s, {counts}")
    # Back to today, so a --reuse run starts from today's grades.
    regrade_all(as_of=today, source=GradeSource.NIGHTLY)

    single(args, n, connection, "right after the regrades")
    # What autovacuum does soon after a night that rewrote many grades: the dead row versions of the
    # retired grades no longer slow the look-up of a subject's current grades.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE grading_grade")
    single(args, n, connection, "after VACUUM ANALYZE grading_grade")


def single(args, n: int, connection, label: str) -> None:
    # The apps load after main() has set Django up for the benchmark's database.
    from django.test.utils import CaptureQueriesContext

    from grading.services import regrade_subjects

    with CaptureQueriesContext(connection) as queries:
        regrade_subjects(subject_ids=[n // 2])
    print(f"(c) queries of one single-subject regrade (all schemes): {len(queries.captured_queries)}")
    ids = list(range(1, n + 1))
    rng = random.Random(3)
    timings = []
    for _ in range(args.tries):
        sid = rng.choice(ids)
        started = time.perf_counter()
        regrade_subjects(subject_ids=[sid])
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(
        f"(c) single-subject regrade (all schemes), {label}, {args.tries} tries: p50 {statistics.median(timings):.1f} ms, "
        f"p99 {timings[int(len(timings) * 0.99) - 1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
