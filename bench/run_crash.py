"""A yearly run killed part-way and run again: how long after the restart does it complete?

Usage: .venv/bin/python bench/run_crash.py --subjects 100000 --records-per-subject 5 \
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_run_resume_bench] [--kill-at 0.5]

Creates (drops first) the database, migrates it and generates the county of ``bench/grading.py``;
then runs ``manage.py yearly_run --as-of 2026-12-15 --scheme public`` in the embedded mode (tasks
inline, the settings' defaults: chunks of 5,000, a beat every 5 s, lost after 30 s without one), kills
it with SIGKILL mid-chunk once ``--kill-at`` of its chunks are done, starts the same command again and
prints how long the first run took until the kill, how long the second took to complete the run, and
whether every subject was graded exactly once.
"""

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generator():
    spec = importlib.util.spec_from_file_location("bench_grading", ROOT / "bench" / "grading.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--records-per-subject", type=int, default=5)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_run_resume_bench"
    )
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction of the chunks done at the kill")
    args = parser.parse_args()
    name = args.database_url.rsplit("/", 1)[1]
    subprocess.run(
        ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DJANGO_SETTINGS_MODULE="creditreg.settings.base", DATABASE_URL=args.database_url)
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        generator()(cursor, args.subjects, args.records_per_subject)
    print(f"county: {args.subjects:,} subjects, {args.subjects * args.records_per_subject:,} records")

    def chunks() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT status, COUNT(*) FROM grading_runchunk GROUP BY status")
            return dict(cursor.fetchall())

    command = [sys.executable, "manage.py", "yearly_run", "--as-of", "2026-12-15", "--scheme", "public"]
    started = time.monotonic()
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        state = chunks()
        total = sum(state.values())
        if total and state.get("done", 0) >= args.kill_at * total and state.get("running"):
            break
        if first.poll() is not None:
            sys.exit("the run finished before it could be killed; use more subjects")
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_after = time.monotonic() - started
    state = chunks()
    print(
        f"killed after {killed_after:.1f} s: {state.get('done', 0)}/{sum(state.values())} chunks done, "
        f"{state.get('running', 0)} running (lost with the process)"
    )
    restarted = time.monotonic()
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.monotonic() - restarted
    print(second.stdout.strip())
    if second.returncode:
        sys.exit(second.stderr[-3000:])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT subject_id) FROM grading_grade WHERE run_id IS NOT NULL"
        )
        grades, distinct = cursor.fetchone()
        cursor.execute("SELECT COUNT(*), SUM(attempts) FROM grading_runchunk")
        total, attempts = cursor.fetchone()
    print(
        f"restarted: the run completed {took:.1f} s after the restart; {grades:,} grades for "
        f"{distinct:,} distinct subjects of {args.subjects:,}; {attempts} attempts for {total} chunks"
    )


if __name__ == "__main__":
    main()
