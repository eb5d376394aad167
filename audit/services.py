"""Writing the audit log. Every state-changing service calls ``audit_log_write`` inside its transaction,
so the log row exists exactly when the change does; right after the commit the chaining step gives the
new entries their sequence numbers and chain hashes (``audit/chain.py`` says how and why)."""

import datetime
import decimal
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from core.bulk import rows_insert
from core.taskqueue import task_send
from core.types import Actor

from . import chain
from .models import AuditLog

SYSTEM_ACTOR_LABEL = "system"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def model_snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``instance`` as JSON-ready values (foreign keys as their ids)."""
    snapshot: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.Field) and field.is_relation and field.many_to_one:
            snapshot[name] = getattr(instance, field.attname)
        else:
            snapshot[name] = _jsonable(getattr(instance, name))
    return snapshot


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values changed, from both sides."""
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


def audit_log_write(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditLog:
    """Append one audit row. ``actor=None`` means the system (migrations, scheduled tasks, commands)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditLog.objects.create(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else SYSTEM_ACTOR_LABEL,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        before=before,
        after=after,
        reason=reason,
    )
    audit_chain_after_commit()
    return entry


def audited_save(
    instance: models.Model,
    *,
    actor: Actor,
    action: str,
    fields: Sequence[str],
    values: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditLog:
    """Set ``values`` on ``instance``, save it, and audit the change: the ``fields`` before (nothing
    for a new row) and after."""
    before = model_snapshot(instance, fields) if instance.pk is not None else None
    for name, value in (values or {}).items():
        setattr(instance, name, value)
    instance.save()
    return audit_log_write(
        actor=actor,
        action=action,
        target=instance,
        before=before,
        after=model_snapshot(instance, fields),
        reason=reason,
    )


def audit_log_write_bulk(
    *,
    actor: Actor,
    action: str,
    entries: Iterable[tuple[models.Model, dict | None, dict | None]],
    reason: str = "",
) -> int:
    """Append one audit row per ``(target, before, after)`` in bulk (``core.bulk.rows_insert``: a bulk
    registration of many subjects); the rows are chained after the commit like those of
    ``audit_log_write``."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    label = actor.get_username() if actor is not None else SYSTEM_ACTOR_LABEL
    rows = [
        AuditLog(
            actor=actor,
            actor_label=label,
            action=action,
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
            target_repr=str(target)[:255],
            before=before,
            after=after,
            reason=reason,
        )
        for target, before, after in entries
    ]
    rows_insert(rows, batch_size=1000)
    audit_chain_after_commit()
    return len(rows)


def _chain_step() -> None:
    # Runs after the commit of a transaction that wrote audit rows. Never waits for another chaining
    # step and never fails the caller, whose change is committed already (the beat catches up).
    _done, more = audit_chain_extend(wait=False, limit=settings.AUDIT_CHAIN_STEP_LIMIT)
    if more:
        task_send("audit.chain")


def audit_chain_after_commit() -> None:
    """Schedule one chaining step after the current transaction commits (at once in autocommit).
    One per transaction: a service writing a thousand rows schedules one step, not a thousand."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(func is _chain_step for _sids, func, _robust in conn.run_on_commit):
        return
    transaction.on_commit(_chain_step, robust=True)


def audit_chain_extend(
    *, wait: bool = True, limit: int | None = None, batch_size: int = 5000
) -> tuple[int, bool]:
    """The chaining step: number and hash the committed entries not chained yet, oldest id first, one
    transaction per batch under the chaining lock (``audit/chain.py``). Returns how many were chained
    and whether more are left (``limit`` reached). With ``wait=False`` it gives up at once when another
    step holds the lock, since that step chains whatever is committed before it ends."""
    algorithm = chain.configured_algorithm()
    digest = chain.hasher(algorithm)
    done = 0
    while limit is None or done < limit:
        size = batch_size if limit is None else min(batch_size, limit - done)
        with chain.chain_transaction(wait=wait) as locked:
            if not locked:
                return done, False
            rows = chain.unchained_rows(limit=size)
            if not rows:
                return done, False
            seq, previous = chain.chain_head()
            links = []
            for values in rows:
                seq += 1
                previous = chain.link(previous, values, seq=seq, algorithm=algorithm, digest=digest)
                links.append((values[0], seq, previous, algorithm))
            chain.write_links(links)
        # Read again even after a short batch, until a read finds nothing: an entry committed while
        # this step held the lock had its own step give up, and is chained here.
        done += len(rows)
    return done, AuditLog.objects.filter(seq__isnull=True).exists()


def audit_action_label(action: str) -> str:
    """A readable name of an action code (``record.return`` → 信用记录：退回) for the admin lists of the
    audit log and the outbox (issue 19: the codes were shown as they are); an unknown code is shown
    as it is."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    noun, _dot, verb = action.partition(".")
    if noun in ACTION_NOUNS:
        verb_label = ACTION_VERBS.get(verb) or ACTION_VERBS.get(verb.rsplit("_", 1)[-1])
        if verb_label is not None:
            return f"{ACTION_NOUNS[noun]}：{verb_label}"
    return action


ACTION_NOUNS = {
    "record": _("Credit record"),
    "grade": _("Grade"),
    "run": _("Yearly evaluation"),
    "scheme": _("Scheme"),
    "list": _("List"),
    "measure": _("Measure"),
    "objection": _("Objection"),
    "reminder": _("Reminder"),
    "repair": _("Credit repair"),
    "commitment": _("Credit commitment"),
    "voluntary": _("Voluntary information"),
    "subject": _("Subject"),
    "subject_account": _("Subject account"),
    "user": _("User"),
    "report": _("Yearly summary"),
    "outbox": _("Outbox"),
    "exchange": _("Platform exchange"),
    "accesslog": _("Access log"),
}
ACTION_VERBS = {
    "create": _("action created"),
    "update": _("action changed"),
    "submit": _("action submitted"),
    "approve": _("action approved"),
    "return": _("action returned"),
    "revoke": _("action revoked"),
    "repair": _("action repaired"),
    "correct": _("action corrected"),
    "expire": _("action expired"),
    "evidence": _("action evidence added"),
    "withdraw": _("action withdrawn"),
    "delete": _("action deleted"),
    "effective": _("action took effect"),
    "adjust": _("action adjusted"),
    "publish": _("action published"),
    "start": _("action started"),
    "request": _("action requested"),
    "complete": _("action completed"),
    "recover": _("action recovered"),
    "accept": _("action accepted"),
    "uphold": _("action upheld"),
    "apply": _("action applied"),
    "refuse": _("action refused"),
    "register": _("action registered"),
    "verify": _("action verified"),
    "reject": _("action rejected"),
    "cancel": _("action cancelled"),
    "escalate": _("action escalated"),
    "rectify": _("action rectified"),
    "sign": _("action signed"),
    "breach": _("action breached"),
    "fulfil": _("action fulfilled"),
    "generate": _("action generated"),
    "add": _("action added"),
    "remove": _("action removed"),
    "failed": _("action failed"),
    "retry": _("action retried"),
    "purge": _("action purged"),
    "copy": _("action copied"),
    "propose": _("action proposed"),
}


ACTION_LABELS = {
    "user.create": _("User created"),
    "subject.create": _("Subject registered"),
    "subject.update": _("Subject changed"),
}
