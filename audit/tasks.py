"""Celery tasks of the audit app; thin, they call the chain services."""

from celery import shared_task

from .services import audit_chain_extend


@shared_task(name="audit.chain")
def audit_chain_task() -> int:
    """Catch-up of the chaining step (beat, and the backlog a post-commit step leaves over its limit)."""
    done, _more = audit_chain_extend(wait=True)
    return done
