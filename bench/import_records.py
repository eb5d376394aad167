"""Benchmark: import N rows of the general record template through ``import_records``.

Usage: .venv/bin/python bench/import_records.py [ROWS] [--database-url URL] [--approve]
                                               [--xlsx] [--as-task] [--errors]
Creates a throwaway database (SQLite file in a temp dir unless --database-url is given), migrates it,
writes a CSV (or with ``--xlsx`` a workbook) of ROWS rows (default 50,000: 10,000 subjects, 5 records
each, all new), imports it with the same command a clerk's upload uses, then imports it again (all
duplicates), and prints the times and rates. With ``--approve`` the rows take effect at once (the
credit office's migration of historical data), which also queues every record for the platform; the
outbox count is printed.

With ``--as-task`` the file is instead imported as a web upload's job (``records.import_run``, the
caps raised to fit), in a process of its own whose wall time and peak resident memory are printed;
with ``--errors`` every row is rejected (a decision date in the future) and the error workbook of the
batch is then written, also in a process of its own, with its time and peak memory.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_rows(rows: int, *, errors: bool = False):
    """The header and the rows of the file, as lists of text."""
    from subjects.identifiers import USCC_ALPHABET, org_code_check_char, uscc_check_char

    rng = random.Random(1215)
    subjects = []
    for _ in range(max(1, rows // 5)):
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(8))
        first17 = "91411323" + body + org_code_check_char(body)
        subjects.append((first17 + uscc_check_char(first17), f"西峡县测试{len(subjects)}有限公司"))
    kinds = [
        ("行政处罚", "警告;罚款", "5000"),
        ("行政处罚", "罚款", "20000"),
        ("警告", "", ""),
        ("责令改正", "", ""),
        ("表彰奖励", "", ""),
    ]
    header = (
        "主体名称,主体类别,主体代码,信息类别,决定文书号,决定日期,处罚类别,罚款金额（元）,严重程度,内容".split(
            ","
        )
    )
    body = []
    for i in range(rows):
        code, name = subjects[i % len(subjects)]
        kind, sanctions, fine = kinds[i % len(kinds)]
        day = f"{2099 if errors else 2026}-{1 + i % 10:02d}-{1 + i % 28:02d}"
        body.append(
            [name, "法人", code, kind, f"西发改〔2026〕{i}号", day, sanctions, fine, "", f"事项{i % 7}"]
        )
    return header, body


def build_xlsx(path: Path, rows: int, *, errors: bool = False) -> None:
    from core.xlsx import xlsx_write

    header, body = build_rows(rows, errors=errors)
    with path.open("wb") as handle:
        xlsx_write(handle, title="Sheet1", headers=header, rows=body)


def peak_rss_mb() -> float:
    """The peak resident memory of this process in MB. ``VmHWM`` starts afresh at exec, while
    ``ru_maxrss`` keeps the parent's peak from before it (the parent held the generated rows)."""
    import resource

    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(kind: str, argument: str) -> None:
    """Run in a process of its own: the job of an upload, or the error workbook of a batch."""
    import json
    import resource

    import django

    django.setup()
    from accounts.models import Department
    from records.importing import error_workbook, import_job_run
    from records.models import ImportBatch, ImportUpload

    baseline = peak_rss_mb()
    cpu_before = sum(getattr(resource.getrusage(resource.RUSAGE_SELF), f) for f in ("ru_utime", "ru_stime"))
    started = time.perf_counter()
    if kind == "task":
        path = Path(argument)
        content = path.read_bytes()
        batch = ImportBatch.objects.create(
            department=Department.objects.get(code="fgw"), file_name=path.name, sha256="-"
        )
        ImportUpload.objects.create(batch=batch, content=content)
        del content
        import_job_run(batch_id=batch.pk, language="zh-hans")
        batch.refresh_from_db()
        outcome = {
            "batch": batch.pk,
            "status": batch.status,
            "failure": batch.failure,
            "created": batch.rows_created,
            "rejected": batch.rows_rejected,
        }
    else:
        batch = ImportBatch.objects.get(pk=int(argument))
        outcome = {"bytes": len(error_workbook(batch)), "rejected": batch.rows_rejected}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    outcome["seconds"] = round(time.perf_counter() - started, 1)
    # CPU time of this process: on a shared machine the wall time also counts waiting for a core.
    outcome["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime - cpu_before, 1)
    outcome["peak_rss_mb"] = peak_rss_mb()
    outcome["rss_after_setup_mb"] = baseline
    print(json.dumps(outcome, ensure_ascii=False))


def build_csv(path: Path, rows: int) -> None:
    header, body = build_rows(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.writelines(",".join(row) + "\n" for row in [header, *body])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=50_000)
    parser.add_argument("--database-url")
    parser.add_argument("--approve", action="store_true", help="import with --approve (effective at once)")
    parser.add_argument("--xlsx", action="store_true", help="an .xlsx workbook instead of a CSV")
    parser.add_argument("--as-task", action="store_true", help="import as a web upload's job")
    parser.add_argument("--errors", action="store_true", help="every row rejected; time the error workbook")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "creditreg.settings.base",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if args.xlsx or args.as_task or args.errors:
        csv_path = workdir / ("records.xlsx" if args.xlsx else "records.csv")
        if args.xlsx:
            build_xlsx(csv_path, args.rows, errors=args.errors)
        else:
            header, body = build_rows(args.rows, errors=args.errors)
            csv_path.write_text("\n".join(",".join(r) for r in [header, *body]) + "\n", encoding="utf-8")
    else:
        csv_path = workdir / "records.csv"
        build_csv(csv_path, args.rows)
    size, engine = csv_path.stat().st_size / 1e6, env["DATABASE_URL"].split(":")[0]
    print(f"rows: {args.rows}, file: {csv_path.name} {size:.1f} MB, database: {engine}")
    if args.as_task:
        import json

        env["CREDITREG_IMPORT_MAX_ROWS"] = str(args.rows)
        runs = [("import as a job", str(csv_path))]
        for label, argument in runs:
            done = subprocess.run(
                [python, __file__, "--child", "task", argument],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            print(f"{label}: {done.stdout.strip() or done.stderr[-2000:]}")
        if args.errors and done.returncode == 0:
            batch = json.loads(done.stdout.strip().splitlines()[-1])["batch"]
            done = subprocess.run(
                [python, __file__, "--child", "errors", str(batch)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            print(f"error workbook: {done.stdout.strip() or done.stderr[-2000:]}")
        return
    for label in ("first import (all new)", "second import (all duplicates)"):
        started = time.perf_counter()
        done = subprocess.run(
            [python, "manage.py", "import_records", "--department", "fgw"]
            + (["--approve"] if args.approve else [])
            + [str(csv_path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        print(f"{label}: {seconds:.1f} s wall, {args.rows / seconds:,.0f} rows/s, exit {done.returncode}")
        print("  " + done.stdout.strip())
        if done.returncode != 0:
            print(done.stderr[-2000:])
    count = subprocess.run(
        [
            python,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            "from exchange.models import OutboxItem; print(OutboxItem.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    print(f"outbox items: {count.stdout.strip() or count.stderr[-500:]}")


if __name__ == "__main__":
    main()
