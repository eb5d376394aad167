"""Benchmark of the measures look-up and the applied-measure counts on PostgreSQL.

Usage: .venv/bin/python bench/measures.py [--firms 200] [--applications 200000] \
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_measures]

Creates (drops first) the database, migrates it (the catalogue comes with the migrations), registers
one natural person as legal representative of ``--firms`` firms through the services, puts a serious
penalty on half of them and a black listing on one, grades them, then prints:
  (a) ``measures_applicable`` for the person (every firm's extending measures) and for one firm:
      queries and p50 / p99 over 200 tries;
  (b) ``--applications`` applied measures written with SQL (two years), and the grouped counts per
      measure, department and month (the credit office's page): all time, this year (the page's
      default) and this year for one department — queries, rows and time.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=200)
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--tries", type=int, default=200)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_measures")
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
    from django.utils import timezone

    from accounts.models import Department, Role
    from grading.services import regrade_subjects
    from measures.models import ListType, Measure, MeasureApplication
    from measures.selectors import measure_application_counts, measures_applicable
    from measures.services import list_entry_add
    from records.services import record_approve, record_create, record_submit
    from records.validation import RecordInput, SanctionInput
    from tests.factories import make_company, make_resident_id, make_user

    call_command("migrate", verbosity=0)
    clerk = make_user(Role.CLERK, "fgw", username="bench-clerk")
    reviewer = make_user(Role.REVIEWER, "fgw", username="bench-reviewer")
    office = make_user(Role.CREDIT_OFFICE, "xyb", username="bench-office")
    person_code = make_resident_id()
    today = timezone.localdate()
    firms = [make_company(rep=(person_code, "基准测试人")) for _ in range(args.firms)]
    for n, firm in enumerate(firms[: args.firms // 2]):
        data = RecordInput(
            kind="行政处罚",
            document_number=f"基准罚〔2026〕{n}号",
            decision_date=today - timezone.timedelta(days=30),
            matter="基准违法行为",
            sanctions=[SanctionInput("吊销许可证件")],
        )
        record = record_create(actor=clerk, subject=firm, data=data)
        record_submit(actor=clerk, record=record)
        record_approve(actor=reviewer, record=record)
    list_entry_add(
        actor=office,
        list_type=ListType.BLACK,
        subject=firms[-1],
        reason="基准",
        authority="基准机关",
        listed_on=today,
    )
    person = firms[0].legal_representative
    regrade_subjects(subject_ids=[f.pk for f in firms] + [person.pk])

    for label, subject in (("person", person), ("firm", firms[0])):
        with CaptureQueriesContext(connection) as queries:
            items = measures_applicable(subject=subject)
        times = []
        for _ in range(args.tries):
            started = time.perf_counter()
            measures_applicable(subject=subject)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(
            f"(a) measures_applicable {label}: {len(items)} measures, {len(queries)} queries, "
            f"p50 {statistics.median(times):.1f} ms, p99 {times[int(len(times) * 0.99) - 1]:.1f} ms"
        )

    measures = list(Measure.objects.values_list("pk", flat=True))
    departments = list(Department.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {MeasureApplication._meta.db_table}
                (measure_id, subject_id, department_id, applied_on, matter, outcome, outcome_note, created_at)
            SELECT (%s::bigint[])[1 + g %% %s], %s, (%s::bigint[])[1 + (g / 7) %% %s],
                   %s::date - (g %% 730), '', 'applied', '', now()
            FROM generate_series(1, %s) AS g
            """,
            [measures, len(measures), firms[0].pk, departments, len(departments), today, args.applications],
        )
    print(f"    {args.applications} applications written in {time.perf_counter() - started:.1f} s")
    queryset = MeasureApplication.objects.all()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        rows = measure_application_counts(queryset=queryset)
        seconds = time.perf_counter() - started
    print(
        f"(b) counts per measure, department and month: {len(rows)} rows, {len(queries)} query, {seconds:.2f} s"
    )
    this_year = queryset.filter(applied_on__gte=today.replace(month=1, day=1))
    started = time.perf_counter()
    rows = measure_application_counts(queryset=this_year)
    print(f"    this year (the page's default): {len(rows)} rows, {time.perf_counter() - started:.3f} s")
    started = time.perf_counter()
    rows = measure_application_counts(queryset=this_year.filter(department__code="fgw"))
    print(f"    this year, one department: {len(rows)} rows, {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()
