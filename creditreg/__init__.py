"""creditreg: the county credit office's grading and classified-supervision system."""

from .celery import app as celery_app

__all__ = ("celery_app",)
