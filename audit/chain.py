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
  except the one that sets the three chain columns from NULL, all other columns unchanged (whole rows
  compared, so a column added later is covered without touching the trigger). A separate append-only
  link table would keep the entry row untouched, but finding the entries not linked yet would then
  need an anti-join over the whole tail or a queue of its own, because a low-water mark by id is
  unsound while lower ids can still commit. The price of in place: each entry is written twice on
  PostgreSQL (the insert, then the chaining UPDATE, not a HOT one since ``seq`` is indexed).
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
  (seq, hash, algorithm) goes to the platform through the outbox and is kept in ``AuditHead``
  (``exchange/audit_head.py``, above this app, which knows nothing of the exchange);
  ``audit_verify`` checks the chain against every head sent, which also catches entries removed from
  the end.
"""

import hashlib
import json
from collections.abc import Callable, Generator, Iterable, Iterator
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
_loads = json.JSONDecoder().decode
# json's own string encoder (C) with ensure_ascii=False, as _ENCODE writes strings.
_string = json.encoder.encode_basestring
_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
# pg_advisory_xact_lock key of the chaining step: b"auditchn" as a big-endian bigint.
LOCK_KEY = int.from_bytes(b"auditchn", "big")


def _copying(prototype) -> Callable[[bytes], str]:
    # Copying a fresh hash object skips hashlib.new's name lookup on each of a million entries.
    def digest(data: bytes) -> str:
        h = prototype.copy()
        h.update(data)
        return h.hexdigest()

    return digest


def _sm3() -> Callable[[bytes], str]:
    if "sm3" in hashlib.algorithms_available:
        # OpenSSL's SM3 (OpenSSL 1.1.1 and 3.x build it by default): about 2 µs an entry.
        return _copying(hashlib.new("sm3"))
    # A Python without OpenSSL's SM3: gmssl's pure-Python SM3, correct but ~1.5 ms an entry
    # (a system check warns about it).
    from gmssl import func, sm3

    return lambda data: sm3.sm3_hash(func.bytes_to_list(data))


def sm3_native() -> bool:
    return "sm3" in hashlib.algorithms_available


def hasher(algorithm: str) -> Callable[[bytes], str]:
    """The hex digest function of ``algorithm`` (``sm3`` or ``sha256``)."""
    if algorithm == "sha256":
        return _copying(hashlib.sha256())
    if algorithm == "sm3":
        return _sm3()
    raise ValueError(f"unknown audit hash algorithm {algorithm!r}")


def configured_algorithm() -> str:
    return settings.AUDIT_HASH_ALGORITHM


def canonical_reference(values: tuple, *, seq: int, algorithm: str) -> bytes:
    """The definition of the canonical content: the JSON object of the entry's columns, keys sorted, no
    spaces, non-ASCII characters unescaped, UTF-8; ``canonical`` builds the same bytes faster."""
    content = dict(zip(CONTENT_FIELDS, values, strict=True))
    content["seq"] = seq
    content["hash_algorithm"] = algorithm
    return _ENCODE(content).encode("utf-8", "surrogatepass")


def canonical(values: tuple, *, seq: int, algorithm: str) -> bytes:
    """``canonical_reference``, written out field by field (the keys in sorted order) so that only the
    ``before``/``after`` objects go through the JSON encoder: a verification makes a million of these
    (tests/audit/test_chain.py holds the two to the same bytes)."""
    pk, created, actor, label, action, ttype, tid, trepr, before, after, reason = values
    return (
        f'{{"action":{_string(action)},"actor_id":{"null" if actor is None else int(actor)},'
        f'"actor_label":{_string(label)},"after":{"null" if after is None else _ENCODE(after)},'
        f'"before":{"null" if before is None else _ENCODE(before)},"created_at":{_string(created)},'
        f'"hash_algorithm":{_string(algorithm)},"id":{int(pk)},"reason":{_string(reason)},'
        f'"seq":{int(seq)},"target_id":{_string(tid)},"target_repr":{_string(trepr)},'
        f'"target_type_id":{"null" if ttype is None else int(ttype)}}}'
    ).encode("utf-8", "surrogatepass")


def link(previous: str, values: tuple, *, seq: int, algorithm: str, digest=None) -> str:
    """The chain hash of an entry: H(previous hash in hex || canonical content)."""
    digest = digest or hasher(algorithm)
    return digest(previous.encode() + canonical(values, seq=seq, algorithm=algorithm))


def _select(*, where: str, order: str, limit: int | None = None) -> str:
    """Raw SQL reading the chain columns and the content: the ORM's per-value converters would take
    most of the time of a verification. ``created_at`` comes as canonical UTC text: formatted by
    PostgreSQL, or as Django stored it on SQLite (naive UTC, ``YYYY-MM-DD HH:MM:SS[.ffffff]``), fixed
    up by ``_decode``; JSON columns come as text on both."""
    q = connection.ops.quote_name
    if connection.vendor == "postgresql":
        created = "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        json_cols = "before::text, after::text"
    else:
        # As text: Django's converter for the declared type would parse it to a datetime first.
        created = "CAST(created_at AS TEXT)"
        json_cols = "before, after"
    columns = (
        f"seq, chain_hash, hash_algorithm, id, {created}, actor_id, actor_label, action, "
        f"target_type_id, target_id, target_repr, {json_cols}, reason"
    )
    sql = f"SELECT {columns} FROM {q(AuditLog._meta.db_table)} WHERE {where} ORDER BY {order}"
    return sql + (f" LIMIT {int(limit)}" if limit is not None else "")


def _decode(row: tuple, sqlite: bool) -> tuple:
    """``(seq, chain_hash, hash_algorithm, *CONTENT_FIELDS)`` from a raw row of ``_select``."""
    seq, chain_hash, algorithm, pk, created, *middle, before, after, reason = row
    if sqlite:
        # "2026-11-29 19:55:00.123456" (microseconds left out when zero) -> "2026-11-29T19:55:00.123456Z"
        created = f"{created[:10]}T{created[11:19]}.{created[20:26].ljust(6, '0')}Z"
    return (
        seq,
        chain_hash,
        algorithm,
        pk,
        created,
        *middle,
        None if before is None else _loads(before),
        None if after is None else _loads(after),
        reason,
    )


def chained_rows(*, chunk_size: int = 10000) -> Generator[tuple, None, None]:
    """Every chained entry in sequence order as ``(seq, chain_hash, hash_algorithm, *CONTENT_FIELDS)``,
    streamed: a server-side cursor on PostgreSQL, so call it inside a transaction (outside one the
    cursor would be WITH HOLD, and PostgreSQL would copy the whole result first) and close it
    before the transaction ends (``contextlib.closing``)."""
    sqlite = connection.vendor == "sqlite"
    with connection.chunked_cursor() as cursor:
        cursor.execute(_select(where="seq IS NOT NULL", order="seq"))
        while rows := cursor.fetchmany(chunk_size):
            for row in rows:
                yield _decode(row, sqlite)


def unchained_rows(*, limit: int) -> list[tuple]:
    """The oldest committed entries not chained yet, by id, as ``CONTENT_FIELDS`` tuples."""
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        cursor.execute(_select(where="seq IS NULL", order="id", limit=limit))
        return [_decode(row, sqlite)[3:] for row in cursor.fetchall()]


def entry_values(pk: int) -> tuple:
    """The ``CONTENT_FIELDS`` of one entry, as they are hashed."""
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        cursor.execute(_select(where="id = %s", order="id"), [pk])
        return _decode(cursor.fetchone(), sqlite)[3:]


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
