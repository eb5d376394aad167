"""The Celery application. Tasks stay thin and call services; without ``REDIS_URL`` they run inline."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditreg.settings.base")

app = Celery("creditreg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["creditreg"])


def queued_messages(queue: str | None = None) -> int | None:
    """Messages waiting in ``queue`` (the default queue) on the broker — none when tasks run inline —
    or ``None`` when the broker cannot be asked. A queue the broker does not know is empty."""
    if app.conf.task_always_eager:
        return 0
    from amqp.exceptions import ChannelError

    try:
        with app.connection_for_write() as conn:
            try:
                return conn.default_channel.queue_declare(
                    queue=queue or app.conf.task_default_queue, passive=True
                ).message_count
            except ChannelError:  # NOT_FOUND: Redis drops an empty list
                return 0
    except Exception:  # noqa: BLE001 - unknown, and the caller then waits out its longer timer
        return None
