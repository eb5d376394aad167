"""Benchmark: chain and verify N audit entries (issue 13: 1,000,000 verified in under a minute).

Usage: .venv/bin/python bench/audit_verify.py [--entries 1000000] [--hash sm3|sha256]
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_audit_bench | sqlite:///PATH]

Creates (drops first, on PostgreSQL) a throwaway database, migrates it, and writes N audit entries
in the database itself (INSERT … SELECT over a series; each entry a subject registration with a
realistic ``after`` snapshot, about 300 bytes). Then prints:
  (a) the chaining step over the whole backlog (``audit_chain_extend``): wall time, entries per second;
  (b) ``manage.py audit_verify --read-only`` as an operator runs it, in its own process: wall time,
      peak memory, and its output;
  (c) the same after changing one entry in the middle: exit code and the ``first bad entry`` line.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AFTER_FIELDS = (
    "'kind', 'legal', 'code', '91411323' || printf_code, 'name', '西峡县测试' || n || '有限公司', "
    "'address', '河南省南阳市西峡县紫金路' || n || '号', 'phone', '', 'legal_representative', NULL, "
    "'registered_capital', '1000000.00', 'established_on', '2015-06-01'"
)


def build(connection, entries: int) -> None:
    from django.contrib.contenttypes.models import ContentType

    from subjects.models import Subject

    content_type = ContentType.objects.get_for_model(Subject).pk
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            fields = AFTER_FIELDS.replace("printf_code", "lpad(n::text, 10, '0')")
            cursor.execute(
                "INSERT INTO audit_auditlog (created_at, actor_label, action, target_type_id, target_id, "
                "target_repr, before, after, reason, chain_hash, hash_algorithm) "
                "SELECT now() - (%s - n) * interval '1 second', 'system', 'subject.create', %s, n::text, "
                f"'西峡县测试' || n || '有限公司', NULL, jsonb_build_object({fields}), '', '', '' "
                "FROM generate_series(1, %s) AS n",
                [entries, content_type, entries],
            )
        else:
            fields = AFTER_FIELDS.replace("printf_code", "printf('%010d', n)")
            cursor.execute(
                "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
                "INSERT INTO audit_auditlog (created_at, actor_label, action, target_type_id, target_id, "
                "target_repr, before, after, reason, chain_hash, hash_algorithm) "
                "SELECT strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || (%s - n) || ' seconds'), "
                "'system', 'subject.create', %s, CAST(n AS TEXT), '西峡县测试' || n || '有限公司', NULL, "
                f"json_object({fields}), '', '', '' FROM s",
                [entries, entries, content_type],
            )
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--hash", choices=["sm3", "sha256"], default="sm3")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_audit_bench")
    args = parser.parse_args()
    if args.database_url.startswith("postgres"):
        name = args.database_url.rsplit("/", 1)[1]
        subprocess.run(
            ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    else:
        Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "creditreg.settings.base",
        "DATABASE_URL": args.database_url,
        "CREDITREG_AUDIT_HASH": args.hash,
    }
    env.pop("REDIS_URL", None)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CREDITREG_AUDIT_HASH")})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from audit.models import AuditLog
    from audit.services import audit_chain_extend

    call_command("migrate", verbosity=0)
    AuditLog.objects.filter(seq__isnull=True).count()  # the migrations' own entries stay in the chain
    started = time.perf_counter()
    build(connection, args.entries)
    print(
        f"database {connection.vendor}, {args.entries} entries written in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    done, _more = audit_chain_extend(wait=True)
    elapsed = time.perf_counter() - started
    print(
        f"(a) chaining step: {done} entries in {elapsed:.1f} s ({done / elapsed:,.0f} entries/s, {args.hash})"
    )
    connection.close()

    def verify() -> tuple[int, float, str]:
        started = time.perf_counter()
        proc = subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "%e s wall, %U s user, %S s system, peak memory %M KB",
                sys.executable,
                "manage.py",
                "audit_verify",
                "--read-only",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        return proc.returncode, time.perf_counter() - started, (proc.stdout + proc.stderr).strip()

    code, elapsed, output = verify()
    print(f"(b) audit_verify: exit {code} in {elapsed:.1f} s ({done / elapsed:,.0f} entries/s)\n    {output}")

    middle = (
        AuditLog.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", flat=True)[done // 2]
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_auditlog SET reason = 'changed' WHERE seq = %s", [middle])
    connection.close()
    code, elapsed, output = verify()
    print(f"(c) after changing entry {middle}: exit {code} in {elapsed:.1f} s\n    {output}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
