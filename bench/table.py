"""``make bench``: the bench county, every operation against a limit measured in the same run.

Usage: .venv/bin/python bench/table.py [--subjects 100000] [--records-per-subject 10]
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_bench] [--redis-url URL]
           [--import-rows 50000] [--push-items 100000] [--lookup-seconds 60] [--lookup-rate 200]
           [--skip grading,workers,import,push,lookup] [--keep] [--reuse]

Creates (drops first) the database, migrates it, generates the county of ``bench/grading.py``, then
times each operation through the real code and beside it a limit on the same data, in this run:

  first night (every grade written)      one statement per scheme: the compiled grading query with its
                                          reasons, one row per subject written to a table
  nightly, nothing changed               the hand-written window aggregate (one GROUP BY per subject)
  yearly run (embedded; and on 1 and 2    the same one statement per scheme
    Celery worker processes)
  single-subject regrade, p99            reading that subject's records (one query), p99
  import of N rows (import_records)      COPY of the same rows (subjects and records) into copies of
                                          the two tables with their indexes
  push of N items (push_outbox, file)    the same JSON Lines written by plain Python from one query
  public look-up, p95 at R requests/s    a static response of the same body through the same gunicorn

and prints one table with the ratio. The database is dropped at the end unless ``--keep``; ``--reuse``
measures on the county such a run left (the push needs that run's yearly run of the day: skip it
along with the grading rows only on a database that has one).
"""

import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable


@dataclass
class Row:
    operation: str
    seconds: float
    limit: str
    limit_seconds: float | None
    unit: str = "s"
    target: str = ""

    def ratio(self) -> str:
        if not self.limit_seconds:
            return "-"
        return f"{self.seconds / self.limit_seconds:.2f}x"


def fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "rps":
        return f"{value:,.0f} req/s"
    return f"{value:.1f} s"


def table(rows: list[Row], header: str) -> str:
    lines = [header, ""]
    lines.append("| operation | time | limit (same run, same data) | limit's time | ratio | target |")
    lines.append("|---|---:|---|---:|---:|---|")
    for r in rows:
        limit = fmt(r.limit_seconds, r.unit) if r.limit_seconds is not None else "-"
        lines.append(
            f"| {r.operation} | {fmt(r.seconds, r.unit)} | {r.limit} | {limit} | {r.ratio()} | {r.target} |"
        )
    return "\n".join(lines)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--records-per-subject", type=int, default=10)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_bench")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--push-items", type=int, default=100_000)
    parser.add_argument("--tries", type=int, default=1000)
    parser.add_argument("--lookup-seconds", type=int, default=60)
    parser.add_argument("--lookup-step-seconds", type=int, default=20)
    parser.add_argument("--lookup-rate", type=int, default=200)
    parser.add_argument("--skip", default="", help="comma-separated: grading,workers,import,push,lookup")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the county a run with --keep left (same size) instead of building it again",
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    name = args.database_url.rsplit("/", 1)[1]
    dropdb = ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name]
    reuse = args.reuse and database_exists(args.database_url)
    if not reuse:
        subprocess.run(dropdb, check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "creditreg.settings.base",
        "DATABASE_URL": args.database_url,
    }
    env.pop("REDIS_URL", None)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    load = [os.getloadavg()]
    version = server_version(args.database_url)
    call_command("migrate", verbosity=0)
    spec = importlib.util.spec_from_file_location("bench_grading", ROOT / "bench" / "grading.py")
    bench_grading = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_grading)
    n, per = args.subjects, args.records_per_subject
    if reuse:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM subjects_subject")
            print(f"reusing the county of {cursor.fetchone()[0]:,} subjects", flush=True)
    else:
        seconds, _ = timed(lambda: bench_grading.generate(connection.cursor(), n, per))
        print(f"generated {n:,} subjects and {n * per:,} records in {seconds:.1f} s", flush=True)
    rows: list[Row] = []
    try:
        if "grading" not in skip:
            grading_rows(args, rows, connection, env, skip)
        if "import" not in skip:
            rows.append(import_row(args, connection, env))
        if "push" not in skip:
            rows.append(push_row(args, connection, env))
        if "lookup" not in skip:
            rows += lookup_rows(args, connection, env)
    finally:
        load.append(os.getloadavg())
        connection.close()
        if not args.keep:
            subprocess.run(dropdb, check=True)
    header = (
        f"{n:,} subjects, {n * per:,} records, PostgreSQL {version}, "
        f"{os.cpu_count()} cores; load average (1/5/15 min) before "
        f"{'/'.join(f'{x:.1f}' for x in load[0])}, after {'/'.join(f'{x:.1f}' for x in load[1])}"
    )
    print()
    print(table(rows, header))


