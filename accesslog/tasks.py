"""Celery tasks of the access log; thin, they call the services."""

from celery import shared_task

from .services import access_log_purge


@shared_task(name="accesslog.purge")
def access_log_purge_task() -> int:
    return access_log_purge()
