"""Reads that may lag go to the read replica (issue: a city-scale deployment; 等保 availability).

With ``DATABASE_REPLICA_URL`` set, the pages whose reads may be a few seconds behind — the yearly
summary and its spreadsheets, the shared department results and their exports, the stored reports,
and the public list pages (red and black lists, public commitments, random inspections) — read from
the ``replica`` database. Everything else reads from the primary: the public look-up of one subject
and every staff page after a decision, since a corrected grade or a revoked record must show at once
(SPEC §3.5), and every write goes to the primary wherever it is made.

A view opts in with ``@lagging_reads``; code that is not a view uses ``with reads_may_lag():``. The
choice lives in a context variable, so it holds for the request's thread (or task) only.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_may_lag: contextvars.ContextVar[bool] = contextvars.ContextVar("creditreg_reads_may_lag", default=False)


def replica_in_use() -> bool:
    """A replica is configured and reads may go to it (``CREDITREG_REPLICA_READS``: tests keep their
    ordinary reads on the primary)."""
    return REPLICA in settings.DATABASES and getattr(settings, "CREDITREG_REPLICA_READS", True)


@contextmanager
def reads_may_lag() -> Iterator[None]:
    token = _may_lag.set(True)
    try:
        yield
    finally:
        _may_lag.reset(token)


def lagging_reads(view):
    """A view whose reads may lag: they go to the replica when one is configured."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # Who is asking is read from the primary first: an account just made or blocked counts now.
        getattr(getattr(request, "user", None), "pk", None)
        with reads_may_lag():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads inside ``reads_may_lag`` to the replica; every write, every other read and every read
    inside a transaction to the primary (also for a row read from the replica and then saved)."""

    def db_for_read(self, model, **hints):
        # Inside a transaction of the primary a read belongs to that transaction's work (a service
        # that reads before it writes), so it stays there.
        if _may_lag.get() and replica_in_use() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # a streaming replica follows the primary's schema by itself
