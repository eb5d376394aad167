"""A web upload is imported as a job outside the request (records/jobs.py): the Celery task on a real
worker, a thread of the web process in the embedded mode."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from records.jobs import STALLED_AFTER
from records.models import CreditRecord, ImportBatch, ImportUpload
from records.spreadsheets import GENERAL_COLUMNS
from tests.factories import make_uscc


def _content(rows: int) -> bytes:
    code = make_uscc()
    lines = [",".join(GENERAL_COLUMNS)] + [
        f"西峡县测试有限公司,法人,{code},警告,西发改〔2026〕{i}号,2026-03-02,,,,违规{i}" for i in range(rows)
    ]
    return "\n".join(lines).encode("utf-8")


def _wait_for(batch_pk: int, timeout: float = 60) -> ImportBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = ImportBatch.objects.get(pk=batch_pk)
        if batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.FAILED):
            return batch
        time.sleep(0.2)
    pytest.fail(f"the import job did not finish in {timeout} s")


@pytest.mark.django_db
def test_the_upload_request_only_queues_the_job_and_the_page_follows_it(client, clerk):
    client.force_login(clerk)
    # on_commit callbacks are not run here: the request must not import anything itself.
    response = client.post(reverse("records:import"), {"file": SimpleUploadedFile("a.csv", _content(3))})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.QUEUED
    assert ImportUpload.objects.filter(batch=batch).exists() and not CreditRecord.objects.exists()
    page = client.get(reverse("records:import_result", args=[batch.pk]))
    assert page["Refresh"] == "2" and "等待开始" in page.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.RUNNING, rows_total=3, rows_processed=1
    )
    page = client.get(reverse("records:import_result", args=[batch.pk])).content.decode()
    assert "已处理 1 / 3 行" in page and '<progress max="3" value="1">' in page
    # Lost with its process: the page stops reloading and says what to do.
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now() - STALLED_AFTER * 2)
    page = client.get(reverse("records:import_result", args=[batch.pk]))
    assert "Refresh" not in page and "中断" in page.content.decode()


@pytest.mark.django_db
def test_the_task_imports_the_queued_upload_and_forgets_the_file(
    client, clerk, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("records:import"), {"file": SimpleUploadedFile("a.csv", _content(3))})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE and (batch.rows_total, batch.rows_processed) == (3, 3)
    assert batch.rows_created == 3 and CreditRecord.objects.count() == 3 and batch.finished_at is not None
    assert not ImportUpload.objects.exists()
    page = client.get(reverse("records:import_result", args=[batch.pk]))
    assert "Refresh" not in page and "已完成" in page.content.decode()
    # Run again (a redelivered message): a finished job is left alone.
    from records.tasks import import_run

    import_run(batch.pk, "zh-hans")
    assert CreditRecord.objects.count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_the_embedded_mode_a_thread_of_the_web_process_imports(client, clerk, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.IMPORT_IN_THREAD = True
    client.force_login(clerk)
    before = set(threading.enumerate())
    response = client.post(reverse("records:import"), {"file": SimpleUploadedFile("a.csv", _content(5))})
    assert response.status_code == 302
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=60)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE and batch.rows_created == 5


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_a_real_worker_the_celery_task_imports(celery_worker, clerk):
    from django.test import Client

    client = Client()
    client.force_login(clerk)
    response = client.post(reverse("records:import"), {"file": SimpleUploadedFile("a.csv", _content(2500))})
    assert response.status_code == 302
    batch = _wait_for(ImportBatch.objects.get().pk)
    assert batch.status == ImportBatch.Status.DONE, (batch.failure, celery_worker.log_tail())
    assert batch.rows_created == 2500 and CreditRecord.objects.count() == 2500
    assert not ImportUpload.objects.exists()
