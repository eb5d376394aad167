"""The Celery application. Tasks stay thin and call services; without ``REDIS_URL`` they run inline."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditreg.settings.base")

app = Celery("creditreg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
