"""The task queue as the apps see it: send a task by its name, and count what waits on the broker.

Tasks are sent by name so that a module never imports the module defining a task it only starts:
imports go down the layers, while a task (an entry point, like a view) sits on top of the services it
calls. Without ``REDIS_URL`` (the embedded mode and the tests) tasks run inline, as they would with
``task.delay()``.
"""

from amqp.exceptions import ChannelError
from celery import current_app
from celery.result import AsyncResult


def task_send(name: str, *args, **kwargs) -> AsyncResult:
    """Start the task registered under ``name`` with these arguments, like its ``delay``.

    A process that is not a worker has not necessarily imported every tasks module; a name not yet
    known here has the apps' tasks modules imported first (Celery's autodiscovery), so that inline
    execution finds the task instead of handing it to a broker that is not there.
    """
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.signature(name, args=args, kwargs=kwargs).delay()


def queued_messages(queue: str | None = None) -> int | None:
    """Messages waiting in ``queue`` (the default queue) on the broker — none when tasks run inline —
    or ``None`` when the broker cannot be asked. A queue the broker does not know is empty."""
    app = current_app
    if app.conf.task_always_eager:
        return 0
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
