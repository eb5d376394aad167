"""Writing and purging the access log (查询使用, 003 §5(1); SPEC §6).

``access_log_record`` is the one way rows are written: the views of the credit file, the credit report
and the exports call it directly; the reads of unmasked identity numbers, which happen in lists as well
as on detail pages, are noted by the selector that unmasks them and written by the middleware through
``access_log_record_notes`` in one insert per request. Opening a subject's credit file (信用档案) takes
a stated purpose (004 §4(2) 按需共享): ``access_purpose_clean`` checks it for the page and the API, and
``access_log_credit_file`` logs the opening with it.

Nothing here is chained into the audit log: a read changes nothing, and one insert (a bulk insert for
an export or a list) is all a read costs. The purge is a change, so it is audited.
"""

import datetime
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import is_subject_user
from audit.services import audit_log_write
from core.http import client_address
from core.masking import mask_resident_id

from .checks import MIN_RETENTION_DAYS
from .collector import Note, access_note
from .models import PURPOSE_DETAIL_MAX, AccessEntry, AccessKind, AccessPurpose

logger = logging.getLogger(__name__)

PATH_MAX = AccessEntry._meta.get_field("path").max_length
DESCRIPTION_MAX = AccessEntry._meta.get_field("description").max_length
BULK_BATCH = 1000
# An identity number in a path (an API address by code, a search) is kept masked like everywhere else.
IDENTITY_NUMBER_IN_PATH = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def _path(request: HttpRequest) -> str:
    path = IDENTITY_NUMBER_IN_PATH.sub(lambda m: mask_resident_id(m.group(0)), request.get_full_path())
    return path[:PATH_MAX]


def _text(description) -> str:
    """Descriptions are stored in the site's language, whoever's language the request was in."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(description)[:DESCRIPTION_MAX]


PURGE_BATCH = 10_000


def _reader(user) -> tuple[int | None, str, int | None, int | None]:
    """(user id, user label, department id, subject id of a subject account) of the reader."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "anonymous", None, None
    own_subject = user.subject_id if is_subject_user(user) else None
    return user.pk, user.get_username(), user.department_id, own_subject


def _entries(
    *,
    user,
    kind: str,
    subject_ids: Iterable[int | None],
    description: str,
    address,
    path,
    purpose: str = "",
    purpose_detail: str = "",
):
    user_id, label, department_id, own_subject = _reader(user)
    now = timezone.now()
    for subject_id in subject_ids:
        # A subject's own account reading its own file is the holder, not an access to account for.
        if own_subject is not None and subject_id == own_subject:
            continue
        yield AccessEntry(
            at=now,
            user_id=user_id,
            user_label=label,
            department_id=department_id,
            subject_id=subject_id,
            kind=kind,
            description=description,
            address=address,
            path=path,
            purpose=purpose,
            purpose_detail=purpose_detail,
        )


def _write(rows: list[AccessEntry]) -> int:
    """Insert the rows. A read must not fail because its log row could not be written at that moment
    (SQLite answers "database is locked" while another request writes for longer than its timeout):
    then the rows go to the error log instead, with ids only (no identity number), for the operator to
    restore, and the read goes on. Inside a caller's transaction the insert takes a savepoint, so a
    failed insert does not break that transaction."""
    if not rows:
        return 0
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint
                AccessEntry.objects.bulk_create(rows, batch_size=BULK_BATCH)
        else:
            AccessEntry.objects.bulk_create(rows, batch_size=BULK_BATCH)
    except DatabaseError:
        for row in rows:
            logger.error(
                "access log row not written: at=%s user=%s subject=%s kind=%s address=%s path=%s",
                row.at.isoformat(),
                row.user_id,
                row.subject_id,
                row.kind,
                row.address,
                row.path,
                exc_info=row is rows[0],
            )
        return 0
    return len(rows)


def access_log_record(
    *,
    user,
    kind: str,
    subjects: Iterable | None = None,
    description: str = "",
    request: HttpRequest | None = None,
    address: str | None = None,
    path: str = "",
    purpose: str = "",
    purpose_detail: str = "",
) -> int:
    """Log that ``user`` read ``kind`` of each of ``subjects`` (subject objects or ids); with no subject
    (an export of aggregated figures) one row without a subject. ``request`` gives the client address
    (``core.http.client_address``: never a header the client can forge) and the path; ``purpose`` and
    ``purpose_detail`` the use stated for the read (``access_purpose_clean``). Returns the number of
    rows written (in a request: noted, and written by the middleware with the request's other
    reads)."""
    if kind not in AccessKind.values:
        raise ValueError(f"unknown access kind {kind!r}")
    if subjects is None:
        subject_ids: list[int | None] = [None]
    else:
        subject_ids = list(dict.fromkeys(getattr(s, "pk", s) for s in subjects))
    if request is not None:
        # Served in a request: noted, and written with the request's other reads in one insert.
        noted = [
            access_note(
                user=user,
                subject_id=i,
                kind=kind,
                description=description,
                purpose=purpose,
                purpose_detail=purpose_detail,
            )
            for i in subject_ids
        ]
        if all(noted):
            return len(subject_ids)
        address = client_address(request)
        path = _path(request)
    rows = list(
        _entries(
            user=user,
            kind=kind,
            subject_ids=subject_ids,
            description=_text(description),
            address=address,
            path=path[:PATH_MAX],
            purpose=purpose,
            purpose_detail=purpose_detail[:PURPOSE_DETAIL_MAX],
        )
    )
    return _write(rows)


