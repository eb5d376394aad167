"""Reads noted while a request is served, written in one insert when it is done.

A page or an API list may show the unmasked identity numbers of fifty people; the selector that
unmasks a number (``subjects.selectors.subject_visible_code``) notes each one here, the views note the
file, report and export reads they make (``accesslog.services.access_log_record`` with the request), and
``accesslog.middleware.AccessLogMiddleware`` writes them all with one bulk insert after the view
returned, with the request's address and path. Outside a request (commands, tasks, the shell) nothing collects
and a note is a no-op: the access log is about people reading through the web and the API.

This module imports no models, so the bottom layers (``subjects``) can call it without a cycle.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    user_id: int | None
    subject_id: int | None
    kind: str
    description: object = ""  # text, or a lazy translation rendered in the site's language when written
    purpose: str = ""  # why a credit file was opened (AccessPurpose), and in the reader's words
    purpose_detail: str = ""


_notes: ContextVar[dict | None] = ContextVar("accesslog_notes", default=None)


def collecting_start():
    """Begin collecting for the current request; returns the token ``collecting_stop`` needs."""
    return _notes.set({})


def collecting_stop(token) -> list[Note]:
    """End collecting and hand back what was noted, once per (user, subject, kind)."""
    notes = _notes.get() or {}
    _notes.reset(token)
    return list(notes.values())


def collecting() -> bool:
    """Whether a request is collecting notes (so a read logged now is written with its others)."""
    return _notes.get() is not None


def access_note(
    *,
    user,
    subject_id: int | None,
    kind: str,
    description: object = "",
    purpose: str = "",
    purpose_detail: str = "",
) -> bool:
    """Note that ``user`` read ``kind`` of the subject ``subject_id`` (``None``: an export without a
    subject) in the current request, with the purpose stated for it if any; once per user, subject and
    kind (and description, for reads without a subject). Returns whether a request is collecting."""
    notes = _notes.get()
    if notes is None:
        return False
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    key = (user_id, subject_id, kind, str(description) if subject_id is None else "")
    noted = notes.get(key)
    # A read with a stated purpose is the one to keep: it says why the file was opened.
    if noted is None or (purpose and not noted.purpose):
        notes[key] = Note(user_id, subject_id, kind, description, purpose, purpose_detail)
    return True


IDENTITY_NUMBER = "identity_number"  # AccessKind.IDENTITY_NUMBER, without importing the models


def access_note_identity_number(*, user, subject) -> None:
    """The selector that unmasks an identity number calls this for every number it shows whole."""
    if subject is not None and subject.pk is not None:
        access_note(user=user, subject_id=subject.pk, kind=IDENTITY_NUMBER)
