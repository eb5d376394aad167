"""Writing the audit log. Every state-changing service calls ``audit_log_write`` inside its transaction,
so the log row exists exactly when the change does."""

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

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
        if field.is_relation and field.many_to_one:
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
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditLog:
    """Append one audit row. ``actor=None`` means the system (migrations, scheduled tasks, commands)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLog.objects.create(
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


def audit_action_label(action: str) -> str:
    """A readable name of an action code for the admin list."""
    return str(ACTION_LABELS.get(action, action))


ACTION_LABELS = {
    "user.create": _("User created"),
    "subject.create": _("Subject registered"),
    "subject.update": _("Subject changed"),
}
