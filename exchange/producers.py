"""``records.outbox.records_outbox_enqueue_bulk`` under its old name, for ``records/importing.py`` only,
until the importer's rewrite imports ``records.outbox``; then this module goes. The payload builders
live beside their domain (``records/outbox.py``, ``grading/outbox.py``): exchange imports no domain
app."""

from records.outbox import records_outbox_enqueue_bulk

__all__ = ["records_outbox_enqueue_bulk"]
