"""The audit chain's daily head, sent to the platform through the outbox (issue 13).

Once a day the head of the chain (sequence number, hash, algorithm) is queued for the platform and
kept in ``audit.AuditHead`` in the same transaction, so that even a database administrator cannot
rewrite the log unnoticed: the platform holds the heads. It lives here, above the audit app, because
it joins the chain to the outbox; the audit app itself knows nothing of the exchange.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from audit import chain
from audit.models import AuditHead, AuditLog
from audit.services import audit_chain_extend

from .models import OutboxType
from .services import outbox_enqueue


@dataclass
class HeadSent:
    head: AuditHead | None
    created: bool


def audit_head_send(*, day: datetime.date | None = None) -> HeadSent:
    """Send the chain's head for ``day`` (today by default) to the platform: chain what is committed,
    then queue one ``audit.head`` outbox item and keep the same values in ``AuditHead`` in the same
    transaction. Once per day: a second call the same day changes nothing (issue 13, so that even a
    database administrator cannot rewrite history unnoticed: the platform holds the heads)."""
    day = day or timezone.localdate()
    existing = AuditHead.objects.filter(day=day).first()
    if existing is not None:
        return HeadSent(existing, False)
    audit_chain_extend(wait=True)
    # Under the chaining lock: the head read must not race a chaining step between its batches.
    with chain.chain_transaction(wait=True):
        seq, chain_hash = chain.chain_head()
        if seq == 0:
            return HeadSent(None, False)
        algorithm = AuditLog.objects.values_list("hash_algorithm", flat=True).get(seq=seq)
        head, created = AuditHead.objects.get_or_create(
            day=day, defaults={"seq": seq, "chain_hash": chain_hash, "hash_algorithm": algorithm}
        )
        if created:
            outbox_enqueue(
                type=OutboxType.AUDIT_HEAD,
                key=day.isoformat(),
                payload={
                    "date": day,
                    "seq": seq,
                    "hash": chain_hash,
                    "algorithm": algorithm,
                    "sent_at": head.sent_at,
                },
            )
    return HeadSent(head, created)
