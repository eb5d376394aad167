"""Bulk intake of records from spreadsheets (SPEC §5 record intake, §7 ``import_records``): a web
upload's job (``records.jobs``) and the command both call ``records_import``.

The file is read by ``records.spreadsheets`` and written by ``records.intake``, the writer every
intake path shares. Good rows are kept, bad rows are reported with row number, column and reason; a
row already entered (same department, subject, document number and violation) is counted as a
duplicate and skipped, so uploading the same file again creates nothing new.

An import must not hurt the other users of the system (SPEC §6), so it is bounded and it yields:

- before anything is written the file is read through once, streaming (``import_file_scan``): the
  caps on size and rows, a damaged workbook or a wrong header row refuse the whole file with a clear
  message and nothing is written;
- the second pass validates a chunk of rows outside any transaction and writes it in a short
  transaction of its own, so other writers (a login, on SQLite too) wait at most one chunk; the
  job's progress is committed with each chunk. Memory stays bounded by a chunk: caches, rejected rows
  and duplicate checks are per chunk (rows of earlier chunks are found in the database).
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department
from core.masking import mask_resident_id
from core.text import UNSAFE
from core.xlsx import xlsx_bytes
from subjects.identifiers import mask_resident_ids_in_text

from .blank_templates import template_columns, template_workbook, typed_value
from .intake import IMPORT_STOPPED, ImportRun
from .models import ImportBatch, ImportUpload
from .spreadsheets import (
    ImportFileError,
    SheetParser,
    import_file_scan,
    read_rows,
)

logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    batch: ImportBatch

    @property
    def errors(self):
        """The rejected rows' reasons, in row order (read from the database: they are written with
        each chunk, not kept in memory)."""
        return self.batch.errors.all()

    @property
    def ok(self) -> bool:
        return self.batch.rows_rejected == 0


def records_import(
    *,
    content: bytes,
    file_name: str,
    department: Department,
    actor=None,
    approve: bool = False,
    batch: ImportBatch | None = None,
    max_rows: int | None = None,
    max_uncompressed_bytes: int | None = None,
) -> ImportResult:
    """Import a spreadsheet for ``department``. Raises ``ImportFileError`` when the file as a whole is
    unusable — not a spreadsheet, over ``max_rows`` data rows or ``max_uncompressed_bytes`` unpacked,
    damaged, of no known template — and nothing is written then; otherwise keeps the good rows and
    returns the batch with its rejected rows. With ``approve`` the records take effect at once and are
    queued for the platform.

    ``batch`` is the job's batch when the import runs as a job (records/jobs.py); otherwise a batch is
    created. Chunks are committed one by one: if the import stops half-way (a lost worker), the rows
    written stay, the batch says so, and importing the file again skips them as already entered."""
    started = time.perf_counter()
    file_name = UNSAFE.sub("", file_name)[:255]
    template, columns, total = import_file_scan(
        content=content, file_name=file_name, max_rows=max_rows, max_uncompressed_bytes=max_uncompressed_bytes
    )
    parser = SheetParser(template=template, columns=columns)
    run = ImportRun.start(
        department=department,
        actor=actor,
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        template=template,
        approve=approve,
        rows_total=total,
        row_errors=parser.row_errors,
        batch=batch,
        started=started,
    )
    try:
        _headers, rows = read_rows(
            content, file_name, max_rows=max_rows, max_uncompressed_bytes=max_uncompressed_bytes
        )
        chunk: list = []
        for line in rows:
            chunk.append(line)
            if len(chunk) >= settings.IMPORT_CHUNK_ROWS:
                _write_chunk(run, parser, chunk)
                chunk = []
        if chunk:
            _write_chunk(run, parser, chunk)
    except Exception as exc:
        run.stop(str(exc) if isinstance(exc, ImportFileError) else "")
        raise
    run.finish()
    return ImportResult(batch=run.batch)


def _write_chunk(run: ImportRun, parser: SheetParser, lines: list) -> None:
    # Validated before the chunk's transaction opens: other writers wait only for the writing.
    items, refused = parser.items(lines)
    run.write(items, refused=refused, rows=len(lines))


def import_job_run(*, batch_id: int, language: str = "") -> None:
    """Run the import of a queued batch (the task's body). Idempotent: a finished batch is left alone,
    one whose worker was lost is run again (its rows already written are then duplicates)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        batch = ImportBatch.objects.select_related("department", "uploaded_by").filter(pk=batch_id).first()
        if batch is None or batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
            return
        upload = ImportUpload.objects.filter(batch=batch).first()
        try:
            if upload is None:
                raise ImportFileError(_("The uploaded file is no longer there; upload it again."))
            records_import(
                content=bytes(upload.content),
                file_name=batch.file_name,
                department=batch.department,
                actor=batch.uploaded_by,
                batch=batch,
                max_rows=settings.IMPORT_MAX_ROWS,
                max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            )
        except ImportFileError as exc:
            _fail(batch_id, str(exc))
        except Exception:
            logger.exception("import of batch %s stopped", batch_id)
            _fail(batch_id, str(IMPORT_STOPPED))
        finally:
            # The file is not kept once imported: its rows are, and its checksum identifies it.
            ImportUpload.objects.filter(batch_id=batch_id).delete()


def _fail(batch_id: int, message: str) -> None:
    """A file refused before any row was written (or a job that stopped): the batch says why."""
    now = timezone.now()
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]
    ).update(status=ImportBatch.Status.FAILED, failure=message, finished_at=now, updated_at=now)


