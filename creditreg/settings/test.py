"""Test settings: the production settings with a fast password hasher, a local cache and Celery tasks
run inline. Tests about the worker switch Celery to the real broker themselves (tests/conftest.py)."""

from .base import *  # noqa: F403
from .base import REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
# Uploads are imported inline (on commit), so a test sees the result; the thread has its own tests.
IMPORT_IN_THREAD = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Kept so the worker fixture can hand the real broker to the worker it starts.
TEST_REDIS_URL = REDIS_URL
WHITENOISE_AUTOREFRESH = True
