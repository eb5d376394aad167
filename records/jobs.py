"""A web upload imported as a job, outside the web request (SPEC §5 record intake, §6).

The request only checks what needs no parsing (type, file size, the archive's unpacked size), keeps
the file with a queued ``ImportBatch`` and returns; the result page shows the job's progress until it
is done. The job is the Celery task ``records.import_run`` on a real worker; without a broker (the
embedded mode, where tasks would run inline in the request) it runs in a thread of the web process.
Either way ``records_import`` commits chunk by chunk, so other users keep working meanwhile.
"""

import datetime
import hashlib
import threading

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.taskqueue import task_send
from core.text import UNSAFE

from .importing import import_job_run
from .models import ImportBatch, ImportUpload
from .permissions import can_enter_records
from .spreadsheets import ImportFileError, import_file_check

# A job that has shown no progress for this long was lost (the embedded server restarted).
STALLED_AFTER = datetime.timedelta(minutes=15)


def import_job_start(*, actor, upload, language: str) -> ImportBatch:
    """Queue the import of ``upload`` (an uploaded file) for the actor's department; raises
    ``ImportFileError`` at once for a file refused without parsing (nothing is kept then)."""
    if not can_enter_records(actor):
        raise ImportFileError(_("Your role cannot upload records."))
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB; split it.")
            % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    content = upload.read()
    file_name = UNSAFE.sub("", upload.name or "")[:255]
    import_file_check(
        content=content, file_name=file_name, max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    )
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            department=actor.department,
            uploaded_by=actor,
            file_name=file_name,
            sha256=hashlib.sha256(content).hexdigest(),
            status=ImportBatch.Status.QUEUED,
            updated_at=timezone.now(),
        )
        ImportUpload.objects.create(batch=batch, content=content)
        transaction.on_commit(lambda: import_job_dispatch(batch_id=batch.pk, language=language))
    return batch


def import_job_dispatch(*, batch_id: int, language: str) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.IMPORT_IN_THREAD:
        threading.Thread(
            target=_run_in_thread, kwargs={"batch_id": batch_id, "language": language}, daemon=True
        ).start()
    else:
        task_send("records.import_run", batch_id, language)


def _run_in_thread(*, batch_id: int, language: str) -> None:
    try:
        import_job_run(batch_id=batch_id, language=language)
    finally:
        connection.close()


def import_job_stalled(batch: ImportBatch) -> bool:
    """Queued or running, but without progress for ``STALLED_AFTER``: lost with its process."""
    if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
        return False
    return (batch.updated_at or batch.created_at) < timezone.now() - STALLED_AFTER
