"""Benchmark: the nightly regrade with one department scheme against five (SPEC §3.6: every department
grades its own subjects with its own version).

Usage: .venv/bin/python bench/department_schemes.py --subjects 100000 --records-per-subject 10 \
           [--spread all|one] [--database-url postgres://postgres@127.0.0.1:5432/creditreg_bench_depts]

Creates (drops first) the database, migrates it, generates the bench county of ``bench/grading.py``
with the records entered by five departments in turn, switches a fifth department on (a published
version of its own, copied from fgw's), then prints for each setting — fgw's version alone (the other
department versions retired), and all five — the seconds of the nightly regrade of every scheme:
the first night (every grade written) and a second (nothing changed).
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEPARTMENTS = ("fgw", "zjj", "scjg", "zfbz", "sthj")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--records-per-subject", type=int, default=10)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_bench_depts")
    parser.add_argument(
        "--spread",
        choices=["all", "one"],
        default="all",
        help="all: every department has records of every subject (the upper bound); one: each subject's "
        "records come from one department",
    )
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
    import logging

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from grading.models import GradeSource, Scheme, SchemeVersion, VersionStatus
    from grading.services import regrade_all

    # The generator of bench/grading.py (a file named like the app: loaded by its path).
    spec = importlib.util.spec_from_file_location("bench_grading", ROOT / "bench" / "grading.py")
    bench_grading = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_grading)
    generate = bench_grading.generate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        generate(cursor, args.subjects, args.records_per_subject, departments=DEPARTMENTS, spread=args.spread)
    print(
        f"generated {args.subjects:,} subjects and {args.subjects * args.records_per_subject:,} records "
        f"entered by {', '.join(DEPARTMENTS)} (spread: {args.spread}) in {time.perf_counter() - started:.1f} s"
    )
    abc = Scheme.objects.get(code="abc")
    fgw = SchemeVersion.objects.get(scheme=abc, department__code="fgw", status=VersionStatus.PUBLISHED)
    from accounts.models import Department

    fifth = Department.objects.get(code=DEPARTMENTS[-1])
    SchemeVersion.objects.get_or_create(
        scheme=abc,
        department=fifth,
        number=1,
        defaults={
            "status": VersionStatus.PUBLISHED,
            "window_days": fgw.window_days,
            "record_scope": fgw.record_scope,
            "scope_kinds": fgw.scope_kinds,
            "rules": fgw.rules,
            "published_at": timezone.now(),
        },
    )
    others = SchemeVersion.objects.filter(scheme=abc, status=VersionStatus.PUBLISHED).exclude(pk=fgw.pk)
    other_ids = list(others.values_list("pk", flat=True))
    logging.basicConfig(level=logging.WARNING, format="    %(message)s")
    logging.getLogger("grading.services").setLevel(logging.INFO)
    today = timezone.localdate()
    results = {}
    for label, published in (("public + fgw's A/B/C", False), ("public + five departments' A/B/C", True)):
        SchemeVersion.objects.filter(pk__in=other_ids).update(
            status=VersionStatus.PUBLISHED if published else VersionStatus.RETIRED
        )
        for night in ("first night", "nothing changed"):
            started = time.perf_counter()
            counts = regrade_all(as_of=today, source=GradeSource.NIGHTLY)
            seconds = time.perf_counter() - started
            results[(label, night)] = seconds
            graded = {k: v["graded"] for k, v in counts.items()}
            print(f"{label}, {night}: {seconds:.1f} s; graded {graded}")
    print()
    print("| nightly regrade | one department scheme | five | ratio |")
    print("|---|---|---|---|")
    for night in ("first night", "nothing changed"):
        one = results[("public + fgw's A/B/C", night)]
        five = results[("public + five departments' A/B/C", night)]
        print(f"| {night} | {one:.1f} s | {five:.1f} s | {five / one:.2f}x |")
    connection.close()
    subprocess.run(
        ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
    )


if __name__ == "__main__":
    main()
