"""The purpose a staff member stated for opening a subject's credit file, kept in the session for a
while (004 §4(2) 按需共享: the file is shown on demand, for the use stated).

Stating the purpose opens the file: the page shows it, and each showing — the first look, another page
of a section — is logged with that purpose (``accesslog.services.access_log_credit_file``). It holds
for that subject only and for ``CREDIT_FILE_OPENING_MINUTES`` (default 30, a session's idle time);
after that the purpose is asked again. Only the purpose is kept, never anything of the file.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

SESSION_KEY = "credit_file_openings"
# At most this many subjects' openings are kept in one session (the oldest go first).
MAX_OPENINGS = 20


@dataclass(frozen=True)
class Opening:
    purpose: str
    purpose_detail: str


def _fresh(item, now: float) -> bool:
    at = item.get("at") if isinstance(item, dict) else None
    return isinstance(at, int | float) and 0 <= now - at <= settings.CREDIT_FILE_OPENING_MINUTES * 60


def opening_remember(request, *, subject_id: int, purpose: str, purpose_detail: str) -> None:
    """Keep the purpose just stated for ``subject_id``'s file (checked by the caller's form)."""
    now = timezone.now().timestamp()
    openings = {k: v for k, v in (request.session.get(SESSION_KEY) or {}).items() if _fresh(v, now)}
    openings.pop(str(subject_id), None)
    openings[str(subject_id)] = {"purpose": purpose, "detail": purpose_detail, "at": now}
    request.session[SESSION_KEY] = dict(list(openings.items())[-MAX_OPENINGS:])


def opening_get(request, *, subject_id: int) -> Opening | None:
    """The purpose stated for ``subject_id``'s file in this session, if it still holds."""
    item = (request.session.get(SESSION_KEY) or {}).get(str(subject_id))
    if not isinstance(item, dict) or not _fresh(item, timezone.now().timestamp()):
        return None
    return Opening(purpose=str(item.get("purpose", "")), purpose_detail=str(item.get("detail", "")))