def database_exists(url: str) -> bool:
    done = subprocess.run(["psql", url, "-Atc", "SELECT 1"], capture_output=True, text=True, check=False)
    return done.returncode == 0


def server_version(url: str) -> str:
    done = subprocess.run(
        ["psql", url, "-Atc", "SHOW server_version"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip().split(" ")[0] or "?"


def log(text: str) -> None:
    print(text, flush=True)


# --- grading -----------------------------------------------------------------------------------------


def one_statement(connection, as_of: datetime.date) -> float:
    """The limit of a full grading: per scheme, the compiled grading query (reads the window, scores
    every subject of the population with its reasons) written as one row per subject to a new table
    and committed."""
    from django.db import transaction

    from grading.compiled import compiled_session, outcomes_sql
    from grading.population import Population
    from grading.services import grading_targets, version_published

    total = 0.0
    for scheme, department in grading_targets():
        version = version_published(scheme=scheme, department=department)
        population = Population.of(version=version, department=department)
        sql, params = outcomes_sql(version=version, department=department, as_of=as_of, population=population)
        # In a transaction, as the engine runs it (compiled_session's settings are the transaction's),
        # timed to its commit: rows written are durable only then, for the limit as for the engine.
        with connection.cursor() as cursor:
            started = time.perf_counter()
            with transaction.atomic():
                compiled_session(cursor)
                cursor.execute(f"CREATE TABLE bench_limit AS {sql}", params)
            total += time.perf_counter() - started
            cursor.execute("DROP TABLE bench_limit")
    return total


WINDOW_AGGREGATE = """
    SELECT r.subject_id, count(*), sum(r.fine_total),
           sum(CASE r.severity WHEN 'minor' THEN -10 WHEN 'general' THEN -50 WHEN 'serious' THEN -150 ELSE 0 END),
           max(CASE r.severity WHEN 'serious' THEN 3 WHEN 'general' THEN 2 WHEN 'minor' THEN 1 ELSE 0 END),
           string_agg(r.document_number, ',')
    FROM records_creditrecord r
    WHERE r.status IN ('effective', 'expired') AND r.is_current
      AND r.decision_date > %s::date - 365 AND r.decision_date <= %s::date
    GROUP BY r.subject_id
"""


def window_aggregate(connection, as_of: datetime.date) -> float:
    """The limit of a night when nothing changed: one pass over the window per scheme that has
    subjects to grade (a department version whose department has no subjects yet costs nothing)."""
    from grading.population import Population
    from grading.services import grading_targets, version_published
    from subjects.models import Subject

    total = 0.0
    for scheme, department in grading_targets():
        version = version_published(scheme=scheme, department=department)
        population = Population.of(version=version, department=department)
        if not Subject.objects.filter(population.subject_q("pk")).exists():
            continue
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(WINDOW_AGGREGATE, [as_of, as_of])
            cursor.fetchall()
            total += time.perf_counter() - started
    return total


def grading_rows(args, rows: list[Row], connection, env: dict, skip: set) -> None:
    import logging

    from django.utils import timezone

    from grading.models import EvaluationRun, GradeSource, RunStatus
    from grading.runs import yearly_runs_start
    from grading.services import grading_targets, regrade_all

    logging.basicConfig(level=logging.WARNING, format="    %(message)s")
    logging.getLogger("grading.services").setLevel(logging.INFO)
    today = timezone.localdate()
    schemes = len(grading_targets())
    window_aggregate(connection, today)  # warm the cache for both sides alike
    limit = one_statement(connection, today)
    log(f"one statement per scheme ({schemes} schemes): {limit:.1f} s")
    first, _ = timed(regrade_all, as_of=today, source=GradeSource.NIGHTLY)
    log(f"first night: {first:.1f} s")
    rows.append(
        Row(
            "first night (regrade_all, every grade written)",
            first,
            "one statement per scheme",
            limit,
            target="≤ 1.2x",
        )
    )
    aggregate = window_aggregate(connection, today)
    nothing, _ = timed(regrade_all, as_of=today, source=GradeSource.NIGHTLY)
    log(f"nightly, nothing changed: {nothing:.1f} s; window aggregate {aggregate:.1f} s")
    rows.append(
        Row(
            "nightly, nothing changed",
            nothing,
            "window aggregate per scheme with subjects",
            aggregate,
            target="≤ 1.2x",
        )
    )
    tomorrow = today + datetime.timedelta(days=1)
    next_day, _ = timed(regrade_all, as_of=tomorrow, source=GradeSource.NIGHTLY)
    next_aggregate = window_aggregate(connection, tomorrow)
    rows.append(
        Row(
            "nightly, the next day (records left the window)",
            next_day,
            "window aggregate per scheme with subjects",
            next_aggregate,
        )
    )
    regrade_all(as_of=today, source=GradeSource.NIGHTLY)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE grading_grade")
    p99, read_p99 = single_regrade(args, connection)
    rows.append(
        Row(
            "single-subject regrade (all schemes), p99",
            p99,
            "reading its records, p99",
            read_p99,
            unit="ms",
            target="≤ 10 ms",
        )
    )

    limit = one_statement(connection, today)
    yearly, started = timed(yearly_runs_start, as_of=today)
    done = EvaluationRun.objects.filter(pk__in=[r.pk for r, _c, _s in started], status=RunStatus.COMPLETED)
    log(
        f"yearly run (embedded, chunks in turn): {yearly:.1f} s, {done.count()}/{len(started)} runs completed"
    )
    rows.append(
        Row(
            "yearly run from scratch (chunks in this process)",
            yearly,
            "one statement per scheme",
            limit,
            target="≤ 1.2x",
        )
    )
    if "workers" not in skip:
        if not args.redis_url:
            log("(no --redis-url / REDIS_URL: the yearly run on Celery workers is not measured)")
        else:
            times = {}
            for processes, days in ((1, 1), (2, 2)):
                try:
                    times[processes] = yearly_on_workers(
                        args, env, processes, today - datetime.timedelta(days=days)
                    )
                except Exception as exc:  # no broker here: the table goes on without these rows
                    log(f"(the yearly run on {processes} worker process(es) was not measured: {exc})")
                    break
                rows.append(
                    Row(
                        f"yearly run on {processes} Celery worker process(es)",
                        times[processes],
                        "one statement per scheme",
                        limit,
                        target="≤ 1.2x",
                    )
                )
            if len(times) == 2:
                rows.append(
                    Row(
                        "yearly run, 2 worker processes against 1",
                        times[2],
                        "1 worker process",
                        times[1],
                        target="≤ 0.62x (≥ 1.6x faster)",
                    )
                )
            nights = {}
            for processes, days in ((1, 2), (2, 3)):
                try:
                    nights[processes] = nightly_on_workers(
                        args, env, processes, today + datetime.timedelta(days=days)
                    )
                except Exception as exc:
                    log(f"(the nightly on {processes} worker process(es) was not measured: {exc})")
                    break
            if len(nights) == 2:
                rows.append(
                    Row(
                        "nightly (a later day) on 2 worker processes against 1",
                        nights[2],
                        "1 worker process",
                        nights[1],
                        target="≤ 0.62x (≥ 1.6x faster)",
                    )
                )


def single_regrade(args, connection) -> tuple[float, float]:
    from grading.services import regrade_subjects

    rng = random.Random(3)
    regrade, read = [], []
    for _ in range(args.tries):
        sid = rng.randint(1, args.subjects)
        started = time.perf_counter()
        regrade_subjects(subject_ids=[sid])
        regrade.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT * FROM records_creditrecord WHERE subject_id = %s AND is_current "
                "AND decision_date > current_date - 365",
                [sid],
            )
            cursor.fetchall()
        read.append((time.perf_counter() - started) * 1000)
    regrade.sort()
    read.sort()
    p99 = int(len(regrade) * 0.99) - 1
    log(f"single regrade: p50 {statistics.median(regrade):.1f} ms, p99 {regrade[p99]:.1f} ms")
    return regrade[p99], read[p99]


@contextlib.contextmanager
def celery_worker(args, env: dict, processes: int):
    """One Celery worker of ``processes`` processes on the bench database; yields the environment of a
    process that sends it tasks."""
    import redis

    broker_env = {**env, "REDIS_URL": args.redis_url, "CELERY_TASK_ALWAYS_EAGER": "false"}
    client = redis.Redis.from_url(args.redis_url)
    client.delete("creditreg", "unacked", "unacked_index", "unacked_mutex")
    logfile = tempfile.NamedTemporaryFile("w+", prefix="bench-worker-", suffix=".log", delete=False)
    node = f"bench-{os.getpid()}-{processes}@localhost"
    worker = subprocess.Popen(
        [
            PY,
            "-m",
            "celery",
            "-A",
            "creditreg",
            "worker",
            "--pool=prefork",
            f"--concurrency={processes}",
            "--loglevel=INFO",
            "-n",
            node,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=broker_env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in Path(logfile.name).read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start: {Path(logfile.name).read_text()[-2000:]}")
            time.sleep(0.5)
        yield broker_env
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
        client.delete("creditreg", "unacked", "unacked_index", "unacked_mutex")
        client.close()
        logfile.close()
        os.unlink(logfile.name)


def on_workers(args, env: dict, processes: int, argv: list[str], label: str) -> float:
    """The wall time of ``argv`` (a process that sends tasks and waits for them) with one Celery worker
    of ``processes`` processes taking them."""
    with celery_worker(args, env, processes) as broker_env:
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env=broker_env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    log(f"{label} on {processes} worker process(es): {seconds:.1f} s, exit {done.returncode}")
    log("    " + (done.stdout.strip() or done.stderr[-2000:]).replace("\n", "\n    "))
    if done.returncode:
        raise RuntimeError(f"the {label} on workers failed")
    return seconds


def yearly_on_workers(args, env: dict, processes: int, as_of: datetime.date) -> float:
    """The yearly run as of ``as_of`` (``manage.py yearly_run``, which waits for it)."""
    argv = [PY, "manage.py", "yearly_run", "--as-of", as_of.isoformat()]
    return on_workers(args, env, processes, argv, "yearly run")


NIGHTLY_ON_WORKERS = """
import datetime, sys, django
django.setup()
from celery.result import AsyncResult
from creditreg.celery import app
from grading.tasks import regrade_all_task
sent = regrade_all_task.delay(sys.argv[1]).get(timeout=3600)
for task_id in sent["tasks"]:
    AsyncResult(task_id, app=app).get(timeout=3600)
print(f"{sent['blocks']} blocks")
"""


def nightly_on_workers(args, env: dict, processes: int, as_of: datetime.date) -> float:
    """The nightly regrade as of ``as_of`` sent as on a deployment (``grading.regrade_all``: one task
    per block of subject ids), until every block is done."""
    return on_workers(args, env, processes, [PY, "-c", NIGHTLY_ON_WORKERS, as_of.isoformat()], "nightly")


# --- import ------------------------------------------------------------------------------------------


def import_row(args, connection, env: dict) -> Row:
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import_records.py")
    bench_import = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_import)
    workdir = Path(tempfile.mkdtemp(prefix="bench-table-"))
    path = workdir / "records.csv"
    bench_import.build_csv(path, args.import_rows)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM records_creditrecord")
        records_before = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) FROM subjects_subject")
        subjects_before = cursor.fetchone()[0]
    started = time.perf_counter()
    done = subprocess.run(
        [PY, "manage.py", "import_records", "--department", "fgw", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    log(
        f"import of {args.import_rows:,} rows: {seconds:.1f} s, exit {done.returncode}: {done.stdout.strip()[-300:]}"
    )
    if done.returncode:
        log(done.stderr[-2000:])
    # The limit: the rows the import wrote, COPYed into copies of the tables with their indexes.
    copy_seconds = 0.0
    raw = connection.connection
    for table_name, before in (
        ("subjects_subject", subjects_before),
        ("records_creditrecord", records_before),
    ):
        import io

        buffer = io.StringIO()
        with raw.cursor() as cursor:
            cursor.copy_expert(f"COPY (SELECT * FROM {table_name} WHERE id > {before}) TO STDOUT", buffer)
            cursor.execute(f"CREATE TABLE bench_copy (LIKE {table_name} INCLUDING ALL)")
            raw.commit()
            buffer.seek(0)
            started = time.perf_counter()
            cursor.copy_expert("COPY bench_copy FROM STDIN", buffer)
            raw.commit()
            copy_seconds += time.perf_counter() - started
            cursor.execute("DROP TABLE bench_copy")
            raw.commit()
    path.unlink()
    workdir.rmdir()
    log(f"COPY of the same rows: {copy_seconds:.1f} s")
    return Row(
        f"import of {args.import_rows:,} rows (import_records)",
        seconds,
        "COPY of the same rows",
        copy_seconds,
        target="≤ 20 s (50k)",
    )


# --- push --------------------------------------------------------------------------------------------


def push_row(args, connection, env: dict) -> Row:
    """The yearly run of ``public`` published (its grades queued for the platform), ``--push-items``
    of them kept and pushed through the file transport as an operator does."""
    from django.utils import timezone

    from exchange.models import OutboxItem
    from exchange.transports import envelope
    from grading.models import EvaluationRun
    from grading.runs import run_publish

    run = EvaluationRun.objects.get(scheme__code="public", department=None, as_of=timezone.localdate())
    seconds, _ = timed(run_publish, actor=None, run=run)
    log(f"run_publish: {seconds:.1f} s, {OutboxItem.objects.count():,} items queued")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM exchange_outboxitem WHERE id > (SELECT id FROM exchange_outboxitem ORDER BY id "
            "OFFSET %s LIMIT 1)",
            [args.push_items - 1],
        )
    items = OutboxItem.objects.count()
    workdir = Path(tempfile.mkdtemp(prefix="bench-push-"))
    started = time.perf_counter()
    done = subprocess.run(
        [PY, "manage.py", "push_outbox", "--transport", "file", "--dir", str(workdir / "drop")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    lines = sum(1 for f in (workdir / "drop").glob("*.jsonl") for _ in f.open(encoding="utf-8"))
    log(f"push of {items:,} items: {seconds:.1f} s, exit {done.returncode}, {lines:,} lines")
    if done.returncode:
        log(done.stderr[-2000:])
    # The limit: the same lines, from one query, by plain Python.
    started = time.perf_counter()
    with connection.cursor() as cursor, open(workdir / "plain.jsonl", "w", encoding="utf-8") as out:
        cursor.execute("SELECT idempotency_key, type, payload FROM exchange_outboxitem ORDER BY id")
        for key, kind, payload in cursor.fetchall():
            if isinstance(payload, str):
                payload = json.loads(payload)
            item = {"idempotency_key": key, "type": kind, "payload": payload}
            out.write(json.dumps(envelope(item), ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
    plain = time.perf_counter() - started
    log(f"the same JSON Lines by plain Python: {plain:.1f} s")
    for f in sorted(workdir.rglob("*"), reverse=True):
        f.unlink() if f.is_file() else f.rmdir()
    workdir.rmdir()
    return Row(
        f"push of {items:,} items (push_outbox, file)",
        seconds,
        "same JSON Lines, plain Python",
        plain,
        target="≤ 20 s (100k)",
    )


# --- look-up -----------------------------------------------------------------------------------------

PORT_APP, PORT_STATIC = 18431, 18432


def gunicorn(env: dict, app: str, port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [PY, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    import urllib.request

    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except Exception as exc:  # not up yet (or a 404: up)
            if getattr(exc, "code", None):
                return proc
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {app} did not start") from exc
            time.sleep(0.5)


def locust(args, kind: str, port: int, rate: int, seconds: int, static_of: str = "") -> dict:
    """One bounded locust run; the aggregated p95 (ms), the rate achieved and the failures."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-locust-"))
    users = max(1, rate // 2)
    env = {
        **os.environ,
        "LOOKUP_KIND": kind,
        "LOOKUP_STATIC_OF": static_of,
        "LOOKUP_SUBJECTS": str(args.subjects),
        "LOOKUP_USER_RATE": str(rate / users),
        "PYTHONPATH": str(ROOT / "bench"),
    }
    subprocess.run(
        [
            str(Path(PY).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "lookup_locust.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(workdir / "run"),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--stop-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    import csv

    with open(workdir / "run_stats.csv", encoding="utf-8") as handle:
        total = [r for r in csv.DictReader(handle) if r["Name"] == "Aggregated"][0]
    for f in workdir.iterdir():
        f.unlink()
    workdir.rmdir()
    result = {
        "p95": float(total["95%"]),
        "rate": float(total["Requests/s"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
    }
    log(f"    locust {kind}{'/' + static_of if static_of else ''} at {rate}/s for {seconds} s: {result}")
    return result


def lookup_rows(args, connection, env: dict) -> list[Row]:
    import urllib.request

    rate = "1000000/minute"
    app_env = {
        **env,
        "CREDITREG_PUBLIC_API_RATE": rate,
        "CREDITREG_PUBLIC_PAGES_RATE": rate,
        "CREDITREG_PUBLIC_IDENTITY_RATE": rate,
        # Connections kept between requests, as a deployment should (DJANGO_CONN_MAX_AGE): a new
        # PostgreSQL connection per request costs more than the look-up itself.
        "DJANGO_CONN_MAX_AGE": env.get("DJANGO_CONN_MAX_AGE", "60"),
    }
    workers = max(2, (os.cpu_count() or 1) + 1)
    server = gunicorn(app_env, "creditreg.wsgi:application", PORT_APP, workers)
    rows = []
    try:
        rng = random.Random(5)
        sys.path.insert(0, str(ROOT / "bench"))
        from lookup_paths import lookup_path

        sample = codes_sample(args, connection)
        for kind, label in (
            ("code_api", "look-up by code, API"),
            ("code_page", "look-up by code, page"),
            ("name_api", "search by part of a name, API"),
            ("name_page", "search by part of a name, page"),
        ):
            with urllib.request.urlopen(
                f"http://127.0.0.1:{PORT_APP}{lookup_path(kind, rng, sample, args.subjects)}"
            ) as answer:
                body, content_type = answer.read(), answer.headers["Content-Type"]
            body_path = Path(tempfile.mkstemp(prefix="bench-static-")[1])
            body_path.write_bytes(body)
            static = gunicorn(
                {**env, "BENCH_STATIC_BODY": str(body_path), "BENCH_STATIC_TYPE": content_type},
                "bench.static_wsgi:application",
                PORT_STATIC,
                workers,
            )
            try:
                for _ in range(10 * workers):  # every worker has loaded its views and templates
                    urllib.request.urlopen(
                        f"http://127.0.0.1:{PORT_APP}{lookup_path(kind, rng, sample, args.subjects)}"
                    ).read()
                held = locust(args, kind, PORT_APP, args.lookup_rate, args.lookup_seconds)
                limit = locust(args, "static", PORT_STATIC, args.lookup_rate, args.lookup_seconds, kind)
            finally:
                static.terminate()
                static.wait(timeout=30)
                body_path.unlink()
            rows.append(
                Row(
                    f"{label}, p95 at {args.lookup_rate}/s for {args.lookup_seconds} s "
                    f"({held['requests']:,} requests, {held['failures']} failed)",
                    held["p95"],
                    "static response, same body",
                    limit["p95"],
                    unit="ms",
                    target="≤ 50 ms",
                )
            )
            best = highest_rate(args, kind, held)
            rows.append(Row(f"{label}, highest rate tried with p95 ≤ 50 ms", best, "-", None, unit="rps"))
    finally:
        server.terminate()
        server.wait(timeout=30)
        Path(os.environ.pop("LOOKUP_CODES_FILE")).unlink()
    return rows


def holds(result: dict, rate: int) -> bool:
    return result["p95"] <= 50 and not result["failures"] and result["rate"] >= 0.9 * rate


def highest_rate(args, kind: str, first: dict) -> int:
    """The highest rate whose p95 stays ≤ 50 ms (short runs of ``--lookup-step-seconds``): halving from
    the target rate or doubling from it, then the rate half-way to the first that failed."""
    rate = args.lookup_rate
    if holds(first, rate):
        while rate < 16 * args.lookup_rate and holds(
            locust(args, kind, PORT_APP, rate * 2, args.lookup_step_seconds), rate * 2
        ):
            rate *= 2
    else:
        while True:
            if rate <= 10:
                return 0
            rate //= 2
            if holds(locust(args, kind, PORT_APP, rate, args.lookup_step_seconds), rate):
                break
    between = rate * 3 // 2
    if rate < 16 * args.lookup_rate and holds(
        locust(args, kind, PORT_APP, between, args.lookup_step_seconds), between
    ):
        return between
    return rate


def codes_sample(args, connection, size: int = 10_000) -> list[str]:
    """Valid codes (the generator's are not: a look-up by code checks them) for a sample of the bench
    subjects spread over the county, written to ``LOOKUP_CODES_FILE`` for the load generator."""
    from subjects.identifiers import org_code_check_char, uscc_check_char

    step = max(1, args.subjects // size)
    sample = []
    with connection.cursor() as cursor:
        for number, subject_id in enumerate(range(1, args.subjects + 1, step)):
            body = f"B{number:07d}"
            first17 = "91411323" + body + org_code_check_char(body)
            sample.append((subject_id, first17 + uscc_check_char(first17)))
        cursor.execute(
            "UPDATE subjects_subject s SET code = v.code FROM unnest(%s::int[], %s::text[]) AS v(id, code) "
            "WHERE s.id = v.id",
            [[i for i, _c in sample], [c for _i, c in sample]],
        )
    path = Path(tempfile.mkstemp(prefix="bench-codes-")[1])
    path.write_text("\n".join(c for _i, c in sample), encoding="utf-8")
    os.environ["LOOKUP_CODES_FILE"] = str(path)
    return [c for _i, c in sample]


if __name__ == "__main__":
    main()
