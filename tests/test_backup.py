"""Backup and restore (等保 2.0 level 3): the database restored into a fresh one has the same counts,
the same grades in force and an intact audit chain; the uploaded files come back byte for byte; the
keys file is readable by its owner only and the keys it holds decrypt the confidential fields."""

import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Role
from audit.models import AuditLog
from creditreg.backup import BackupError, files_backup, files_restore, keys_backup
from grading.models import GradeInForce
from grading.services import regrade_subjects
from records.models import CreditRecord
from records.services import record_create
from subjects.models import Subject
from tests.factories import make_company, make_user
from tests.public.conftest import effective_record
from tests.records.test_api import complaint_input

ROOT = Path(__file__).resolve().parent.parent

# Run in the restored database by ``manage.py shell``: the same summary as ``here()`` there.
COUNTS = "import json; from tests.test_backup import here; print(json.dumps(here()))"


def here() -> dict:
    """What must survive a restore: the counts, every grade in force, the confidential fields."""
    in_force = GradeInForce.objects.values_list("subject__code", "scheme__code", "department__code", "grade")
    complainants = CreditRecord.objects.exclude(complainant_name="").values_list(
        "complainant_name", flat=True
    )
    return json.loads(
        json.dumps(
            {
                "subjects": Subject.objects.count(),
                "records": CreditRecord.objects.count(),
                "audit": AuditLog.objects.count(),
                "in_force": sorted(in_force),
                "complainants": sorted(complainants),
            }
        )
    )


def manage(*args, database_url: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="creditreg.settings.test")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_restored_into_a_fresh_one_is_the_same_with_an_intact_audit_chain(tmp_path):
    clerk = make_user(Role.CLERK, "fgw", username="bk-clerk")
    reviewer = make_user(Role.REVIEWER, "fgw", username="bk-reviewer")
    firms = [make_company(f"备份测试{i}有限公司") for i in range(3)]
    for i, firm in enumerate(firms):
        effective_record(clerk, reviewer, firm, document_number=f"西发改罚〔2026〕{i + 1}号")
    record_create(actor=clerk, subject=firms[0], data=complaint_input(complainant_name="王举报"))
    regrade_subjects(subject_ids=[f.pk for f in firms])
    before = here()
    assert before["in_force"] and "王举报" in before["complainants"]
    backup = tmp_path / "database.backup"
    call_command("backup_database", str(backup))
    assert backup.stat().st_size > 0
    if connection.vendor == "postgresql":
        fresh = f"creditreg_restore_{uuid.uuid4().hex[:8]}"
        db = connection.settings_dict
        target = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{fresh}"
        subprocess.run(
            ["createdb", "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], fresh], check=True
        )
    else:
        fresh, target = None, f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    try:
        restored = manage("restore_database", str(backup), database_url=target)
        assert restored.returncode == 0, restored.stderr
        again = manage("restore_database", str(backup), database_url=target)
        assert again.returncode != 0 and "not empty" in again.stderr  # never merged into data
        verified = manage("audit_verify", "--read-only", database_url=target)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        counts = manage("shell", "-c", COUNTS, database_url=target)
        assert json.loads(counts.stdout.strip().splitlines()[-1]) == before
        keys = manage("check_keys", database_url=target)
        assert keys.returncode == 0 and "keys fit" in keys.stdout
    finally:
        if fresh:
            db = connection.settings_dict
            subprocess.run(
                ["dropdb", "--force", "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], fresh]
            )


def test_the_files_come_back_byte_for_byte_and_damage_is_caught(tmp_path):
    media = tmp_path / "media"
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "决定书.pdf").write_bytes(b"%PDF-1.4 decision")
    (media / "inspections").mkdir()
    (media / "inspections" / "draw-1.json.gz").write_bytes(os.urandom(4096))
    archive = tmp_path / "files.tar.gz"
    assert files_backup(output=archive, root=media) == 2
    restored = tmp_path / "restored"
    assert files_restore(source=archive, root=restored) == 2
    for path in media.rglob("*"):
        if path.is_file():
            assert (restored / path.relative_to(media)).read_bytes() == path.read_bytes()
    with pytest.raises(BackupError, match="not empty"):
        files_restore(source=archive, root=restored)
    # A changed byte in the archive: refused, and nothing is left behind.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.endswith("决定书.pdf"):
                data = data.replace(b"decision", b"decisioN")
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="checksum"):
        files_restore(source=damaged, root=tmp_path / "other")
    assert not (tmp_path / "other").exists()
    with pytest.raises(BackupError, match="not a files backup"):
        files_restore(source=media / "evidence" / "2026" / "决定书.pdf", root=tmp_path / "third")


def test_the_keys_file_is_for_its_owner_only(tmp_path, settings):
    settings.CREDITREG_FIELD_KEYS = ["k1", "k2"]
    target = tmp_path / "keys.env"
    keys_backup(output=target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text()
    assert f"DJANGO_SECRET_KEY={settings.SECRET_KEY}\n" in text and "CREDITREG_FIELD_KEYS=k1,k2\n" in text


def test_a_restore_from_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore_database", str(tmp_path / "nope.backup"))
