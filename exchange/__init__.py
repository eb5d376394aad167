"""Exchange with the municipal credit platform (SPEC §5 "Platform exchange"): an outbox written in the
same transaction as the result it carries, delivered in batches by Celery, and pull-down imports."""
