"""A heartbeat for work claimed from a table: a yearly-run chunk, an outbox delivery batch.

A claim on a row holds while the row's ``heartbeat_at`` is fresh; whoever looks for lost work takes a
row whose heartbeat is older than a few beats as lost with its process and hands it out again. So a
process killed mid-way (SIGKILL, a power cut) is found in seconds, where a fixed lease long enough for
the slowest piece of work would leave it waiting for minutes.

The beat comes from a thread, so that it goes on while the main thread waits in one long SQL
statement or a slow HTTP request. The thread writes through its own database connection, in
autocommit, and closes it when it stops. On SQLite — the embedded mode, one process — a second
connection writing while the main thread holds a read transaction that is about to write makes SQLite
answer "database is locked" to one of them at once; there the caller beats from its own thread instead,
between steps that hold no transaction (``threaded=False`` and ``beat()``).
"""

import logging
import threading
import time
from collections.abc import Callable

from django.db import DatabaseError, connection, connections

log = logging.getLogger(__name__)


def heartbeat_threaded() -> bool:
    """Whether a heartbeat thread may write beside the main thread (see the module docstring)."""
    return connection.vendor != "sqlite"


class Heartbeat:
    """Call ``touch`` every ``interval`` seconds while the ``with`` block runs.

    ``touch`` writes the beat and returns whether the claim is still this process's own (the row still
    names it); once it is not, the beat stops and ``lost`` is set — the work is idempotent, so the
    caller may finish it anyway, but it must not beat for a claim another process now holds.
    """

    def __init__(self, *, touch: Callable[[], bool], interval: float, threaded: bool = True, name: str = ""):
        self.touch = touch
        self.interval = interval
        self.threaded = threaded and interval > 0
        self.name = name or "heartbeat"
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last = time.monotonic()

    def __enter__(self) -> "Heartbeat":
        self._last = time.monotonic()
        if self.threaded:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def beat(self) -> None:
        """From the caller's own thread (``threaded=False``), between steps that hold no transaction:
        touch the row if a beat is due."""
        if self.threaded or self.lost.is_set() or self.interval <= 0:
            return
        if time.monotonic() - self._last >= self.interval:
            self._touch_once()

    def sleep(self, seconds: float) -> None:
        """Sleep, beating on the way (a pause longer than the beat must not look like a dead process)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            time.sleep(min(left, self.interval) if self.interval > 0 else left)
            self.beat()

    def _touch_once(self) -> None:
        self._last = time.monotonic()
        try:
            if not self.touch():
                self.lost.set()
        except DatabaseError as exc:  # the next beat tries again; a missed one only ages the row
            log.warning("%s: the heartbeat was not written: %s", self.name, exc)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval) and not self.lost.is_set():
                self._touch_once()
        finally:
            connections.close_all()  # this thread's own connections
