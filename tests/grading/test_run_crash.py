"""Issue 20 item 0, embedded mode: ``manage.py yearly_run`` grading the chunks inline is killed with
SIGKILL part-way (a power cut); the same command run again finishes the run — the chunk the dead
process was grading included — with every subject graded exactly once.

The command runs as a real process on a database file (SQLite, copied from the test database and back)
or on the PostgreSQL test database, with tasks inline as in the embedded mode."""

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from grading.models import EvaluationRun, RunChunk, RunStatus
from subjects.models import Subject, SubjectKind
from subjects.services import subjects_register_bulk
from tests.conftest import _database_url_for_worker
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUBJECTS = 200
CHUNK = 10


class Database:
    """The database the command process uses, seen from the test."""

    def __init__(self, directory: Path):
        self.sqlite = connection.vendor == "sqlite"
        self.file = directory / "embedded.sqlite3"

    def url(self) -> str:
        if self.sqlite:
            return f"sqlite:///{self.file}"
        return _database_url_for_worker()

    def export(self) -> None:
        """SQLite: the in-memory test database, with what the test committed, to the command's file."""
        if self.sqlite:
            connection.ensure_connection()
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)

    def restore(self) -> None:
        """SQLite: the command's file back into the test database, for the ORM checks."""
        if self.sqlite:
            source = sqlite3.connect(self.file, timeout=30)
            try:
                source.backup(connection.connection)
            finally:
                source.close()

    def chunks(self) -> dict[str, int]:
        sql = "SELECT status, COUNT(*) FROM grading_runchunk GROUP BY status"
        if self.sqlite:
            reader = sqlite3.connect(self.file, timeout=30)
            try:
                return dict(reader.execute(sql).fetchall())
            finally:
                reader.close()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return dict(cursor.fetchall())


def yearly_run(database: Database) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # no broker: tasks run inline
    env.update(
        DJANGO_SETTINGS_MODULE="creditreg.settings.base",
        DATABASE_URL=database.url(),
        CREDITREG_CHUNK_SUBJECTS=str(CHUNK),
        CREDITREG_CHUNK_PAUSE_SECONDS="0.4",
        CREDITREG_CHUNK_HEARTBEAT_SECONDS="0.5",
        CREDITREG_CHUNK_STALE_SECONDS="2",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "yearly_run", "--as-of", "2026-12-15", "--scheme", "public"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_the_same_command_run_again_finishes_a_run_killed_mid_chunk():
    subjects_register_bulk(
        actor=None,
        subjects=[
            Subject(kind=SubjectKind.LEGAL_PERSON, code=make_uscc(), name=f"断电测试{i}有限公司")
            for i in range(SUBJECTS)
        ],
    )
    with tempfile.TemporaryDirectory() as directory:
        database = Database(Path(directory))
        database.export()

        first = yearly_run(database)
        deadline = time.monotonic() + 120
        seen_done = -1  # chunks done when a chunk was last seen running
        while True:
            chunks = database.chunks()
            done, running = chunks.get("done", 0), chunks.get("running", 0)
            # A chunk that started since the last look (one more done): its 0.4 s pause is still ahead
            # of it, so the kill cannot land between two chunks.
            if running == 1 and done >= 4 and 0 <= seen_done < done:
                break
            if running == 1:
                seen_done = done
            assert first.poll() is None, f"the command ended before it was killed:\n{first.stdout.read()}"
            assert time.monotonic() < deadline, f"no chunk was graded: {chunks}"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)  # mid-chunk: a chunk is "running" and will never finish
        first.wait(timeout=30)
        first.stdout.close()
        at_kill = database.chunks()
        assert at_kill.get("running") == 1 and at_kill.get("done", 0) < SUBJECTS // CHUNK, at_kill

        restarted = time.monotonic()
        second = yearly_run(database)
        output, _ = second.communicate(timeout=120)
        took = time.monotonic() - restarted
        assert second.returncode == 0, output
        assert "resumed" in output and f"completed, {SUBJECTS}/{SUBJECTS} subjects graded" in output
        database.restore()

    run = EvaluationRun.objects.get(scheme__code="public", as_of="2026-12-15")
    assert run.status == RunStatus.COMPLETED and run.subjects_graded == SUBJECTS
    # Every subject graded exactly once: as many grades as subjects, each subject once.
    assert run.grades.count() == SUBJECTS == run.grades.values("subject").distinct().count()
    assert set(run.grades.values_list("subject_id", flat=True)) == set(
        Subject.objects.values_list("pk", flat=True)
    )
    chunks = list(run.chunks.all())
    assert all(c.status == RunChunk.Status.DONE for c in chunks)
    redone = [c for c in chunks if c.attempts == 2]
    assert len(redone) == 1 and sum(c.attempts for c in chunks) == len(chunks) + 1
    print(
        f"\nembedded yearly run ({connection.vendor}): killed after {at_kill.get('done', 0)}/{len(chunks)} "
        f"chunks with one mid-chunk; the command run again completed it in {took:.1f} s "
        f"({SUBJECTS} subjects, {SUBJECTS} grades, chunk {redone[0].pk} graded on its second attempt)"
    )
