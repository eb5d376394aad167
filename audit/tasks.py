"""Celery tasks of the audit app; thin, they call the chain services."""

from celery import shared_task


@shared_task(name="audit.chain")
def audit_chain_task() -> int:
    """Catch-up of the chaining step (beat, and the backlog a post-commit step leaves over its limit)."""
    from .services import audit_chain_extend

    done, _more = audit_chain_extend(wait=True)
    return done


@shared_task(name="audit.send_head")
def audit_head_send_task() -> dict:
    """The daily beat entry: the day's chain head to the platform through the outbox."""
    from .services import audit_head_send

    sent = audit_head_send()
    head = sent.head
    return {"created": sent.created, "seq": head.seq if head else 0, "hash": head.chain_hash if head else ""}