TEMPLATE_LABELS = {
    ImportBatch.Template.GENERAL: gettext_lazy("General record template"),
    ImportBatch.Template.PENALTY: gettext_lazy("Platform administrative-penalty template (双公示)"),
    ImportBatch.Template.LICENCE: gettext_lazy("Platform administrative-licence template (双公示)"),
}


def workbook_bytes(headers: list[str], rows=None, *, title: str = "Sheet1") -> bytes:
    """A one-sheet workbook whose every text is a text cell, never a formula (core/xlsx.py)."""
    return xlsx_bytes(title=title, headers=headers, rows=rows or [])


# Columns that hold a natural person's identity number, whatever the row (SPEC §7 templates).
PERSON_NUMBER_COLUMNS = ("法定代表人证件号码", "证件号码")
PERSON_KIND = "自然人"


def _row_masked(values: dict) -> dict:
    """A rejected row as a role that may not see identity numbers gets it (SPEC §6: error workbooks
    too): the person-number columns masked whatever they hold, the subject code of a natural person's
    row masked, and any identity number in any other cell."""
    masked = {key: mask_resident_ids_in_text(value) for key, value in values.items()}
    for column in PERSON_NUMBER_COLUMNS:
        if masked.get(column):
            masked[column] = mask_resident_id(str(values[column]))
    if values.get("主体类别") == PERSON_KIND and masked.get("主体代码"):
        masked["主体代码"] = mask_resident_id(str(values["主体代码"]))
    return masked


def error_workbook(batch: ImportBatch, *, masked: bool = False) -> bytes:
    """The rejected rows with their original values and the reasons, to fix and upload again. Every
    value is written back as the text it was read as (a cell starting with ``=`` stays text), and the
    rows are streamed from the database, so a large report costs one row of memory at a time.
    ``masked``: for a reader who neither uploaded the file nor may see identity numbers."""
    columns = template_columns(batch.template)

    def line(values: dict, reasons: list[str]) -> list:
        if masked:
            values, reasons = _row_masked(values), [mask_resident_ids_in_text(r) for r in reasons]
        # Typed as the template types them (a date a date cell, an amount a number), so the corrected
        # workbook imports as it is; one sentence per reason, no doubled 。；.
        cells = [typed_value(c.kind, values.get(c.header, "")) for c in columns]
        return cells + ["；".join(r.rstrip("。；;. ") for r in reasons if r) + "。"]

    def rows():
        current, values, reasons = None, {}, []
        errors = batch.errors.order_by("row_number", "id").values_list(
            "row_number", "column", "message", "values"
        )
        for number, column, message, row_values in errors.iterator(chunk_size=2000):
            if number != current:
                if current is not None:
                    yield line(values, reasons)
                current, values, reasons = number, row_values, []
            reasons.append(f"{column}：{message}" if column else message)
        if current is not None:
            yield line(values, reasons)

    return template_workbook(batch.template, rows(), error_column=True)
