import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

# Enough rows that the import outlasts several logins (each hashes a password: ~0.3–2 s here).
ROWS = 20000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_other_users_log_in_on_sqlite_while_a_large_upload_is_imported(tmp_path):
    """SQLite has one writer at a time: an import in one long transaction made every other write (a
    login) fail with "database is locked". The upload now returns at once and the import commits
    chunk by chunk in a thread, so logins keep working throughout."""
    if connection.vendor != "sqlite":
        pytest.skip("about SQLite's single writer; the SQLite suite runs it")
    path = tmp_path / "embedded.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)  # the migrated test database, reference data included
    target.close()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER", "CREDITREG_IMPORT_IN_THREAD")
    }
    env.update(DJANGO_SETTINGS_MODULE="creditreg.settings.base", DATABASE_URL=f"sqlite:///{path}")
    done = subprocess.run(
        [sys.executable, "-m", "tests.records.concurrent_upload", str(ROWS)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["upload_status"] == 302, result
    assert result["failure_count"] == 0, result
    assert result["logins_during_import"] >= 3, result
    assert (result["status"], result["created"]) == ("done", ROWS), result
