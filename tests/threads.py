"""Threads with their own database connection, for tests about parallel transactions (PostgreSQL)."""

import threading

from django.db import close_old_connections, connection


def in_thread(target) -> threading.Thread:
    """Start ``target`` in a thread; its connection is closed when it ends."""

    def run():
        try:
            target()
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread
