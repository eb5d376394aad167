"""The tamper-evident audit chain (SPEC §6, §7 ``audit_verify``; issue 13, GB/T 22239-2019 level 3).

Every audit entry gets a gapless sequence number ``seq`` and ``chain_hash = H(previous chain_hash ||
canonical content of the entry)``, where H is SM3 (GB/T 32905, the 商用密码 hash GB/T 39786 asks of a
level-3 system) or SHA-256 by ``CREDITREG_AUDIT_HASH``; each entry records its algorithm, so changing
the setting starts using the new one at the next entry and old entries still verify.

Design, and why:

- **Writers never wait for each other.** Services insert entries with ``seq``/``chain_hash`` NULL, as
  before (``audit_log_write``, the bulk writer, any raw INSERT). A short *chaining step* runs right
  after the writing transaction commits (``transaction.on_commit``), and as a catch-up from a beat
  entry and before ``audit_verify``. Chaining inside the writing transaction would need the chain head
  locked from the first audit row to the commit: a publication of a million grades would hold every
  other writer for its whole run.
- **Commit order.** The step takes one lock (``pg_advisory_xact_lock`` on PostgreSQL; on SQLite the
  database write lock, taken at BEGIN IMMEDIATE), reads the *committed* unchained entries in id order
  through the partial index ``audit_unchained_idx`` and numbers them after the head. Ids are given at
  insert, not at commit, so an entry with a lower id may commit later: it is simply numbered later.
  The sequence is therefore the order in which entries became visible (committed), gapless by
  construction, and entries committed together get consecutive numbers in id order.
- **Set once, in place.** The chain columns live on the entry itself (one table to stream when
  verifying, one index for the queue). On PostgreSQL a trigger refuses every DELETE and every UPDATE
  except the one that sets the three chain columns from NULL, all other columns unchanged (compared as
  ``to_jsonb(row)`` minus the chain columns, so a column added later is covered without touching the
  trigger). A separate append-only link table would keep the entry row untouched, but finding the
  entries not linked yet would then need an anti-join over the whole tail or a queue of its own,
  because a low-water mark by id is unsound while lower ids can still commit.
- **The post-commit step never makes a request wait for another writer**: on PostgreSQL it only tries
  the lock; if another step holds it, that one (which loops until nothing is left) or the next commit
  or the beat catch-up chains the entry. It chains at most ``AUDIT_CHAIN_STEP_LIMIT`` entries and
  hands a larger backlog (a bulk registration) to the ``audit.chain`` task. It is ``robust``: its
  failure is logged and never turns a committed change into an error page.
- **Canonical content**: a JSON object of every column but the hash itself (``id``, ``seq``,
  ``created_at`` as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, the actor and target ids and labels,
  ``before``/``after`` as read back from the database, ``hash_algorithm``), keys sorted, no spaces,
  UTF-8 unescaped. The chaining step hashes the row as read back from the database, exactly as
  ``audit_verify`` reads it, so both see the same bytes on SQLite and PostgreSQL alike. The first
  entry's previous hash is 64 zeros. The input is the previous hash in lowercase hex followed by the
  canonical content; the platform can recompute any stretch from this paragraph.
- **Anchoring.** A hash chain alone can be recomputed by whoever can write the table. Each day's head
  (seq, hash, algorithm) goes to the platform through the outbox and is kept in ``AuditHead``;
  ``audit_verify`` checks the chain against every head sent, which also catches entries removed from
  the end.
"""

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

from .models import AuditLog

ALGORITHMS = ("sm3", "sha256")
GENESIS = "0" * 64
# The columns hashed besides ``seq`` and ``hash_algorithm``: every other column of the table
# (tests/audit/test_chain.py holds this list to the model).
CONTENT_FIELDS = (
    "id",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type_id",
    "target_id",
    "target_repr",
    "before",
    "after",
    "reason",
)
CHAIN_FIELDS = ("seq", "chain_hash", "hash_algorithm")
# pg_advisory_xact_lock key of the chaining step: b"auditchn" as a big-endian bigint.
LOCK_KEY = int.from_bytes(b"auditchn", "big")


def _sm3() -> Callable[[bytes], str]:
    if "sm3" in hashlib.algorithms_available:
        # OpenSSL's SM3 (OpenSSL 1.1.1 and 3.x build it by default): about 2 µs an entry.
        return lambda data: hashlib.new("sm3", data).hexdigest()
    # A Python without OpenSSL's SM3: gmssl's pure-Python SM3, correct but ~1.5 ms an entry
    # (a system check warns about it).
    from gmssl import func, sm3

    return lambda data: sm3.sm3_hash(func.bytes_to_list(data))


def sm3_native() -> bool:
    return "sm3" in hashlib.algorithms_available


def hasher(algorithm: str) -> Callable[[bytes], str]:
    """The hex digest function of ``algorithm`` (``sm3`` or ``sha256``)."""
    if algorithm == "sha256":
        return lambda data: hashlib.sha256(data).hexdigest()
    if algorithm == "sm3":
        return _sm3()
    raise ValueError(f"unknown audit hash algorithm {algorithm!r}")


def configured_algorithm() -> str:
    return settings.AUDIT_HASH_ALGORITHM


def _utc(value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(values: tuple, *, seq: int, algorithm: str) -> bytes:
    """The canonical content of an entry whose ``CONTENT_FIELDS`` are ``values`` (as read back)."""
    content = dict(zip(CONTENT_FIELDS, values, strict=True))
    content["created_at"] = _utc(content["created_at"])
    content["seq"] = seq
    content["hash_algorithm"] = algorithm
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def link(previous: str, values: tuple, *, seq: int, algorithm: str, digest=None) -> str:
    """The chain hash of an entry: H(previous hash in hex || canonical content)."""
    digest = digest or hasher(algorithm)
    return digest(previous.encode() + canonical(values, seq=seq, algorithm=algorithm))


def chained_rows(*, chunk_size: int = 5000) -> Iterator[tuple]:
    """Every chained entry in sequence order as ``(seq, chain_hash, hash_algorithm, *CONTENT_FIELDS)``,
    streamed (a server-side cursor on PostgreSQL), as both chaining and verifying read them."""
    return (
        AuditLog.objects.filter(seq__isnull=False)
        .order_by("seq")
        .values_list(*CHAIN_FIELDS, *CONTENT_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


def unchained_rows(*, limit: int) -> list[tuple]:
    """The oldest committed entries not chained yet, by id, as ``CONTENT_FIELDS`` tuples."""
    return list(AuditLog.objects.filter(seq__isnull=True).order_by("id").values_list(*CONTENT_FIELDS)[:limit])


def chain_head() -> tuple[int, str]:
    """(seq, chain_hash) of the last chained entry, or (0, GENESIS) for an empty chain."""
    head = AuditLog.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "chain_hash")[:1]
    return head[0] if head else (0, GENESIS)


@contextmanager
def chain_transaction(*, wait: bool) -> Iterator[bool]:
    """A transaction holding the chaining lock; yields False (and holds nothing) when ``wait`` is False
    and another chaining step holds it. On SQLite the transaction starts IMMEDIATE, so the step owns
    the write lock before it reads the head (a deferred one could read, then fail to write)."""
    immediate = connection.vendor == "sqlite" and not connection.in_atomic_block
    if immediate:
        connection.ensure_connection()
        previous, connection.transaction_mode = connection.transaction_mode, "IMMEDIATE"
    try:
        with transaction.atomic():
            if immediate:
                connection.transaction_mode = previous
                immediate = False
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    if wait:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                    else:
                        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
                        if not cursor.fetchone()[0]:
                            yield False
                            return
            yield True
    finally:
        if immediate:
            connection.transaction_mode = previous


def write_links(links: Iterable[tuple[int, int, str, str]]) -> None:
    """Set ``(id, seq, chain_hash, hash_algorithm)`` on entries whose chain columns are still NULL."""
    links = list(links)
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(links), 1000):
                part = links[start : start + 1000]
                values = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(part))
                cursor.execute(
                    f"UPDATE {table} AS a SET seq = v.seq, chain_hash = v.h, hash_algorithm = v.alg "
                    f"FROM (VALUES {values}) AS v(id, seq, h, alg) WHERE a.id = v.id AND a.seq IS NULL",
                    [p for row in part for p in row],
                )
        else:
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, chain_hash = %s, hash_algorithm = %s "
                "WHERE id = %s AND seq IS NULL",
                [(seq, h, alg, pk) for pk, seq, h, alg in links],
            )
