"""Run by tests/records/test_import_concurrency.py in a process of its own, against an SQLite file:
one thread posts a large upload as a clerk would, while the main thread keeps logging in (a write:
the session and ``last_login``) until the import is over. Prints what happened as JSON.

Usage: python -m tests.records.concurrent_upload ROWS   (DATABASE_URL names the SQLite file)
"""

import json
import sys
import threading
import time


def main(rows: int) -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # logins cost the lock only
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import OperationalError, connection
    from django.test import Client

    from accounts.models import Role
    from records.models import ImportBatch
    from records.spreadsheets import GENERAL_COLUMNS
    from tests.factories import make_uscc, make_user

    clerk = make_user(Role.CLERK, "fgw", username="upload-clerk")
    make_user(Role.REVIEWER, "scjg", username="other-user")
    codes = [make_uscc() for _ in range(max(1, rows // 5))]
    lines = [",".join(GENERAL_COLUMNS)] + [
        f"西峡县测试{i % 5}有限公司,法人,{codes[i % len(codes)]},警告,西发改〔2026〕{i}号,2026-03-02,,,,违规"
        for i in range(rows)
    ]
    content = "\n".join(lines).encode("utf-8")
    connection.close()

    outcome: dict = {"upload_status": None, "upload_seconds": None}

    def upload():
        client = Client()
        client.force_login(clerk)
        started = time.monotonic()
        response = client.post("/records/import/", {"file": SimpleUploadedFile("big.csv", content)})
        outcome["upload_status"] = response.status_code
        outcome["upload_seconds"] = round(time.monotonic() - started, 2)
        connection.close()

    uploader = threading.Thread(target=upload)
    uploader.start()
    logins, failures, during, slowest = 0, [], 0, 0.0
    deadline = time.monotonic() + 600

    def in_progress() -> bool:
        """The import is visibly still at work (committed progress), or the upload request is."""
        batch = ImportBatch.objects.order_by("-pk").first()
        return batch is not None and getattr(batch, "status", "done") in ("queued", "running")

    while time.monotonic() < deadline and (uploader.is_alive() or in_progress()):
        started = time.monotonic()
        try:
            # Through the login page, as a person logs in (the lock-out and the session are written too).
            credentials = {"username": "other-user", "password": "pw-for-tests-2026"}
            response = Client().post("/accounts/login/", credentials)
            ok = response.status_code == 302
        except OperationalError as exc:
            failures.append(str(exc))
        else:
            logins += 1
            # Counted when the import is seen still at work after the login's writes committed.
            during += bool(ok) and in_progress()
            slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.05)
    uploader.join()
    batch = ImportBatch.objects.order_by("-pk").first()
    print(
        json.dumps(
            {
                **outcome,
                "logins_during_import": during,
                "slowest_login_seconds": round(slowest, 2),
                "failures": failures[:5],
                "failure_count": len(failures),
                "logins": logins,
                "status": getattr(batch, "status", "done") if batch else None,
                "created": batch.rows_created if batch else None,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
