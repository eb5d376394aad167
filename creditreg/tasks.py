"""Operational tasks of the project itself."""

import os
import socket

from celery import shared_task
from django.db import connection
from django.utils import timezone

from core.files import held_uploads_purge
from subjects.models import Subject


@shared_task(name="creditreg.worker_health_check")
def worker_health_check() -> dict:
    """Answer from inside a worker: which process ran the task and whether it reaches the database.

    Operators call it to see that a deployed worker is alive and shares the web's database; the test
    suite uses it to prove that a task went through the broker to a real worker process and back.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {
        "hostname": socket.gethostname(),
        "pid": os.getpid(),
        "database": connection.vendor,
        "subjects": Subject.objects.count(),
        "at": timezone.now().isoformat(),
    }


@shared_task(name="creditreg.purge_held_uploads")
def purge_held_uploads() -> int:
    """Daily: the uploads kept across a form error whose day has passed (core.files)."""
    return held_uploads_purge()
