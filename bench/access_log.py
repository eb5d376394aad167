"""Benchmark of the access log on PostgreSQL: the cost of a read's log entries, the credit office's
page over a large log, and the purge.

Usage: .venv/bin/python bench/access_log.py --entries 1000000 \
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_access_log_bench] [--keep]

Creates (drops first) the database, migrates it, registers 1,000 natural persons and writes with SQL
``--entries`` access-log rows spread evenly over the last two years. Then prints: the time of logging one
list page (50 identity numbers, one bulk insert) and one file read; the time and queries of the credit
office's first page, per subject and per user; the time of the purge (retention 365 days: about half
the rows go).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_access_log_bench"
    )
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
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accesslog.filtersets import AccessEntryFilterSet
    from accesslog.models import AccessKind
    from accesslog.selectors import access_entries_visible_to
    from accesslog.services import access_log_purge, access_log_record
    from accounts.models import Department, Role
    from accounts.services import user_create
    from subjects.identifiers import resident_id_check_char
    from subjects.models import Subject, SubjectKind

    call_command("migrate", verbosity=0)
    office = user_create(
        actor=None,
        username="bench-xyb",
        password="Bench@2026x",
        role=Role.CREDIT_OFFICE,
        department=Department.objects.get(code="fgw"),
    )
    reviewer = user_create(
        actor=None,
        username="bench-reviewer",
        password="Bench@2026x",
        role=Role.REVIEWER,
        department=Department.objects.get(code="zjj"),
    )
    people = []
    for i in range(1000):
        first17 = f"41132319800101{i:03d}"
        people.append(
            Subject(
                kind=SubjectKind.NATURAL_PERSON, code=first17 + resident_id_check_char(first17), name=f"人{i}"
            )
        )
    Subject.objects.bulk_create(people)
    first_subject = Subject.objects.order_by("id").first().pk
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accesslog_accessentry (at, user_id, user_label, department_id, subject_id, kind,
                                               description, address, path)
            SELECT now() - (g * interval '730 days') / %s,
                   CASE WHEN g %% 2 = 0 THEN %s ELSE %s END,
                   CASE WHEN g %% 2 = 0 THEN 'bench-xyb' ELSE 'bench-reviewer' END,
                   NULL, %s + (g %% 1000), 'credit_file', '', '203.0.113.5', '/subjects/1/'
            FROM generate_series(1, %s) AS g
            """,
            [args.entries, office.pk, reviewer.pk, first_subject, args.entries],
        )
    cursor = connection.cursor()
    cursor.execute("ANALYZE accesslog_accessentry")
    print(f"entries written with SQL: {args.entries} in {time.perf_counter() - started:.1f} s")

    page_subjects = people[:50]
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        access_log_record(
            user=reviewer, kind=AccessKind.IDENTITY_NUMBER, subjects=page_subjects, address="1.2.3.4"
        )
    print(
        f"log one list page (50 numbers, one insert): {(time.perf_counter() - started) / runs * 1000:.2f} ms"
    )
    started = time.perf_counter()
    for _ in range(runs):
        access_log_record(user=reviewer, kind=AccessKind.CREDIT_FILE, subjects=[people[0]], address="1.2.3.4")
    print(f"log one file read: {(time.perf_counter() - started) / runs * 1000:.2f} ms")

    for label, params in (
        ("all", {}),
        ("per subject", {"subject": str(people[7].pk)}),
        ("per user", {"user": "bench-reviewer"}),
    ):
        filterset = AccessEntryFilterSet(params, queryset=access_entries_visible_to(user=office))
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            page = Paginator(filterset.qs, 50).get_page(1)
            rows = [(e.user_label, e.office_name, e.subject.name if e.subject else "") for e in page]
            elapsed = time.perf_counter() - started
        print(
            f"credit office page, {label}: {len(rows)} rows of {page.paginator.count} in "
            f"{elapsed * 1000:.1f} ms, {len(queries)} queries"
        )

    started = time.perf_counter()
    deleted = access_log_purge()
    print(f"purge (365 days): {deleted} rows deleted in {time.perf_counter() - started:.1f} s")
    connection.close()
    if not args.keep:
        subprocess.run(
            ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
        )


if __name__ == "__main__":
    main()
