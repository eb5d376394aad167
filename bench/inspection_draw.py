"""Benchmark: a random-inspection draw (双随机, SPEC §5) over N eligible subjects, end to end on
PostgreSQL — the eligible list with the ``public`` grades in force, this year's inspections for the
caps, the draw, the inspections written and the published draw file — and the pure algorithm alone.

Usage: .venv/bin/python bench/inspection_draw.py --subjects 1000000 \
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_bench_insp]

Creates (drops first) the database, migrates it, inserts N subjects (10 % natural persons) with a
``public`` grade in force each (A+ 5 %, A 10 %, B 55 %, C 15 %, C- 5 %, D 7 %, D- 3 %) in three SQL
statements, a pool of 30 inspectors, and 1 % of the B subjects already inspected this year (at their
cap). Then it times one plan's draw with the default ratios, and a second department's draw that
meets the first one's caps.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Cumulative shares of the grades over the subjects' ids (id % 100).
BANDS = [("A+", 5), ("A", 15), ("B", 70), ("C", 85), ("C-", 90), ("D", 97), ("D-", 100)]


def grade_case(column: str) -> str:
    return "CASE " + " ".join(f"WHEN mod({column}, 100) < {upper} THEN '{g}'" for g, upper in BANDS) + " END"


def grade_of(i: int) -> str:
    return next(g for g, upper in BANDS if i % 100 < upper)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_bench_insp")
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
    import datetime
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Department, Role
    from accounts.services import user_create
    from grading.models import Scheme, SchemeVersion, VersionStatus
    from inspections.draw import Entry, Officer, draw
    from inspections.models import Inspection
    from inspections.services import inspector_save, matter_save, plan_announce, plan_create, plan_draw

    call_command("migrate", verbosity=0)
    n = args.subjects
    scheme = Scheme.objects.get(code="public")
    version = SchemeVersion.objects.get(
        scheme=scheme, status=VersionStatus.PUBLISHED, department__isnull=True
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO subjects_subject (id, kind, code, name, address, phone, email, created_at, updated_at) "
            "SELECT i, CASE WHEN mod(i, 10) = 0 THEN 'natural_person' ELSE 'legal_person' END, "
            "CASE WHEN mod(i, 10) = 0 THEN '411323' || lpad(i::text, 12, '0') ELSE '91411323' || lpad(i::text, 10, '0') END, "
            "'主体' || i, '', '', '', now(), now() FROM generate_series(1, %s) i",
            [n],
        )
        cursor.execute(
            "INSERT INTO grading_grade (id, as_of, grade, reasons, source, is_current, computed_at, subject_id, "
            "scheme_id, version_id, adjusted_reason, published) SELECT i, current_date, "
            f"{grade_case('i')}, '[]', 'dynamic', true, now(), i, %s, %s, '', false FROM generate_series(1, %s) i",
            [scheme.pk, version.pk, n],
        )
        cursor.execute(
            "INSERT INTO grading_gradeinforce (grade, as_of, basis, reason, decision, since, scheme_id, stands_on_id, "
            "subject_id) SELECT grade, as_of, 'computed', '', '', now(), scheme_id, id, subject_id FROM grading_grade",
        )
        for table in ("subjects_subject", "grading_grade"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [n])
        cursor.execute("ANALYZE")
    print(f"generated {n} subjects with grades in force in {time.perf_counter() - t0:.1f} s")

    clerks = {}
    for code in ("scjg", "zjj"):
        clerks[code] = user_create(
            actor=None,
            username=f"bench-{code}",
            password="Bench@2026x",
            role=Role.CLERK,
            department=Department.objects.get(code=code),
        )
        for i in range(15):
            inspector_save(actor=clerks[code], name=f"{code}员{i}", certificate_number=f"{code}-{i:04d}")
    year = datetime.date.today().year

    def plan_for(code: str, title: str):
        clerk = clerks[code]
        matter = matter_save(actor=clerk, name=f"{title}事项", legal_basis="基准测试")
        plan = plan_create(
            actor=clerk,
            title=title,
            matters=[matter],
            year=year,
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
        )
        return clerk, plan_announce(actor=clerk, plan=plan)

    clerk, plan = plan_for("scjg", "第一个计划")
    t0 = time.perf_counter()
    plan = plan_draw(actor=clerk, plan=plan)
    first = time.perf_counter() - t0
    print(
        f"draw 1 (scjg): {first:.2f} s — {plan.eligible_count} eligible, {plan.inspections.count()} drawn, "
        f"{plan.skipped_count} skipped, file {plan.draw_file.size / 1e6:.1f} MB"
    )
    clerk, plan = plan_for("zjj", "第二个计划")
    t0 = time.perf_counter()
    plan = plan_draw(actor=clerk, plan=plan)
    second = time.perf_counter() - t0
    print(
        f"draw 2 (zjj, meets draw 1's caps): {second:.2f} s — {plan.inspections.count()} drawn, "
        f"{plan.skipped_count} skipped at their cap"
    )
    entries = [Entry(f"ID{i:010d}", grade_of(i)) for i in range(n)]
    officers = [Officer(f"c{i}", f"员{i}") for i in range(30)]
    ratios = {
        "B": Decimal("0.05"),
        "C": Decimal("0.1"),
        "C-": Decimal("0.1"),
        "D": Decimal("0.3"),
        "D-": Decimal("0.3"),
    }
    t0 = time.perf_counter()
    outcome = draw(seed="bench", entries=entries, ratios=ratios, officers=officers)
    print(
        f"the algorithm alone over {n} entries: {time.perf_counter() - t0:.2f} s, {len(outcome.drawn)} drawn"
    )
    print(f"inspections recorded in all: {Inspection.objects.count()}")


if __name__ == "__main__":
    main()
