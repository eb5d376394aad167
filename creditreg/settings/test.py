"""Test settings: the production settings with a fast password hasher, a local cache and Celery tasks
run inline. Tests about the worker switch Celery to the real broker themselves (tests/conftest.py)."""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL

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

# The read replica in tests: Django's test MIRROR of the default database (on PostgreSQL, where a second
# connection sees what a transactional test committed). Ordinary tests keep every read on the primary
# (they run inside one uncommitted transaction); the router's own tests switch the replica reads on.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and "replica" not in DATABASES:
    DATABASES["replica"] = dict(DATABASES["default"], TEST={"MIRROR": "default"})
CREDITREG_REPLICA_READS = False
