"""How a batch reaches the platform, chosen in settings (``EXCHANGE_TRANSPORT``).

- ``file``: a drop directory the platform collects from. Per batch, a JSON Lines file (one line per
  item: ``idempotency_key``, ``type``, ``payload``), spreadsheets in the platform's formats —
  administrative penalties in the 双公示 column set (SPEC §7) with fines in 万元, grades, reminders
  and interviews — and last a manifest naming every file with its sha256. Every file is written to a
  hidden temporary name, flushed to disk and renamed (the directory flushed after the renames), and the
  manifest comes last: a crash leaves no half file and no manifest, so nothing half-written counts as
  delivered (the batch is sent again).
- ``http``: a POST of the batch as JSON to the platform's URL, signed with HMAC-SHA256 over
  ``timestamp.body`` with the shared secret, with a timeout; any answer other than 2xx is an error
  carrying the platform's own message.
"""

import datetime
import hashlib
import hmac
import io
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .formats import workbooks_for


class TransportError(Exception):
    """The platform did not take the batch; the message is what it (or the network) said."""


class Transport(Protocol):
    name: str
    # Items per batch unless the caller says otherwise: what one delivery of this transport carries.
    batch_size: int

    def send(self, *, batch, items: list[dict]) -> str:
        """Deliver the items; return where they went. Raise ``TransportError`` if not delivered."""


def envelope(item: dict) -> dict:
    return {"idempotency_key": item["idempotency_key"], "type": item["type"], "payload": item["payload"]}


# One encoder for every line (``json.dumps`` with options builds a new one per call).
_compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _sync_directory(directory: Path) -> None:
    """Make the renames into ``directory`` durable: a rename is an entry of the directory, which the
    file's own fsync does not write (POSIX; nothing to do where directories cannot be opened)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class FileTransport:
    """A batch is a set of files the platform collects, with no request size to keep under: a batch
    of ``EXCHANGE_FILE_BATCH_SIZE`` (5,000) items is a JSON Lines file of a few MB and workbooks of
    5,000 rows, and each batch's fixed costs — a claim and a done transaction, an fsync per file and
    for the directory, a workbook's zip container — are paid 20 times for 100,000 items, not 200."""

    name = "file"

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.batch_size = settings.EXCHANGE_FILE_BATCH_SIZE

    def send(self, *, batch, items: list[dict]) -> str:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TransportError(f"cannot create the drop directory {self.directory}: {exc}") from exc
        stamp = (batch.started_at or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%dT%H%M%S")
        stem = f"outbox-{stamp}-{batch.pk:08d}"
        files: list[tuple[str, bytes, int]] = []
        lines = io.StringIO()
        for item in items:
            lines.write(_compact_json(envelope(item)))
            lines.write("\n")
        files.append((f"{stem}.jsonl", lines.getvalue().encode("utf-8"), len(items)))
        for suffix, content, rows in workbooks_for(items):
            files.append((f"{stem}-{suffix}.xlsx", content, rows))
        manifest = {
            "batch": batch.pk,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "items": len(items),
            "first_key": items[0]["idempotency_key"] if items else "",
            "last_key": items[-1]["idempotency_key"] if items else "",
            "files": [
                {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "rows": rows}
                for name, data, rows in files
            ],
        }
        try:
            for name, data, _rows in files:
                _write_atomically(self.directory / name, data)
            # The files are in the directory before the manifest naming them, and the manifest before
            # the items are marked delivered — after a crash too.
            _sync_directory(self.directory)
            manifest_path = self.directory / f"{stem}.manifest.json"
            _write_atomically(
                manifest_path, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            )
            _sync_directory(self.directory)
        except OSError as exc:
            raise TransportError(f"cannot write to the drop directory {self.directory}: {exc}") from exc
        return str(manifest_path)


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class HttpTransport:
    """A batch is one request: ``EXCHANGE_BATCH_SIZE`` (500) items, a body of a few hundred kB, within
    what a platform's web server takes by default (nginx refuses a body over 1 MB)."""

    name = "http"

    def __init__(self, *, url: str, secret: str, timeout: float, proxy: str = ""):
        if not url:
            raise ImproperlyConfigured("EXCHANGE_HTTP_URL (CREDITREG_PLATFORM_URL) is not set")
        if not secret:
            raise ImproperlyConfigured("EXCHANGE_HTTP_SECRET (CREDITREG_PLATFORM_SECRET) is not set")
        self.url, self.secret, self.timeout = url, secret, timeout
        self.batch_size = settings.EXCHANGE_BATCH_SIZE
        # Only an explicitly configured proxy: never one picked up from the environment by chance.
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({"http": proxy, "https": proxy} if proxy else {})
        )

    def send(self, *, batch, items: list[dict]) -> str:
        body = json.dumps(
            {"batch": batch.pk, "items": [envelope(i) for i in items]},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Creditreg-Batch": str(batch.pk),
                "X-Creditreg-Timestamp": timestamp,
                "X-Creditreg-Signature": sign(secret=self.secret, timestamp=timestamp, body=body),
            },
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                response.read()
                return f"{self.url} (HTTP {response.status})"
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:2000].decode("utf-8", errors="replace")
            raise TransportError(f"HTTP {exc.code} from the platform: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransportError(f"the platform did not answer ({self.url}): {reason}") from exc


def transport_from_settings(name: str | None = None, *, directory: str | Path | None = None) -> Transport:
    name = name or settings.EXCHANGE_TRANSPORT
    if name == "file":
        return FileTransport(directory or settings.EXCHANGE_FILE_DIR)
    if name == "http":
        return HttpTransport(
            url=settings.EXCHANGE_HTTP_URL,
            secret=settings.EXCHANGE_HTTP_SECRET,
            timeout=settings.EXCHANGE_HTTP_TIMEOUT_SECONDS,
            proxy=settings.EXCHANGE_HTTP_PROXY,
        )
    raise ImproperlyConfigured(f"unknown EXCHANGE_TRANSPORT {name!r}: use file or http")
