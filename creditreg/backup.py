"""Backup and restore a county can rely on (等保 2.0 level 3, GB/T 22239-2019 8.1.4.10 data backup and
recovery): three things make an installation, and each has one command to back it up and one to
restore it.

- The database: PostgreSQL through ``pg_dump`` in its custom format (consistent: one snapshot) and
  ``pg_restore`` into an empty database; the embedded SQLite through SQLite's online backup API.
- The uploaded files (evidence, proofs, decisions, published draws; ``MEDIA_ROOT``): a ``.tar.gz``
  whose first member is a manifest of every file's SHA-256, checked again when it is restored.
- The keys: ``CREDITREG_FIELD_KEYS`` (the confidential fields, 000 Art. 13) and ``DJANGO_SECRET_KEY``
  (without which the embedded mode's derived field key, the sessions and the inspection tokens change),
  written as an environment file only its owner may read. Kept apart from the other two: a stolen
  database copy is then no stolen complainant.

A restore refuses a target that is not empty, so nothing is ever merged into live data.
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection

MANIFEST = "MANIFEST.json"


class BackupError(Exception):
    """A backup or restore that cannot be made; the message says why and nothing was changed."""


def _postgres_url() -> str:
    db = connection.settings_dict
    user, password = db.get("USER") or "", db.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{db['NAME']}"


def _run(args: list[str]) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{args[0]} is not installed (Debian package postgresql-client)") from None
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{args[0]} failed with status {done.returncode}")


# --- the database ---------------------------------------------------------------------------------------


def database_backup(*, output: Path) -> None:
    output = Path(output)
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={output}",
                _postgres_url(),
            ]
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(output)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:  # pragma: no cover - the two databases the project supports
        raise BackupError(f"no backup for {connection.vendor}")


def _tables() -> list[str]:
    return connection.introspection.table_names()


def database_restore(*, source: Path) -> None:
    """Into the configured database, which must be empty (``createdb`` a new one, or a new SQLite
    file): a restore never merges into data that exists."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no such backup file: {source}")
    if _tables():
        raise BackupError("the target database is not empty: restore into a new, empty database")
    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={_postgres_url()}",
                str(source),
            ]
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
    else:  # pragma: no cover
        raise BackupError(f"no restore for {connection.vendor}")


# --- the uploaded files ---------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def files_backup(*, output: Path, root: Path | None = None) -> int:
    """Every file under ``MEDIA_ROOT`` into ``output`` (.tar.gz) with its SHA-256; the count."""
    root = Path(root or settings.MEDIA_ROOT)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
    manifest = {str(p.relative_to(root)): _sha256(p) for p in files}
    with tarfile.open(output, "w:gz") as archive:
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        for path in files:
            archive.add(path, arcname=f"files/{path.relative_to(root)}", recursive=False)
    return len(files)


def files_restore(*, source: Path, root: Path | None = None) -> int:
    """The files of a ``files_backup`` into an empty ``MEDIA_ROOT``, each checked against the
    manifest; the count. Nothing is written outside the root."""
    root = Path(root or settings.MEDIA_ROOT)
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"{root} is not empty: restore the files into an empty directory")
    try:
        archive = tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError, gzip.BadGzipFile) as exc:
        raise BackupError(f"not a files backup: {exc}") from None
    staging = root.with_name(root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise BackupError("not a files backup: no manifest")
            manifest = json.loads(member.read())
            for name, digest in manifest.items():
                target = (staging / name).resolve()
                if not target.is_relative_to(staging.resolve()):
                    raise BackupError(f"a file outside the media directory: {name}")
                handle = archive.extractfile(f"files/{name}")
                if handle is None:
                    raise BackupError(f"missing from the backup: {name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(handle.read())
                if _sha256(target) != digest:
                    raise BackupError(f"damaged in the backup (checksum differs): {name}")
        root.parent.mkdir(parents=True, exist_ok=True)
        if root.exists():
            root.rmdir()
        staging.rename(root) if staging.exists() else root.mkdir()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(manifest)


# --- the keys -------------------------------------------------------------------------------------------


def keys_backup(*, output: Path) -> None:
    """The keys as an environment file (``KEY=value`` lines) only its owner may read."""
    output = Path(output)
    lines = [
        "# creditreg keys: keep apart from the database and files backups, offline.",
        f"DJANGO_SECRET_KEY={settings.SECRET_KEY}",
        f"CREDITREG_FIELD_KEYS={','.join(settings.CREDITREG_FIELD_KEYS)}",
    ]
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def keys_check() -> int:
    """Decrypt a sample of every encrypted field with the keys in the environment (after a restore:
    the keys fit the data); the number of values read. Wrong keys raise BackupError."""
    from django.apps import apps

    from core.crypto import EncryptedTextField

    checked = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                try:
                    values = list(
                        model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)[
                            :50
                        ]
                    )
                except ValueError as exc:
                    raise BackupError(f"{model._meta.label}.{field.name}: {exc}") from None
                checked += len(values)
    return checked
