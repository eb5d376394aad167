"""Reads noted while a request is served, written in one insert when it is done.

A page or an API list may show the unmasked identity numbers of fifty people; the selector that
unmasks a number (``subjects.selectors.subject_visible_code``) notes each one here, and
``accesslog.middleware.AccessLogMiddleware`` writes them with one bulk insert after the view returned,
with the request's address and path. Outside a request (commands, tasks, the shell) nothing collects
and a note is a no-op: the access log is about people reading through the web and the API.

This module imports no models, so the bottom layers (``subjects``) can call it without a cycle.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    user_id: int | None
    subject_id: int
    kind: str
    description: str = ""


_notes: ContextVar[dict | None] = ContextVar("accesslog_notes", default=None)


def collecting_start():
    """Begin collecting for the current request; returns the token ``collecting_stop`` needs."""
    return _notes.set({})


def collecting_stop(token) -> list[Note]:
    """End collecting and hand back what was noted, once per (user, subject, kind)."""
    notes = _notes.get() or {}
    _notes.reset(token)
    return list(notes.values())


def access_note(*, user, subject, kind: str, description: str = "") -> None:
    """Note that ``user`` read ``subject``'s data of ``kind`` in the current request (if any)."""
    notes = _notes.get()
    if notes is None or subject is None or subject.pk is None:
        return
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    notes.setdefault((user_id, subject.pk, kind), Note(user_id, subject.pk, kind, description))


IDENTITY_NUMBER = "identity_number"  # AccessKind.IDENTITY_NUMBER, without importing the models


def access_note_identity_number(*, user, subject) -> None:
    """The selector that unmasks an identity number calls this for every number it shows whole."""
    access_note(user=user, subject=subject, kind=IDENTITY_NUMBER)
