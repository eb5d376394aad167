"""The file store: uploaded evidence (a record's, an objection's, a repair's proof, a voluntary
registration's files) checked by type (name and content) and size before storage, kept under its
checksum, downloaded under the name it was uploaded with. One place for every app's uploads, so the
same file is refused or kept the same way wherever it is filed."""

import hashlib
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import StoredFile

Stored = TypeVar("Stored", bound=StoredFile)

# Extension → the bytes such a file starts with (an empty tuple: any; text formats have no signature).
ALLOWED = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".ofd": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}
CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def evidence_check(uploaded) -> str:
    """The file's extension if it is an allowed evidence file; otherwise a clear ValidationError."""
    suffix = Path(uploaded.name or "").suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError(
            {"evidence": _("Evidence must be one of: %(types)s.") % {"types": ", ".join(sorted(ALLOWED))}}
        )
    if uploaded.size == 0:
        raise ValidationError({"evidence": _("The file %(name)s is empty.") % {"name": uploaded.name}})
    if uploaded.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "evidence": _("The file %(name)s is larger than %(mb)s MB.")
                % {"name": uploaded.name, "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
            }
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if not any(head.startswith(sig) for sig in ALLOWED[suffix]):
        raise ValidationError(
            {
                "evidence": _("The file %(name)s is not really a %(type)s file.")
                % {"name": uploaded.name, "type": suffix}
            }
        )
    return suffix


def file_download(stored: StoredFile) -> HttpResponse:
    """The kept file as an attachment under the name it was uploaded with."""
    response = HttpResponse(stored.file.read(), content_type=stored.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stored.original_name)}"
    return response


def file_download_view(*, lookup, files: str, file_kwarg: str):
    """The page view that downloads one file of an object: ``lookup(request, pk)`` finds the object as
    the user may see it (404 otherwise); ``files`` names its files, the URL's ``file_kwarg`` the file
    (a file of another object answers 404 too)."""

    @login_required
    def download(request, pk: int, **kwargs) -> HttpResponse:
        return file_download(get_object_or_404(getattr(lookup(request, pk), files), pk=kwargs[file_kwarg]))

    return download


def file_store(stored: Stored, uploaded, suffix: str) -> Stored:
    """Keep a checked upload (``evidence_check``) on ``stored`` (an unsaved row of a StoredFile
    model) and save it: the file under its checksum, its name as uploaded, type, size and sha256."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    stored.original_name = Path(uploaded.name).name[:255]
    stored.content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
    stored.size = uploaded.size
    stored.sha256 = digest.hexdigest()
    stored.file.save(f"{stored.sha256[:16]}{suffix}", uploaded, save=False)
    stored.save()
    return stored


# Uploads kept across a form's errors (issue 19: evidence chosen on a form that came back with an
# error was silently dropped; a browser cannot refill a file input). The checked file waits in the
# file storage under a random name; the form carries a token signed for its user, valid for a day.
HOLD_SALT = "core.files.upload-hold"
HOLD_MAX_AGE = 24 * 3600


def upload_hold(*, user, uploaded) -> str:
    """Keep ``uploaded`` (already checked) for ``user``'s next submission of the form; the token."""
    from django.core import signing
    from django.core.files.storage import default_storage
    from django.utils.crypto import get_random_string

    uploaded.seek(0)
    path = default_storage.save(f"held/{get_random_string(24)}", uploaded)
    uploaded.seek(0)
    return signing.dumps({"u": user.pk, "p": path, "n": Path(uploaded.name or "").name[:255]}, salt=HOLD_SALT)


def upload_held(*, user, token: str):
    """The file kept under ``token`` for ``user``, as an upload, or None (unknown, expired, another's)."""
    from django.core import signing
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    try:
        held = signing.loads(token, salt=HOLD_SALT, max_age=HOLD_MAX_AGE)
    except signing.BadSignature:
        return None
    if held.get("u") != user.pk or not str(held.get("p", "")).startswith("held/"):
        return None
    try:
        with default_storage.open(held["p"], "rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return None
    return SimpleUploadedFile(held["n"], content)


def held_uploads_purge(*, now=None) -> int:
    """Delete the kept uploads older than their tokens (a day): a form abandoned after an error leaves
    its files behind, which nobody can use any more. The number deleted."""
    import datetime

    from django.core.files.storage import default_storage
    from django.utils import timezone

    now = now or timezone.now()
    try:
        _dirs, names = default_storage.listdir("held")
    except (FileNotFoundError, NotADirectoryError):
        return 0
    deleted = 0
    for name in names:
        path = f"held/{name}"
        try:
            modified = default_storage.get_modified_time(path)
        except (FileNotFoundError, OSError):
            continue
        if now - modified > datetime.timedelta(seconds=HOLD_MAX_AGE):
            default_storage.delete(path)
            deleted += 1
    return deleted


HELD_PREFIX = "held-"


def held_files_restore(*, request, form, fields: list[str]) -> None:
    """Before ``form`` is validated: each file field of ``fields`` left empty on this submission gets
    the file kept for it on the last one (its token in ``held-<field>``)."""
    restored = {}
    for name in fields:
        if name in request.FILES:
            continue  # a file chosen again replaces the kept ones
        held = [
            upload_held(user=request.user, token=t) for t in request.POST.getlist(HELD_PREFIX + name) if t
        ]
        if any(f is not None for f in held):
            restored[name] = [f for f in held if f is not None]
    if restored:
        form.files = form.files.copy()
        for name, files in restored.items():
            form.files.setlist(name, files)  # one file, or several for a field that takes several


def held_files_keep(*, request, form, fields: list[str]) -> list[tuple[str, str, str]]:
    """After a submission that came back with errors: keep each acceptable file of ``fields`` for the
    next one; (hidden field name, token, file name) for the page to carry and to name."""
    kept = []
    cleaned = getattr(form, "cleaned_data", None) or {}
    for name in fields:
        value = cleaned.get(name)
        for uploaded in value if isinstance(value, list | tuple) else [value]:
            if not uploaded:
                continue
            try:
                evidence_check(uploaded)
            except ValidationError:
                continue  # the form says why; a refused file is not kept
            kept.append(
                (HELD_PREFIX + name, upload_hold(user=request.user, uploaded=uploaded), uploaded.name)
            )
    return kept
