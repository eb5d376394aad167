"""Benchmark of the yearly summary on PostgreSQL.

Usage: .venv/bin/python bench/yearly_summary.py --subjects 100000 --records-per-subject 5 \
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_reports] [--keep]

Creates (drops first) the database, migrates it, generates with SQL a county of subjects with records
of several kinds from three departments over two years, and the yearly runs of 2025 (published) and
2026 (completed) of both default schemes with synthetic grades. Then prints, for the county and for one
department: the time and the number of queries of building the summary, and the time of writing the
workbook.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The licence's columns (004 §4(3)), empty on every other record (as bench/grading.py writes them).
LICENCE_COLUMNS = (
    "licence_authority, licence_authority_code, licence_category, licence_category_note, "
    "licence_certificate, licence_document_name, licence_number, licence_status"
)
LICENCE_VALUES = ", ".join(["''"] * 8)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--records-per-subject", type=int, default=5)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_reports")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    name = args.database_url.rsplit("/", 1)[1]
    subprocess.run(
        ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "creditreg.settings.base", "DATABASE_URL": args.database_url}
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from accounts.models import Department
    from grading.models import EvaluationRun, RunStatus, Scheme, VersionStatus

    n, per = args.subjects, args.records_per_subject
    started = time.perf_counter()
    departments = list(
        Department.objects.filter(code__in=["fgw", "scjg", "zjj"]).values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO subjects_subject (kind, code, name, address, phone, email, created_at, updated_at)
            SELECT 'legal_person', '91411323' || lpad(g::text, 10, '0'), '测试企业' || g, '', '', '', now(), now()
            FROM generate_series(1, %s) AS g
            """,
            [n],
        )
        cursor.execute(
            "SELECT id FROM records_recordkind WHERE code IN ('warning', 'administrative_penalty', "
            "'commendation', 'inspection_failed', 'commitment_breach') ORDER BY id"
        )
        kinds = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"""
            INSERT INTO records_creditrecord
              (subject_id, kind_id, department_id, document_number, decision_date, matter, matter_key, content,
               legal_basis, severity, severity_source, severity_reason, fine_total, external_grade,
               complainant_name, complainant_contact, status, is_current, version, source, return_reason,
               created_at, updated_at, publish_due, under_objection, {LICENCE_COLUMNS})
            SELECT s.id, (%s::bigint[])[1 + (s.id + r) %% 5], (%s::bigint[])[1 + (s.id * 3 + r) %% 3],
                   'BENCH-' || s.id || '-' || r, date '2026-12-15' - ((s.id * 7 + r * 37) %% 700)::int,
                   'x', 'x' || r, '', '', (ARRAY['minor', 'general', 'serious'])[1 + (s.id + r) %% 3], 'kind', '',
                   0, '', '', '', (ARRAY['effective', 'effective', 'expired', 'repaired', 'revoked'])[1 + r %% 5],
                   true, 1, 'import', '', now(), now(), current_date, false, {LICENCE_VALUES}
            FROM subjects_subject s CROSS JOIN generate_series(1, %s) AS r
            """,
            [kinds, departments, per],
        )
        for code in ("public", "abc"):
            scheme = Scheme.objects.get(code=code)
            # The county's version, or the scheme owner's own (fgw's: each department has its own).
            version = scheme.versions.get(status=VersionStatus.PUBLISHED, department=scheme.owner)
            levels = ["A+", "A", "B", "C", "C-", "D", "D-"] if code == "public" else ["A", "B", "C"]
            for as_of, status, shift in (
                (datetime.date(2025, 12, 15), RunStatus.PUBLISHED, 0),
                (datetime.date(2026, 12, 15), RunStatus.COMPLETED, 1),
            ):
                run = EvaluationRun.objects.create(
                    scheme=scheme,
                    version=version,
                    department=scheme.owner,
                    as_of=as_of,
                    status=status,
                    subjects_total=n,
                    subjects_graded=n,
                )
                cursor.execute(
                    """
                    INSERT INTO grading_grade (subject_id, scheme_id, version_id, department_id, as_of, grade,
                        reasons, source, is_current, run_id, published, adjusted_reason, computed_at)
                    SELECT s.id, %s, %s, %s, %s, (%s::text[])[1 + ((s.id * 13 + %s * (s.id %% 7)) %% %s)],
                           '[]', 'yearly', false, %s, %s, '', now()
                    FROM subjects_subject s
                    """,
                    [
                        scheme.pk,
                        version.pk,
                        scheme.owner_id,
                        as_of,
                        levels,
                        shift,
                        len(levels),
                        run.pk,
                        status == RunStatus.PUBLISHED,
                    ],
                )
        cursor.execute("ANALYZE")
    print(
        f"generated {n:,} subjects, {n * per:,} records and 4 runs of {n:,} grades in "
        f"{time.perf_counter() - started:.1f} s"
    )

    from reports.selectors import summary_build
    from reports.spreadsheet import summary_workbook

    for label, department in (("county", None), ("department fgw", Department.objects.get(code="fgw"))):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            summary = summary_build(year=2026, department=department)
            built = time.perf_counter() - started
        started = time.perf_counter()
        content = summary_workbook(summary=summary)
        written = time.perf_counter() - started
        public = summary.grade_sections[0]
        print(
            f"{label}: summary {built:.2f} s in {len(queries.captured_queries)} queries "
            f"({public.total_now:,} graded, {public.upgraded:,} up, {public.downgraded:,} down); "
            f"workbook {written:.2f} s, {len(content):,} bytes"
        )
    connection.close()
    if not args.keep:
        subprocess.run(
            ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
        )


if __name__ == "__main__":
    main()
