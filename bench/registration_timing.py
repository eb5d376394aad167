"""Timing of the registration page for a free and for a taken user name (issue 13 #6).

The page answers both the same; this prints how long each takes through the real view, so a timing
difference that would betray a taken name can be seen (the taken branch hashes the password too).

Usage: .venv/bin/python bench/registration_timing.py [--tries 40]
Runs on a throwaway SQLite database with the production password hasher.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=40)
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "creditreg.settings.base"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    settings.CREDITREG_ACCOUNT_LINK_RATES = {
        "register_address": "100000/hour",
        "register_subject": "100000/hour",
    }
    call_command("migrate", verbosity=0)
    from tests.factories import make_uscc

    def post(username: str, n: int) -> float:
        client = Client(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250}")
        data = {
            "kind": "legal_person",
            "code": make_uscc(),
            "name": "基准测试有限公司",
            "contact_name": "赵联系",
            "phone": "13800000000",
            "email": "bench@example.cn",
            "username": username,
            "password": "Bench-pass-2026!",
        }
        start = time.perf_counter()
        response = client.post("/portal/register/", data)
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        return elapsed * 1000

    post("taken-name", 0)
    free, taken = [], []
    for i in range(args.tries):  # interleaved, so both see the same machine load
        free.append(post(f"free-{i}", 2 * i + 1))
        taken.append(post("taken-name", 2 * i + 2))
    for label, values in (("free user name", free), ("taken user name", taken)):
        values.sort()
        print(
            f"{label:16s} median {statistics.median(values):7.1f} ms   "
            f"p10 {values[len(values) // 10]:7.1f} ms   p90 {values[len(values) * 9 // 10]:7.1f} ms"
        )


if __name__ == "__main__":
    main()
