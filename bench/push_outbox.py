"""Benchmark: publish a yearly run of N grades and push them through the file transport.

Usage: .venv/bin/python bench/push_outbox.py [--grades 100000] [--batch-size N]
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_exchange_bench | sqlite:///PATH]

Creates (drops first, on PostgreSQL) a throwaway database, migrates it, writes N subjects and a
completed ``public`` run with one grade each (bulk inserts: the grading engine is not what is
measured here), then prints:
  (a) ``run_publish`` — the grades queued for the platform in the publishing transaction (INSERT … SELECT);
  (b) ``manage.py push_outbox --transport file --dir DIR`` as an operator runs it (with the default
      batch size unless ``--batch-size``): wall time, items per second, files and bytes written, and
      that every grade is one JSON line;
  (c) the same command again: nothing left to deliver.
"""

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grades", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, help="default: the command's (EXCHANGE_FILE_BATCH_SIZE)")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_exchange_bench"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-push-"))
    if args.database_url.startswith("postgres"):
        name = args.database_url.rsplit("/", 1)[1]
        subprocess.run(
            ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "creditreg.settings.base",
        "DATABASE_URL": args.database_url,
    }
    env.pop("REDIS_URL", None)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from exchange.models import OutboxItem, OutboxStatus
    from grading.models import EvaluationRun, Grade, GradeSource, RunStatus, Scheme, SchemeVersion
    from grading.runs import run_publish
    from subjects.models import Subject

    call_command("migrate", verbosity=0)
    n = args.grades
    started = time.perf_counter()
    Subject.objects.bulk_create(
        (Subject(kind="legal_person", code=f"91411323{i:010d}", name=f"推送测试企业{i}") for i in range(n)),
        batch_size=5000,
    )
    scheme = Scheme.objects.get(code="public")
    version = SchemeVersion.objects.get(scheme=scheme, status="published")
    as_of = datetime.date(2026, 12, 15)
    run = EvaluationRun.objects.create(
        scheme=scheme, version=version, as_of=as_of, status=RunStatus.COMPLETED, subjects_total=n
    )
    grades = ["A+", "A", "A", "A", "B", "C", "C-", "D"]
    ids = Subject.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)
    Grade.objects.bulk_create(
        (
            Grade(
                subject_id=sid,
                scheme=scheme,
                version=version,
                as_of=as_of,
                grade=grades[i % len(grades)],
                score=1000 - (i % 300),
                reasons=[{"rule": "基础分", "points": 1000, "documents": []}],
                source=GradeSource.YEARLY,
                is_current=False,
                run=run,
            )
            for i, sid in enumerate(ids)
        ),
        batch_size=5000,
    )
    EvaluationRun.objects.filter(pk=run.pk).update(subjects_graded=n)
    run.refresh_from_db()
    print(f"grades: {n}, database: {connection.vendor}, setup {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    run_publish(actor=None, run=run)
    seconds = time.perf_counter() - started
    queued = OutboxItem.objects.filter(status=OutboxStatus.PENDING).count()
    print(f"(a) run_publish queued {queued:,} grades in {seconds:.1f} s ({queued / seconds:,.0f}/s)")

    drop = workdir / "drop"
    command = [
        sys.executable,
        "manage.py",
        "push_outbox",
        "--transport",
        "file",
        "--dir",
        str(drop),
    ]
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    files = list(drop.iterdir())
    size = sum(f.stat().st_size for f in files) / 1e6
    lines = sum(1 for f in drop.glob("*.jsonl") for _line in f.open(encoding="utf-8"))
    print(
        f"(b) push_outbox: {seconds:.1f} s wall, {queued / seconds:,.0f} items/s, exit {done.returncode}, "
        f"{len(files)} files ({size:.1f} MB), {lines:,} JSON lines, batch size {args.batch_size or 'default'}; "
        f"the command's own CPU time {cpu:.1f} s (the rest is the database and waiting for a CPU; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    print("    " + done.stdout.strip() + done.stderr.strip()[-2000:])
    started = time.perf_counter()
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    print(f"(c) again: {time.perf_counter() - started:.1f} s, {again.stdout.strip()}")
    print(f"    under a minute: {'yes' if seconds < 60 and lines == n else 'NO'}")


if __name__ == "__main__":
    main()