def access_purpose_clean(*, purpose: str, detail: str = "") -> tuple[str, str]:
    """The purpose stated for opening a credit file, checked (004 §4(2) 按需共享: information is shared
    on demand, for a stated use): one of ``AccessPurpose``, and for "other" the use in the reader's
    own words. The one check of the staff page's form and the API; refused in the user's language,
    by field (``purpose``, ``purpose_detail``)."""
    purpose = (purpose or "").strip()
    detail = " ".join((detail or "").split())
    errors: dict[str, str] = {}
    if not purpose:
        errors["purpose"] = _("Choose the purpose for which you open the credit file.")
    elif purpose not in AccessPurpose.values:
        errors["purpose"] = _("Choose one of the listed purposes.")
    elif purpose == AccessPurpose.OTHER and not detail:
        errors["purpose_detail"] = _("State the purpose for which you open the credit file.")
    if len(detail) > PURPOSE_DETAIL_MAX:
        errors["purpose_detail"] = _("State the purpose in at most %(n)s characters.") % {
            "n": PURPOSE_DETAIL_MAX
        }
    if errors:
        raise ValidationError(errors)
    return purpose, detail


def access_log_credit_file(
    *, user, subject, purpose: str, purpose_detail: str = "", request: HttpRequest, description=""
) -> int:
    """``user`` opened ``subject``'s credit file (信用档案, 002 §4(2)) for the stated purpose (004 §4(2)
    按需共享; 003 §5(1) 查询使用): one row with who, when, which subject, why, from where. The purpose
    is checked again here, so that no opening is logged — or shown — without one."""
    purpose, purpose_detail = access_purpose_clean(purpose=purpose, detail=purpose_detail)
    # Typed by a person: an identity number in it is kept masked, like one in the path.
    purpose_detail = IDENTITY_NUMBER_IN_PATH.sub(lambda m: mask_resident_id(m.group(0)), purpose_detail)
    return access_log_record(
        user=user,
        kind=AccessKind.CREDIT_FILE,
        subjects=[subject],
        description=description,
        request=request,
        purpose=purpose,
        purpose_detail=purpose_detail,
    )


def access_log_credit_report(
    *, user, subject, document_number: str, request: HttpRequest | None = None
) -> int:
    """A credit report about ``subject`` was issued to or opened by ``user`` (004 §5 credit reports):
    the report service and its views call this, with the report's document number."""
    return access_log_record(
        user=user,
        kind=AccessKind.CREDIT_REPORT,
        subjects=[subject],
        description=document_number,
        request=request,
    )


def access_log_export(
    *, user, request: HttpRequest, name: str, rows: int | None = None, subjects=None
) -> int:
    """An export (a spreadsheet or a file download) left the system: one row per subject in it, or one
    row without a subject for an export of aggregated figures; the description names the export and
    its number of rows."""
    description = name if rows is None else f"{name} ({rows})"
    return access_log_record(
        user=user, kind=AccessKind.EXPORT, subjects=subjects, description=description, request=request
    )


def access_log_record_notes(*, notes: list[Note], users: dict, request: HttpRequest) -> int:
    """Write what the selectors noted while serving ``request`` (see ``accesslog.collector``), one
    insert for all of it. ``users`` maps the noted user ids to the users."""
    if not notes:
        return 0
    address = client_address(request)
    path = _path(request)
    rows = []
    for note in notes:
        rows.extend(
            _entries(
                user=users.get(note.user_id),
                kind=note.kind,
                subject_ids=[note.subject_id],
                description=_text(note.description),
                address=address,
                path=path,
                purpose=note.purpose,
                purpose_detail=note.purpose_detail[:PURPOSE_DETAIL_MAX],
            )
        )
    return _write(rows)


def access_log_retention_days() -> int:
    """The configured retention period, refused if shorter than six months (网络安全法 Art. 21)."""
    days = int(getattr(settings, "ACCESS_LOG_RETENTION_DAYS", 365))
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"CREDITREG_ACCESS_LOG_RETENTION_DAYS={days} is shorter than the {MIN_RETENTION_DAYS} days "
            "(six months) the Cybersecurity Law requires logs to be kept."
        )
    return days


def access_log_purge(*, now: datetime.datetime | None = None, batch_size: int = PURGE_BATCH) -> int:
    """Delete the access-log rows older than the retention period, in batches so that no long lock is
    held; returns how many were deleted. Only this log is purged: the audit log is kept for ever."""
    days = access_log_retention_days()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted = 0
    while True:
        ids = list(
            AccessEntry.objects.filter(at__lt=cutoff).order_by("id").values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            break
        with transaction.atomic():
            deleted += AccessEntry.objects.filter(id__in=ids).delete()[0]
    if deleted:
        audit_log_write(
            actor=None,
            action="accesslog.purge",
            after={"deleted": deleted, "older_than": cutoff.isoformat(), "retention_days": days},
            reason=f"Access log kept {days} days",
        )
    return deleted
