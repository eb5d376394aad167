"""The workflow kernel: the one way an object of a workflow changes its status.

It lives in audit because every move it makes is an audited write (a status-change row and an audit
entry); audit sits just above core, below every workflow app.

Every workflow of the registry — credit records, reminders, repair applications, objections,
commitments and voluntary registrations — is a ``TextChoices`` status, an explicit transition map
``{from: (to, …)}`` and a table of status changes (a subclass of the abstract ``StatusChange``;
Oscar's ``OrderStatusChange``, STYLE §4). Each app describes its workflow once as a ``Workflow``; a
service moves an object in two calls, with its own work in between:

1. ``begin`` — lock the object's row (``select_for_update``: concurrent moves of one object queue up
   here and each sees the status the previous one left), check the actor by the service's
   ``Permission`` (``PermissionDenied``), and guard: a move the map does not allow raises
   ``TransitionRefused`` with one clear, translated message ("…that is “草稿” cannot be approved")
   before anything is changed;
2. the service's own checks and work (the reason, its input, a record to revoke …);
3. ``transition`` — the new status and the service's fields, saved; the status-change row; the audit
   entry (``decide`` is ``transition`` for a decision, which the object keeps).

``created`` writes the first status-change row and the audit entry of a new object. All run inside the
caller's ``transaction.atomic``, so a refusal or an error anywhere leaves nothing behind.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.models import StatusChange

from .services import audit_log_write, model_snapshot

Obj = TypeVar("Obj", bound=models.Model)

GIVE_THE_REASON = gettext_lazy("Give the reason.")


class TransitionRefused(ValidationError):
    """A move the transition map does not allow from the object's current status. Nothing was changed.

    A ``ValidationError`` carrying one message (no field): a page shows it as a message, the API
    answers 400 ``{"non_field_errors": [message]}`` through the project's exception handler."""


def actor_user(actor):
    """The user to name in a row for ``actor``: None for the system (``actor=None``) or an anonymous
    caller, whose rows say "system"."""
    return actor if getattr(actor, "is_authenticated", False) else None


