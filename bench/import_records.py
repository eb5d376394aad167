"""Benchmark: import N rows of the general record template through ``import_records``.

Usage: .venv/bin/python bench/import_records.py [ROWS] [--database-url URL] [--approve]
Creates a throwaway database (SQLite file in a temp dir unless --database-url is given), migrates it,
writes a CSV of ROWS rows (default 50,000: 10,000 subjects, 5 records each, all new), imports it
with the same command a clerk's upload uses, then imports it again (all duplicates), and prints the
times and rates. With ``--approve`` the rows take effect at once (the credit office's migration of
historical data), which also queues every record for the platform; the outbox count is printed.
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


def build_csv(path: Path, rows: int) -> None:
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
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(
            "主体名称,主体类别,主体代码,信息类别,决定文书号,决定日期,处罚类别,罚款金额（元）,严重程度,内容\n"
        )
        for i in range(rows):
            code, name = subjects[i % len(subjects)]
            kind, sanctions, fine = kinds[i % len(kinds)]
            day = f"2026-{1 + i % 10:02d}-{1 + i % 28:02d}"
            handle.write(
                f"{name},法人,{code},{kind},西发改〔2026〕{i}号,{day},{sanctions},{fine},,事项{i % 7}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=50_000)
    parser.add_argument("--database-url")
    parser.add_argument("--approve", action="store_true", help="import with --approve (effective at once)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "creditreg.settings.base",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    csv_path = workdir / "records.csv"
    build_csv(csv_path, args.rows)
    size, engine = csv_path.stat().st_size / 1e6, env["DATABASE_URL"].split(":")[0]
    print(f"rows: {args.rows}, file: {size:.1f} MB, database: {engine}")
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