def reason_required(reason: str | None, *, missing=GIVE_THE_REASON) -> str:
    """The reason without surrounding blanks; refused (on the ``reason`` field) when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": str(missing)})
    return reason


@dataclass(frozen=True)
class Permission:
    """Who may make a move: a predicate of ``(actor, object)`` and what anyone else is told."""

    allows: Callable[[Any, Any], bool]
    denied: Any  # a (lazily) translated message

    def check(self, actor, obj) -> None:
        if not self.allows(actor, obj):
            raise PermissionDenied(str(self.denied))


@dataclass(frozen=True)
class Workflow:
    """One workflow: its status-change table (which names the model: the table's foreign key other
    than the actor), its transition map and its refusal message.

    ``refusal`` is formatted with ``status`` (the current status's label), ``action`` (the verb the
    service gives, e.g. "approved") and ``to`` (the target status's label). ``related`` is loaded
    together with the locked row (only the row is locked). ``audit_after`` are the fields every audit
    entry of a move shows after it besides the status; ``reason_field`` is where the object keeps the
    reason of a decision."""

    changes: type[StatusChange]
    transitions: Mapping[str, Sequence[str]]
    refusal: Any
    related: tuple[str, ...] = ()
    audit_after: tuple[str, ...] = ()
    reason_field: str = "decision_reason"

    @cached_property
    def owner(self) -> str:
        """The name of the status-change table's foreign key to the workflow's model."""
        shared = {f.name for f in StatusChange._meta.get_fields()}
        return next(f.name for f in self.changes._meta.get_fields() if f.many_to_one and f.name not in shared)

    @cached_property
    def model(self) -> type[models.Model]:
        return self.changes._meta.get_field(self.owner).related_model

    # --- the steps -------------------------------------------------------------------------------

    def lock(self, obj: Obj) -> Obj:
        """The object read again under a row lock, held until the caller's transaction ends."""
        return self.model.objects.select_for_update(of=("self",)).select_related(*self.related).get(pk=obj.pk)

    def refuse(self, obj, *, verb="", to: str = "") -> NoReturn:
        """Raise the refusal for ``obj`` in its current status (also for an action that changes no
        status but needs a certain one, such as editing a record)."""
        labels = dict(self.model._meta.get_field("status").flatchoices)
        raise TransitionRefused(
            str(self.refusal)
            % {"status": labels.get(obj.status, obj.status), "action": verb, "to": labels.get(to, to)}
        )

    def guard(self, obj, to: str, *, verb="", transitions: Mapping[str, Sequence[str]] | None = None) -> None:
        """Refuse unless the map (the workflow's own, or the one given) allows ``obj.status → to``."""
        if to not in (transitions if transitions is not None else self.transitions).get(obj.status, ()):
            self.refuse(obj, verb=verb, to=to)

    def log_change(self, obj, *, actor, from_status: str, reason: str = "") -> StatusChange:
        """Write the status-change row of ``obj`` (now in its new status); ``from_status=""`` for the
        row that records its creation."""
        return self.changes.objects.create(
            **{self.owner: obj},
            from_status=from_status,
            to_status=obj.status,
            actor=actor_user(actor),
            reason=reason,
        )

    def created(self, obj, *, actor, action: str, after: dict, reason: str = "") -> None:
        """A new object: its first status-change row (from no status) and the audit entry ``action``
        with ``after`` (what the object was created with)."""
        self.log_change(obj, actor=actor, from_status="", reason=reason)
        audit_log_write(actor=actor, action=action, target=obj, after=after, reason=reason)

    def begin(
        self,
        obj: Obj,
        to: str,
        *,
        actor,
        verb="",
        permission: Permission | None = None,
        transitions: Mapping[str, Sequence[str]] | None = None,
    ) -> Obj:
        """Lock, check the actor, guard: the object, ready for the service's work and ``transition``."""
        obj = self.lock(obj)
        if permission is not None:
            permission.check(actor, obj)
        self.guard(obj, to, verb=verb, transitions=transitions)
        return obj

    def transition(
        self,
        obj: Obj,
        to: str,
        *,
        actor,
        action: str,
        reason: str = "",
        verb="",
        transitions: Mapping[str, Sequence[str]] | None = None,
        audit_fields: Sequence[str] | None = None,
        audit_after: Sequence[str] | None = None,
        **fields,
    ) -> Obj:
        """Move the (locked) object to ``to``: the guard once more, then ``fields`` and the status,
        saved; the status-change row; the audit entry ``action``.

        The audit entry shows the status before and after, plus the ``audit_after`` fields (the
        workflow's by default) after the move; or, with ``audit_fields``, those fields before and
        after."""
        self.guard(obj, to, verb=verb, transitions=transitions)
        reason = (reason or "").strip()
        from_status = obj.status
        before = model_snapshot(obj, audit_fields) if audit_fields else {"status": from_status}
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.status = to
        obj.save()
        self.log_change(obj, actor=actor, from_status=from_status, reason=reason)
        after = model_snapshot(obj, audit_fields) if audit_fields else {"status": to}
        after |= model_snapshot(obj, self.audit_after if audit_after is None else audit_after)
        audit_log_write(actor=actor, action=action, target=obj, before=before, after=after, reason=reason)
        return obj

    def decide(self, obj: Obj, to: str, *, actor, action: str, reason: str, **fields) -> Obj:
        """``transition`` for a decision: the object also keeps who decided (``decided_by``), when
        (``decided_at``) and why (the workflow's ``reason_field``), which its page and the subject
        read."""
        fields |= {"decided_by": actor, "decided_at": timezone.now(), self.reason_field: reason}
        return self.transition(obj, to, actor=actor, action=action, reason=reason, **fields)
